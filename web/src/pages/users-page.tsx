import { useState } from 'react'
import { ROLES, type Role, type UserDto } from '../../../src/contracts/users.ts'
import { api, errorMessage } from '../api.ts'
import { ConfirmButton } from '../confirm-button.tsx'
import { useNotice } from '../notice.tsx'
import { LoadState, Page } from '../page.tsx'
import { useSession, useUser } from '../session.tsx'
import { ROLE_LABELS } from '../strings.ts'
import { useLoad } from '../use-load.ts'
import { NewUserForm } from './new-user-form.tsx'
import { SettingsNav } from './settings-nav.tsx'

/** Admins manage office accounts: create, change role, deactivate or reactivate. */
export function UsersPage() {
  const me = useUser()
  const { refresh } = useSession()
  const users = useLoad<{ items: UserDto[] }>(me.role === 'admin' ? '/api/users' : null)
  const notice = useNotice()
  const [actionError, setActionError] = useState<string | null>(null)

  const change = async (user: UserDto, patch: { role?: Role; isActive?: boolean }, done: string) => {
    setActionError(null)
    try {
      await api<UserDto>('PATCH', `/api/users/${encodeURIComponent(user.id)}`, patch)
      notice(done)
      // Demoting yourself changes what you may see; deactivating yourself ends the session.
      if (user.id === me.id) await refresh().catch(() => undefined)
    } catch (err) {
      setActionError(`${user.name}: ${errorMessage(err)}`)
    } finally {
      users.reload()
    }
  }

  if (me.role !== 'admin')
    return (
      <Page title="Settings">
        <SettingsNav />
        <p>Only an admin can manage users.</p>
      </Page>
    )
  return (
    <Page title="Settings">
      <SettingsNav />
      <h2>Users</h2>
      {actionError && <p className="form-error" role="alert">{actionError}</p>}
      <LoadState loading={users.loading && !users.data} error={users.error} />
      {users.data && (
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col"><span className="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {users.data.items.map((u) => (
              <tr key={u.id}>
                <td>{u.name}{u.id === me.id && ' (you)'}</td>
                <td>{u.email}</td>
                <td>
                  <select aria-label={`Role for ${u.name}`} value={u.role} onChange={(e) => void change(u, { role: e.target.value as Role }, `${u.name} is now ${ROLE_LABELS[e.target.value as Role]}.`)}>
                    {ROLES.map((r) => <option key={r} value={r}>{ROLE_LABELS[r]}</option>)}
                  </select>
                </td>
                <td>{u.isActive ? 'Active' : 'Deactivated'}</td>
                <td>
                  {u.isActive ? (
                    <ConfirmButton
                      label={`Deactivate ${u.name}`}
                      question={`Deactivate ${u.name}? They are logged out and can no longer log in.`}
                      confirmLabel="Yes, deactivate"
                      danger
                      onConfirm={() => change(u, { isActive: false }, `${u.name} deactivated.`)}
                    />
                  ) : (
                    <button type="button" onClick={() => void change(u, { isActive: true }, `${u.name} reactivated.`)}>Reactivate {u.name}</button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Add a user</h2>
      <NewUserForm onCreated={users.reload} />
    </Page>
  )
}
