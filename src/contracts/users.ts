import type { CompanyFormat } from '../domain/formatting.ts'
import { z } from 'zod'
import { email, requiredText } from './common.ts'

export const ROLES = ['admin', 'office', 'technician'] as const
export type Role = (typeof ROLES)[number]

export const password = z
  .string({ error: 'is required' })
  .min(10, { error: 'must be at least 10 characters' })
  .max(200, { error: 'must be at most 200 characters' })

export const LoginInput = z.object({
  email,
  password: z.string({ error: 'is required' }).min(1, { error: 'is required' }).max(200),
})

export const UserCreateInput = z.object({
  email,
  name: requiredText(200),
  role: z.enum(ROLES, { error: 'must be admin, office or technician' }),
  password,
})

export const UserUpdateInput = z.object({
  name: requiredText(200).optional(),
  role: z.enum(ROLES, { error: 'must be admin, office or technician' }).optional(),
  isActive: z.boolean({ error: 'must be true or false' }).optional(),
  password: password.optional(),
})

export interface UserDto {
  id: string
  email: string
  name: string
  role: Role
  isActive: boolean
  createdAt: string
}

export interface SessionDto {
  user: UserDto
  csrfToken: string
  /** The company's locale and time zone: every date and time the app shows is written in them. */
  company: CompanyFormat
}

/** `GET /api/auth/session`: the session, or nulls when nobody is logged in. */
export type CurrentSessionDto = SessionDto | { user: null; csrfToken: null; company: null }

export const ChangePasswordInput = z.object({
  currentPassword: z.string({ error: 'is required' }).min(1, { error: 'is required' }).max(200),
  newPassword: password,
})
