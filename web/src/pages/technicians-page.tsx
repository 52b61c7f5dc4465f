import { Anchor, Button, ColorSwatch, Group } from '@mantine/core'
import { IconPlus } from '@tabler/icons-react'
import { WEEKDAY_KEYS, type TechnicianDto } from '../../../src/contracts/scheduling.ts'
import { DataTable, type Column } from '../data-table.tsx'
import { Page } from '../page.tsx'
import { useApiQuery } from '../query.ts'
import { Link } from '../router.tsx'
import { useUser } from '../session.tsx'
import { formatHours } from '../schedule/technician-text.ts'
import { StatusBadge } from '../status-badge.tsx'

const COLUMNS: Column<TechnicianDto>[] = [
  {
    header: 'Name',
    cell: (t) => (
      <Group gap={8} wrap="nowrap">
        <ColorSwatch color={t.color} size={14} aria-hidden />
        <Anchor component={Link} to={`/technicians/${t.id}`}>{t.name}</Anchor>
      </Group>
    ),
  },
  { header: 'Skills', cell: (t) => t.skills.join(', ') },
  { header: 'Working days', cell: (t) => (t.hasProfile ? WEEKDAY_KEYS.filter((d) => t.workingHours[d].length).map((d) => `${d} ${formatHours(t.workingHours[d])}`).join('; ') : 'Hours not set: not schedulable') },
  { header: 'Home base', cell: (t) => (t.homeBase ? `${t.homeBase.city}, ${t.homeBase.postalCode}` : '') },
  { header: 'Status', cell: (t) => (t.isActive ? <StatusBadge status="active" label="Active" /> : <StatusBadge status="closed" label="Inactive" />) },
]

/** Technicians with their hours and skills; admins add and edit them, the office reads. */
export function TechniciansPage() {
  const admin = useUser().role === 'admin'
  const list = useApiQuery<{ items: TechnicianDto[] }>('/api/technicians')
  const add = admin ? (
    <Button component={Link} to="/technicians/new" leftSection={<IconPlus size={16} aria-hidden />}>
      New technician
    </Button>
  ) : undefined
  return (
    <Page title="Technicians" actions={add}>
      <DataTable
        caption="Technicians"
        columns={COLUMNS}
        rows={list.data?.items}
        rowKey={(t) => t.id}
        loading={list.isFetching}
        error={list.error?.message}
        empty={{ text: admin ? 'No technicians yet. Add one to start scheduling visits.' : 'No technicians yet. An admin adds them.', action: add }}
      />
    </Page>
  )
}
