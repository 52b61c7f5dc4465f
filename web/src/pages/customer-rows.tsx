import { Button } from '@mantine/core'
import { IconTrash } from '@tabler/icons-react'
import type { ContactDto, LocationDto } from '../../../src/contracts/customers.ts'
import type { FieldErrors } from '../api.ts'
import { CheckboxField, TextField } from '../fields.tsx'

/** One editable service location; `key` keeps React rows stable while rows are added and removed. */
export interface LocationRow {
  key: string
  id?: string
  label: string
  line1: string
  line2: string
  city: string
  region: string
  postalCode: string
  accessNotes: string
}

export interface ContactRow {
  key: string
  id?: string
  name: string
  email: string
  phone: string
  isPrimary: boolean
}

let nextKey = 0
const newKey = () => `row-${(nextKey += 1)}`

export const emptyLocation = (): LocationRow => ({ key: newKey(), label: '', line1: '', line2: '', city: '', region: '', postalCode: '', accessNotes: '' })
export const emptyContact = (): ContactRow => ({ key: newKey(), name: '', email: '', phone: '', isPrimary: false })

export const locationRow = (l: LocationDto): LocationRow => ({
  key: newKey(),
  id: l.id,
  label: l.label,
  line1: l.line1,
  line2: l.line2,
  city: l.city,
  region: l.region,
  postalCode: l.postalCode,
  accessNotes: l.accessNotes,
})
export const contactRow = (c: ContactDto): ContactRow => ({ key: newKey(), id: c.id, name: c.name, email: c.email ?? '', phone: c.phone ?? '', isPrimary: c.isPrimary })

interface RowProps<R> {
  index: number
  row: R
  errors: FieldErrors
  onChange(row: R): void
  onRemove(): void
}

export function LocationFields({ index, row, errors, onChange, onRemove }: RowProps<LocationRow>) {
  const set = (field: keyof LocationRow) => (value: string) => onChange({ ...row, [field]: value })
  const name = (field: string) => `locations.${index}.${field}`
  return (
    <fieldset className="row-group">
      <legend>Location {index + 1}</legend>
      <div className="grid">
        <TextField label="Label" name={name('label')} hint="e.g. Home, Warehouse" value={row.label} onChange={set('label')} errors={errors} />
        <TextField label="Street address" name={name('line1')} required autoComplete="address-line1" value={row.line1} onChange={set('line1')} errors={errors} className="wide" />
        <TextField label="Address line 2" name={name('line2')} autoComplete="address-line2" value={row.line2} onChange={set('line2')} errors={errors} />
        <TextField label="City" name={name('city')} required autoComplete="address-level2" value={row.city} onChange={set('city')} errors={errors} />
        <TextField label="State" name={name('region')} required hint="Two letters, e.g. TX" autoComplete="address-level1" value={row.region} onChange={set('region')} errors={errors} />
        <TextField label="ZIP code" name={name('postalCode')} required inputMode="numeric" autoComplete="postal-code" value={row.postalCode} onChange={set('postalCode')} errors={errors} />
        <TextField label="Access notes" name={name('accessNotes')} hint="Gate codes, pets, parking" value={row.accessNotes} onChange={set('accessNotes')} errors={errors} className="wide" />
      </div>
      <Button variant="subtle" color="red" size="compact-sm" leftSection={<IconTrash size={14} aria-hidden />} onClick={onRemove} style={{ alignSelf: 'flex-start' }}>
        Remove location {index + 1}
      </Button>
    </fieldset>
  )
}

export function ContactFields({ index, row, errors, onChange, onRemove }: RowProps<ContactRow>) {
  const set = (field: 'name' | 'email' | 'phone') => (value: string) => onChange({ ...row, [field]: value })
  const name = (field: string) => `contacts.${index}.${field}`
  return (
    <fieldset className="row-group">
      <legend>Contact {index + 1}</legend>
      <div className="grid">
        <TextField label="Name" name={name('name')} required value={row.name} onChange={set('name')} errors={errors} />
        <TextField label="Email" name={name('email')} type="email" value={row.email} onChange={set('email')} errors={errors} />
        <TextField label="Phone" name={name('phone')} type="tel" value={row.phone} onChange={set('phone')} errors={errors} />
        <CheckboxField label="Primary contact" name={name('isPrimary')} checked={row.isPrimary} onChange={(isPrimary) => onChange({ ...row, isPrimary })} errors={errors} />
      </div>
      <Button variant="subtle" color="red" size="compact-sm" leftSection={<IconTrash size={14} aria-hidden />} onClick={onRemove} style={{ alignSelf: 'flex-start' }}>
        Remove contact {index + 1}
      </Button>
    </fieldset>
  )
}
