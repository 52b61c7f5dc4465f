import { Anchor, Button, Text, Title } from '@mantine/core'
import { IconPlus } from '@tabler/icons-react'
import { useCallback, useEffect, useRef, useState } from 'react'
import { CustomerInput, type CustomerDto } from '../../../src/contracts/customers.ts'
import { api } from '../api.ts'
import { TextAreaField, TextField } from '../fields.tsx'
import { FormActions, FormErrors, SubmitButton, useForm } from '../forms.tsx'
import { useNotice } from '../notice.tsx'
import { LoadState, Page } from '../page.tsx'
import { Link, navigate } from '../router.tsx'
import { useLoad } from '../use-load.ts'
import { ContactFields, contactRow, emptyContact, emptyLocation, LocationFields, locationRow, type ContactRow, type LocationRow } from './customer-rows.tsx'

const isBlank = (row: object) => Object.entries(row).every(([k, v]) => k === 'key' || k === 'isPrimary' || v === '' || v === undefined)
const orNull = (text: string) => (text.trim() ? text : null)

/** Create or edit a customer with several service locations and contacts. */
export function CustomerFormPage({ id }: { id?: string }) {
  const existing = useLoad<CustomerDto>(id ? `/api/customers/${encodeURIComponent(id)}` : null)
  // Blank rows stay on screen but are not sent: errors for sent row K belong to the row shown at sent[K].
  const sent = useRef<Record<'locations' | 'contacts', number[]>>({ locations: [], contacts: [] })
  const mapPath = useCallback(
    (path: string) => path.replace(/^(locations|contacts)\.(\d+)(?=\.|$)/, (_, list: 'locations' | 'contacts', k: string) => `${list}.${sent.current[list][Number(k)] ?? k}`),
    [],
  )
  const form = useForm({ mapPath })
  const notice = useNotice()
  const [loaded, setLoaded] = useState(!id)
  const [name, setName] = useState('')
  const [companyName, setCompanyName] = useState('')
  const [notes, setNotes] = useState('')
  const [locations, setLocations] = useState<LocationRow[]>(() => [emptyLocation()])
  const [contacts, setContacts] = useState<ContactRow[]>(() => [emptyContact()])

  useEffect(() => {
    const c = existing.data
    if (!c || loaded) return
    setName(c.name)
    setCompanyName(c.companyName ?? '')
    setNotes(c.notes)
    // Archived locations stay archived: leaving them out of the PUT keeps them so.
    setLocations(c.locations.filter((l) => !l.archivedAt).map(locationRow))
    setContacts(c.contacts.map(contactRow))
    setLoaded(true)
  }, [existing.data, loaded])

  const submit = async () => {
    // Rows left completely empty are not sent (rather than reported as missing fields), and stay on screen.
    const kept = <R extends object>(rows: R[]) => rows.flatMap((r, i) => (isBlank(r) ? [] : [i]))
    sent.current = { locations: kept(locations), contacts: kept(contacts) }
    const keptLocations = sent.current.locations.map((i) => locations[i])
    const keptContacts = sent.current.contacts.map((i) => contacts[i])
    const input = form.validate(CustomerInput, {
      name,
      companyName: orNull(companyName),
      notes,
      locations: keptLocations.map(({ key: _key, ...l }) => ({ ...l, country: 'US' })),
      contacts: keptContacts.map(({ key: _key, ...c }) => ({ ...c, email: orNull(c.email), phone: orNull(c.phone) })),
    })
    if (!input) return
    await form.save(
      () => (id ? api<CustomerDto>('PUT', `/api/customers/${encodeURIComponent(id)}`, input) : api<CustomerDto>('POST', '/api/customers', input)),
      (saved) => {
        notice(id ? `Customer ${saved.name} saved.` : `Customer ${saved.name} created.`)
        navigate(`/customers/${saved.id}`)
      },
    )
  }

  const update = <R,>(rows: R[], set: (rows: R[]) => void, index: number) => ({
    onChange: (row: R) => set(rows.map((r, i) => (i === index ? row : r))),
    onRemove: () => set(rows.filter((_, i) => i !== index)),
  })

  if (!loaded) return <Page title="Edit customer"><LoadState loading={existing.loading} error={existing.error} /></Page>
  return (
    <Page title={id ? `Edit ${existing.data?.name ?? 'customer'}` : 'New customer'}>
      <form ref={form.formRef} onSubmit={form.onSubmit(submit)} noValidate className="stack">
        <FormErrors message={form.formError} orphans={form.orphans} />
        <div className="grid">
          <TextField label="Customer name" name="name" required value={name} onChange={setName} errors={form.errors} />
          <TextField label="Company name" name="companyName" value={companyName} onChange={setCompanyName} errors={form.errors} />
        </div>
        <TextAreaField label="Notes" name="notes" value={notes} onChange={setNotes} errors={form.errors} />

        <Title order={2}>Service locations</Title>
        {locations.length === 0 && <Text c="dimmed">No service locations.</Text>}
        {locations.map((row, i) => (
          <LocationFields key={row.key} index={i} row={row} errors={form.errors} {...update(locations, setLocations, i)} />
        ))}
        <Button variant="default" leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setLocations([...locations, emptyLocation()])} style={{ alignSelf: 'flex-start' }}>
          Add location
        </Button>

        <Title order={2}>Contacts</Title>
        {contacts.length === 0 && <Text c="dimmed">No contacts.</Text>}
        {contacts.map((row, i) => (
          <ContactFields key={row.key} index={i} row={row} errors={form.errors} {...update(contacts, setContacts, i)} />
        ))}
        <Button variant="default" leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setContacts([...contacts, emptyContact()])} style={{ alignSelf: 'flex-start' }}>
          Add contact
        </Button>

        <FormActions>
          <SubmitButton saving={form.saving}>{id ? 'Save customer' : 'Create customer'}</SubmitButton>
          <Anchor component={Link} to={id ? `/customers/${id}` : '/customers'}>
            Cancel
          </Anchor>
        </FormActions>
      </form>
    </Page>
  )
}
