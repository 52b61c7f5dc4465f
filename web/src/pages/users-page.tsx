import { Button, NativeSelect, Text, Title } from '@mantine/core'
import { useState } from 'react'
import { ROLES, type Role, type UserDto } from '../../../src/contracts/users.ts'
import { errorMessage } from '../api.ts'
import { ConfirmButton } from '../confirm-button.tsx'
import { DataTable, type Column } from '../data-table.tsx'
import { toast } from '../notice.tsx'
import { ErrorNote, Page } from '../page.tsx'
import { useApiMutation, useApiQuery } from '../query.ts'
import { useSession, useUser } from '../session.tsx'
import { ROLE_LABELS } from '../strings.ts'
import { NewUserForm } from './new-user-form.tsx'
import { SettingsNav } from './settings-nav.tsx'

type Patch = { id: string; role?: Role; isActive?: boolean }
const SORTS: Record<string, (u: UserDto) => string> = { name: (u) => u.name.toLowerCase(), email: (u) => u.email, role: (u) => u.role }

/** Admins manage office accounts: create, change role, deactivate or reactivate. */
export function UsersPage() {
  const me = useUser()
  const { refresh } = useSession()
  const users = useApiQuery<{ items: UserDto[] }>(me.role === 'admin' ? '/api/users' : null)
  const patch = useApiMutation<UserDto, Patch>('PATCH', (p) => `/api/users/${encodeURIComponent(p.id)}`)
  const [actionError, setActionError] = useState<string | null>(null)
  const [sort, setSort] = useState({ by: 'name', desc: false })

  const change = async (user: UserDto, changes: Omit<Patch, 'id'>, done: string) => {
    setActionError(null)
    try {
      await patch.mutateAsync({ id: user.id, ...changes })
      toast.success(done)
      // Demoting yourself changes what you may see; deactivating yourself ends the session.
      if (user.id === me.id) await refresh().catch(() => undefined)
    } catch (err) {
      setActionError(`${user.name}: ${errorMessage(err)}`)
    }
  }

  if (me.role !== 'admin')
    return (
      <Page title="Settings">
        <SettingsNav />
        <Text>Only an admin can manage users.</Text>
      </Page>
    )
  const key = SORTS[sort.by]
  const rows = users.data && [...users.data.items].sort((a, b) => key(a).localeCompare(key(b)) * (sort.desc ? -1 : 1))
  const columns: Column<UserDto>[] = [
    { header: 'Name', sort: 'name', cell: (u) => `${u.name}${u.id === me.id ? ' (you)' : ''}` },
    { header: 'Email', sort: 'email', cell: (u) => u.email },
    {
      header: 'Role',
      sort: 'role',
      cell: (u) => (
        <NativeSelect
          aria-label={`Role for ${u.name}`}
          size="xs"
          miw={130}
          value={u.role}
          onChange={(e) => void change(u, { role: e.currentTarget.value as Role }, `${u.name} is now ${ROLE_LABELS[e.currentTarget.value as Role]}.`)}
          data={ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
        />
      ),
    },
    { header: 'Status', cell: (u) => (u.isActive ? 'Active' : 'Deactivated') },
    {
      header: 'Actions',
      hideHeader: true,
      cell: (u) =>
        u.isActive ? (
          <ConfirmButton
            label={`Deactivate ${u.name}`}
            question={`Deactivate ${u.name}? They are logged out and can no longer log in.`}
            confirmLabel="Yes, deactivate"
            danger
            onConfirm={() => change(u, { isActive: false }, `${u.name} deactivated.`)}
          />
        ) : (
          <Button variant="default" onClick={() => void change(u, { isActive: true }, `${u.name} reactivated.`)}>
            Reactivate {u.name}
          </Button>
        ),
    },
  ]
  return (
    <Page title="Settings">
      <SettingsNav />
      <Title order={2}>Users</Title>
      {actionError && <ErrorNote>{actionError}</ErrorNote>}
      <DataTable
        caption="Users"
        columns={columns}
        rows={rows}
        rowKey={(u) => u.id}
        loading={users.isFetching}
        error={users.error?.message}
        empty={{ text: 'No users.' }}
        sort={{ ...sort, onSort: (by, desc) => setSort({ by, desc }) }}
      />
      <Title order={2}>Add a user</Title>
      <NewUserForm />
    </Page>
  )
}
