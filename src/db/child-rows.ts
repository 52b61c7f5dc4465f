import type { Insertable, Kysely, Updateable } from 'kysely'
import { validationError, type FieldErrors } from '../domain/errors.ts'
import type { Db } from './database.ts'
import type { Database } from './schema.ts'

/** Tables of rows that belong to one customer and are written from the customer's form. */
type CustomerChildTable = 'customerLocations' | 'customerContacts'

/** One list of child rows sent in a parent's form, e.g. a customer's `locations`. */
export interface ChildList<T extends CustomerChildTable> {
  table: T
  /** The list's name in the input, for errors: `locations` → `locations.2.id`. */
  field: string
  /** Each row: its `id` when it is an existing row of this parent, and the columns to write. */
  rows: readonly { id?: string | undefined; values: Omit<Updateable<Database[T]>, 'id' | 'customerId'> & Omit<Insertable<Database[T]>, 'id' | 'customerId'> }[]
  newId: () => string
}

/**
 * The one way nested rows are written from input (a customer's locations and contacts, on create
 * and on update). Every `id` sent must name a row this parent already has, else nothing is written
 * and the 422 names the field (`contacts.1.id`); each update is also scoped by the parent id, so no
 * input reaches a row of another parent. Rows without an id are inserted under the parent.
 * Returns, per list, the parent's rows that were left out, for the caller to archive or delete.
 */
export async function writeChildRows(
  tx: Db,
  parent: { noun: string; column: 'customerId'; id: string },
  lists: readonly { [T in CustomerChildTable]: ChildList<T> }[CustomerChildTable][],
): Promise<string[][]> {
  // NOTE: one body for several tables; the public signature keeps the column types.
  const db = tx as unknown as Kysely<Record<string, { id: string } & Record<string, unknown>>>
  const owned: Set<string>[] = []
  for (const list of lists) owned.push(new Set((await db.selectFrom(list.table).select('id').where(parent.column, '=', parent.id).execute()).map((r) => r.id)))

  const fields: FieldErrors = {}
  lists.forEach((list, i) => {
    const seen = new Set<string>()
    list.rows.forEach((row, j) => {
      if (row.id === undefined) return
      if (!owned[i]!.has(row.id)) fields[`${list.field}.${j}.id`] = `is not one of this ${parent.noun}'s ${list.field}`
      else if (seen.has(row.id)) fields[`${list.field}.${j}.id`] = 'is listed twice'
      seen.add(row.id)
    })
  })
  if (Object.keys(fields).length) throw validationError(fields)

  for (const list of lists)
    for (const row of list.rows) {
      if (row.id === undefined) await db.insertInto(list.table).values({ ...row.values, id: list.newId(), [parent.column]: parent.id }).execute()
      else await db.updateTable(list.table).set(row.values).where('id', '=', row.id).where(parent.column, '=', parent.id).execute()
    }
  return lists.map((list, i) => [...owned[i]!].filter((id) => !list.rows.some((r) => r.id === id)))
}
