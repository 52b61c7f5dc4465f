import { z } from 'zod'
import { email, optionalText, PageQuery, phone, requiredText } from './common.ts'

export const LocationInput = z.object({
  id: z.string().optional(),
  label: optionalText(100).default(''),
  line1: requiredText(200),
  line2: optionalText(200).default(''),
  city: requiredText(100),
  region: z
    .string({ error: 'is required' })
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, { error: 'must be a two-letter state code' }),
  postalCode: z
    .string({ error: 'is required' })
    .trim()
    .regex(/^\d{5}(-\d{4})?$/, { error: 'must be a ZIP code like 12345 or 12345-6789' }),
  country: z.literal('US', { error: 'only US addresses are supported' }).default('US'),
  accessNotes: optionalText(1000).default(''),
  /** Optional coordinates (slot suggestions measure travel with them); omitted = unchanged. */
  latitude: z.number({ error: 'must be a number' }).min(-90, { error: 'must be between -90 and 90' }).max(90, { error: 'must be between -90 and 90' }).nullable().optional(),
  longitude: z.number({ error: 'must be a number' }).min(-180, { error: 'must be between -180 and 180' }).max(180, { error: 'must be between -180 and 180' }).nullable().optional(),
})

export const ContactInput = z.object({
  id: z.string().optional(),
  name: requiredText(200),
  email: email.nullable().optional(),
  phone: phone.nullable().optional(),
  isPrimary: z.boolean().default(false),
})

export const CustomerInput = z.object({
  name: requiredText(200),
  companyName: optionalText(200).nullable().optional(),
  notes: optionalText(5000).default(''),
  locations: z.array(LocationInput).max(100, { error: 'at most 100 locations' }).default([]),
  contacts: z.array(ContactInput).max(50, { error: 'at most 50 contacts' }).default([]),
})
export type CustomerInput = z.infer<typeof CustomerInput>

export const CustomerListQuery = PageQuery.extend({
  q: optionalText(200).optional(),
  archived: z.enum(['true', 'false']).default('false'),
})

export interface LocationDto {
  id: string
  label: string
  line1: string
  line2: string
  city: string
  region: string
  postalCode: string
  country: string
  accessNotes: string
  latitude: number | null
  longitude: number | null
  archivedAt: string | null
}

export interface ContactDto {
  id: string
  name: string
  email: string | null
  phone: string | null
  isPrimary: boolean
}

export interface CustomerSummaryDto {
  id: string
  name: string
  companyName: string | null
  primaryEmail: string | null
  primaryPhone: string | null
  city: string | null
  locationCount: number
  archivedAt: string | null
  createdAt: string
}

export interface CustomerDto {
  id: string
  name: string
  companyName: string | null
  notes: string
  locations: LocationDto[]
  contacts: ContactDto[]
  archivedAt: string | null
  createdAt: string
  updatedAt: string
}
