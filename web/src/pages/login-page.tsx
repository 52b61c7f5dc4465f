import { useEffect, useState } from 'react'
import type { SessionDto } from '../../../src/contracts/users.ts'
import { LoginInput } from '../../../src/contracts/users.ts'
import { api } from '../api.ts'
import { TextField } from '../fields.tsx'
import { FormErrors, SubmitButton, useForm } from '../forms.tsx'
import { useSession } from '../session.tsx'

/** Email and password; stays on the requested URL so the user lands where they were going. */
export function LoginPage() {
  const { signedIn, expired } = useSession()
  const form = useForm()
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')

  useEffect(() => {
    document.title = 'Log in · Servicebook'
  }, [])

  const submit = async () => {
    const input = form.validate(LoginInput, { email, password })
    if (!input) return
    await form.save(() => api<SessionDto>('POST', '/api/auth/login', input), signedIn)
  }

  return (
    <main className="login">
      <h1>Servicebook</h1>
      <form ref={form.formRef} onSubmit={form.onSubmit(submit)} noValidate aria-labelledby="login-heading">
        <h2 id="login-heading">Log in</h2>
        {expired && !form.formError && <p className="muted">Your session has ended. Log in again to continue.</p>}
        <FormErrors message={form.formError} orphans={form.orphans} />
        <TextField label="Email" name="email" type="email" autoComplete="username" required value={email} onChange={setEmail} errors={form.errors} />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={setPassword}
          errors={form.errors}
        />
        <SubmitButton saving={form.saving}>Log in</SubmitButton>
      </form>
    </main>
  )
}
