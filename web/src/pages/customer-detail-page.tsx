import { Anchor, Badge, Button, Group, Paper, SimpleGrid, Text, Title } from '@mantine/core'
import { IconMapPin, IconPencil, IconPlus } from '@tabler/icons-react'
import { useState } from 'react'
import type { ContactDto, CustomerDto } from '../../../src/contracts/customers.ts'
import { quoteLabel } from '../../../src/domain/quote-text.ts'
import { DataTable, type Column } from '../data-table.tsx'
import { StatusBadge } from '../status-badge.tsx'
import { api, errorMessage } from '../api.ts'
import { ConfirmButton } from '../confirm-button.tsx'
import { useNotice } from '../notice.tsx'
import { ErrorNote, LoadState, Page } from '../page.tsx'
import { Link } from '../router.tsx'
import { formatDateTime, formatDay } from '../strings.ts'
import { useLoad } from '../use-load.ts'
import { History, type AuditEventView } from './history.tsx'
import { Invoices } from './billing-invoices.tsx'
import { CustomerVisits } from '../schedule/visit-lists.tsx'
import type { Page as ApiPage } from '../../../src/contracts/common.ts'
import type { QuoteSummaryDto } from '../../../src/contracts/quotes.ts'
import type { AgreementSummaryDto } from '../../../src/contracts/agreements.ts'
import { formatUsd } from '../money.ts'
import { AGREEMENT_STATUS_LABELS, QUOTE_STATUS_LABELS } from '../quote-strings.ts'

/** One customer: details, service locations, contacts, history; edit and archive. */
export function CustomerDetailPage({ id }: { id: string }) {
  const path = `/api/customers/${encodeURIComponent(id)}`
  const customer = useLoad<CustomerDto>(path)
  const history = useLoad<{ items: AuditEventView[] }>(`${path}/history`)
  const quotes = useLoad<ApiPage<QuoteSummaryDto>>(`/api/quotes?customerId=${encodeURIComponent(id)}&pageSize=50`)
  const agreements = useLoad<ApiPage<AgreementSummaryDto>>(`/api/agreements?customerId=${encodeURIComponent(id)}&pageSize=50`)
  const notice = useNotice()
  const [actionError, setActionError] = useState<string | null>(null)
  const c = customer.data

  const setArchived = async (archived: boolean) => {
    setActionError(null)
    try {
      await api('POST', `${path}/archive`, { archived })
      notice(archived ? `Customer ${c?.name} archived.` : `Customer ${c?.name} restored.`)
      customer.reload()
      history.reload()
    } catch (err) {
      setActionError(errorMessage(err))
    }
  }

  if (!c) return <Page title="Customer"><LoadState loading={customer.loading} error={customer.error} /></Page>
  const active = c.locations.filter((l) => !l.archivedAt)
  const archivedLocations = c.locations.filter((l) => l.archivedAt)
  return (
    <Page
      title={c.name}
      actions={
        <>
          {!c.archivedAt && (
            <Button component={Link} to={`/quotes/new?customerId=${encodeURIComponent(c.id)}`} leftSection={<IconPlus size={16} aria-hidden />}>
              New quote
            </Button>
          )}
          <Button component={Link} to={`/customers/${c.id}/edit`} variant="default" leftSection={<IconPencil size={16} aria-hidden />}>
            Edit customer
          </Button>
          {c.archivedAt ? (
            <Button variant="default" onClick={() => void setArchived(false)}>
              Restore customer
            </Button>
          ) : (
            <ConfirmButton
              label="Archive customer"
              question={`Archive ${c.name}? The customer leaves lists and searches; you can restore it later.`}
              confirmLabel="Yes, archive"
              danger
              onConfirm={() => setArchived(true)}
            />
          )}
        </>
      }
    >
      {actionError && <ErrorNote>{actionError}</ErrorNote>}
      {c.archivedAt && (
        <Badge color="gray" variant="light" size="lg" tt="none">
          Archived {formatDateTime(c.archivedAt)}
        </Badge>
      )}
      <dl className="facts">
        <dt>Company</dt>
        <dd>{c.companyName || '—'}</dd>
        <dt>Notes</dt>
        <dd className="pre">{c.notes || '—'}</dd>
        <dt>Customer since</dt>
        <dd>{formatDateTime(c.createdAt)}</dd>
      </dl>

      <Title order={2}>Service locations</Title>
      {active.length === 0 ? (
        <Text c="dimmed">No service locations.</Text>
      ) : (
        <SimpleGrid component="ul" cols={{ base: 1, sm: 2, lg: 3 }} spacing="sm" className="plain-list">
          {active.map((l) => (
            <Paper component="li" key={l.id} withBorder p="sm" radius="md">
              <Group gap={6} wrap="nowrap" align="flex-start">
                <IconMapPin size={18} aria-hidden className="muted" />
                <div>
                  {l.label && <Text fw={600}>{l.label}</Text>}
                  <address className="plain-address">
                    {l.line1}
                    {l.line2 && <>, {l.line2}</>}
                    <br />
                    {l.city}, {l.region} {l.postalCode}
                  </address>
                  {l.accessNotes && <Text size="sm" c="dimmed">Access: {l.accessNotes}</Text>}
                </div>
              </Group>
            </Paper>
          ))}
        </SimpleGrid>
      )}
      {archivedLocations.length > 0 && <Text c="dimmed">{archivedLocations.length} archived location(s) not shown.</Text>}

      <Title order={2}>Contacts</Title>
      <DataTable
        caption="Contacts"
        columns={CONTACT_COLUMNS}
        rows={c.contacts}
        rowKey={(k) => k.id}
        minWidth={480}
        empty={{ text: 'No contacts.', action: <Anchor component={Link} to={`/customers/${c.id}/edit`}>Add a contact</Anchor> }}
      />

      <CustomerVisits customerId={c.id} locations={active} />
      <Title order={2}>Agreements</Title>
      <DataTable
        caption="Agreements"
        columns={AGREEMENT_COLUMNS}
        rows={agreements.data?.items}
        rowKey={(a) => a.id}
        loading={agreements.loading}
        error={agreements.error}
        minWidth={480}
        empty={{ text: 'No agreements yet. An agreement starts when the customer signs a quote.' }}
      />

      <Title order={2}>Quotes</Title>
      <DataTable
        caption="Quotes"
        columns={QUOTE_COLUMNS}
        rows={quotes.data?.items}
        rowKey={(q) => q.id}
        loading={quotes.loading}
        error={quotes.error}
        minWidth={480}
        empty={{ text: 'No quotes yet.' }}
      />

      <Invoices customerId={c.id} />

      <Title order={2}>History</Title>
      <LoadState loading={history.loading && !history.data} error={history.error} />
      {history.data && <History items={history.data.items} />}
    </Page>
  )
}

