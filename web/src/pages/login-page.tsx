import { Center, Paper, Stack, Text, Title } from '@mantine/core'
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
    <Center component="main" mih="100dvh" p="md" bg="gray.0">
      <Stack w="100%" maw={380} gap="lg">
        <Title order={1} ta="center" c="brand.7">
          Servicebook
        </Title>
        <Paper component="form" ref={form.formRef} onSubmit={form.onSubmit(submit)} noValidate aria-labelledby="login-heading" withBorder shadow="sm" p="lg" radius="md">
          <Stack gap="md">
            <Title order={2} id="login-heading" size="h3">
              Log in
            </Title>
            {expired && !form.formError && <Text c="dimmed">Your session has ended. Log in again to continue.</Text>}
            <FormErrors message={form.formError} orphans={form.orphans} />
            <TextField label="Email" name="email" type="email" autoComplete="username" required value={email} onChange={setEmail} errors={form.errors} />
            <TextField label="Password" name="password" type="password" autoComplete="current-password" required value={password} onChange={setPassword} errors={form.errors} />
            <SubmitButton saving={form.saving}>Log in</SubmitButton>
          </Stack>
        </Paper>
      </Stack>
    </Center>
  )
}
