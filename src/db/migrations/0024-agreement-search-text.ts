import { sql, type Kysely } from 'kysely'
import { execStatements } from '../exec-statements.ts'

/**
 * The agreements list's customer search reads the agreement row alone (issue 12): a copy of the
 * customer's `search_text` on each agreement, with its own trigram index, so a search matching one
 * customer in seven is one bitmap scan instead of one index probe per matching customer.
 * Triggers keep the copy exact whoever writes: an agreement takes its customer's text when it is
 * inserted (or moved to another customer), and a customer's new text goes to their agreements.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
alter table agreements add column customer_search_text text not null default '';
update agreements a set customer_search_text = c.search_text from customers c where c.id = a.customer_id;
create index agreements_customer_search_trgm_idx on agreements using gin (customer_search_text gin_trgm_ops);
`,
  )
  await sql
    .raw(
      `create function agreement_customer_search_text() returns trigger language plpgsql as $$ begin
        new.customer_search_text := coalesce((select search_text from customers where id = new.customer_id), ''); return new; end $$`,
    )
    .execute(db)
  await sql.raw(`create trigger agreements_customer_search_text before insert or update of customer_id on agreements for each row execute function agreement_customer_search_text()`).execute(db)
  await sql
    .raw(
      `create function customer_search_text_changed() returns trigger language plpgsql as $$ begin
        update agreements set customer_search_text = new.search_text where customer_id = new.id and customer_search_text is distinct from new.search_text; return null; end $$`,
    )
    .execute(db)
  await sql
    .raw(
      `create trigger customers_search_text_changed after update of search_text on customers for each row
        when (old.search_text is distinct from new.search_text) execute function customer_search_text_changed()`,
    )
    .execute(db)
}