const CONTACT_COLUMNS: Column<ContactDto>[] = [
  {
    header: 'Name',
    cell: (k) => (
      <>
        {k.name}{' '}
        {k.isPrimary && (
          <Badge size="sm" variant="light" tt="none">
            Primary
          </Badge>
        )}
      </>
    ),
  },
  { header: 'Email', cell: (k) => k.email && <Anchor href={`mailto:${k.email}`}>{k.email}</Anchor> },
  { header: 'Phone', cell: (k) => k.phone && <Anchor href={`tel:${k.phone}`}>{k.phone}</Anchor> },
]

const AGREEMENT_COLUMNS: Column<AgreementSummaryDto>[] = [
  { header: 'Agreement', cell: (a) => <Anchor component={Link} to={`/agreements/${a.id}`}>#{a.number} {a.name}</Anchor> },
  { header: 'Status', cell: (a) => <StatusBadge status={a.status} label={AGREEMENT_STATUS_LABELS[a.status] ?? a.status} /> },
  { header: 'Starts', cell: (a) => formatDay(a.startDate) },
  { header: 'Per bill', cell: (a) => formatUsd(a.perPeriodCents), numeric: true },
]

const QUOTE_COLUMNS: Column<QuoteSummaryDto>[] = [
  { header: 'Quote', cell: (q) => <Anchor component={Link} to={`/quotes/${q.id}`}>{quoteLabel(q.number)} {q.title}</Anchor> },
  { header: 'Status', cell: (q) => <StatusBadge status={q.status} label={QUOTE_STATUS_LABELS[q.status] ?? q.status} /> },
  { header: 'Offer expires', cell: (q) => formatDay(q.expiresOn) },
]
