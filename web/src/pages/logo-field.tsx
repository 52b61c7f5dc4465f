import { Button, Group, Image, Stack, Text, Title } from '@mantine/core'
import { IconTrash, IconUpload } from '@tabler/icons-react'
import { useState } from 'react'
import { ApiError, api, errorMessage } from '../api.ts'
import { toast } from '../notice.tsx'
import { ErrorNote } from '../page.tsx'

const MAX_BYTES = 300 * 1024

/** The company logo for quote PDFs: preview, upload (PNG or JPEG up to 300 KB), remove. */
export function LogoField({ hasLogo, canEdit }: { hasLogo: boolean; canEdit: boolean }) {
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [version, setVersion] = useState(0)

  const upload = async (file: File | undefined) => {
    setError(null)
    if (!file) return
    if (!['image/png', 'image/jpeg'].includes(file.type)) return setError('Choose a PNG or JPEG image.')
    if (file.size > MAX_BYTES) return setError('The image must be at most 300 KB.')
    const dataUrl = await new Promise<string>((resolve, reject) => {
      const reader = new FileReader()
      reader.onload = () => resolve(String(reader.result))
      reader.onerror = () => reject(new Error('The file could not be read.'))
      reader.readAsDataURL(file)
    })
    await run(() => api('PUT', '/api/settings/logo', { dataUrl }), 'Logo saved. It appears on quote PDFs.')
  }

  const run = async (call: () => Promise<unknown>, done: string) => {
    setBusy(true)
    try {
      await call()
      setVersion((v) => v + 1)
      toast.success(done)
    } catch (err) {
      setError(err instanceof ApiError && err.fields.dataUrl ? `The logo ${err.fields.dataUrl}.` : errorMessage(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <Stack component="section" aria-labelledby="logo-heading" maw={512} gap="sm">
      <Title order={2} id="logo-heading">
        Logo
      </Title>
      {hasLogo ? (
        <Image className="logo-preview" src={`/api/settings/logo?v=${version}`} alt="Company logo" w="auto" fit="contain" />
      ) : (
        <Text c="dimmed">No logo yet. Quote PDFs show the company name only.</Text>
      )}
      {canEdit && (
        <Group gap="sm">
          <Button component="label" variant="default" leftSection={<IconUpload size={16} aria-hidden />} loading={busy}>
            {hasLogo ? 'Replace logo' : 'Upload logo'}
            <input
              type="file"
              accept="image/png,image/jpeg"
              className="visually-hidden"
              disabled={busy}
              onChange={(e) => {
                void upload(e.target.files?.[0])
                e.target.value = ''
              }}
            />
          </Button>
          {hasLogo && (
            <Button variant="default" color="red" leftSection={<IconTrash size={16} aria-hidden />} disabled={busy} onClick={() => void run(() => api('DELETE', '/api/settings/logo'), 'Logo removed.')}>
              Remove logo
            </Button>
          )}
        </Group>
      )}
      {error && <ErrorNote>{error}</ErrorNote>}
    </Stack>
  )
}
