import { LogoInput, SettingsInput } from '../../contracts/settings.ts'
import type { ServiceDeps } from '../../services/deps.ts'
import { notFound } from '../../domain/errors.ts'
import { getCompanyLogo, getSettings, removeCompanyLogo, setCompanyLogo, updateSettings } from '../../services/settings/company-settings.ts'
import { ADMIN, ANY_ROLE, defineRoute } from '../route.ts'
import { z } from 'zod'

const LogoVersionParams = z.object({ version: z.string().regex(/^[0-9a-f]{1,32}$/, { error: 'is not a logo version' }) })

export const settingsRoutes = (deps: ServiceDeps) => [
  defineRoute({
    method: 'GET',
    url: '/api/settings',
    summary: 'Company settings',
    tag: 'settings',
    access: ANY_ROLE,
    handler: async () => getSettings(deps),
  }),
  defineRoute({
    method: 'PUT',
    url: '/api/settings',
    summary: 'Change company settings (name, time zone, contact)',
    tag: 'settings',
    access: ADMIN,
    body: SettingsInput,
    handler: async ({ body, auth }) => updateSettings(deps, body, auth.user.id),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/settings/logo',
    summary: 'The company logo image (PNG or JPEG); 404 when none is set',
    tag: 'settings',
    access: ANY_ROLE,
    handler: async ({ reply }) => {
      const logo = await getCompanyLogo(deps)
      if (!logo) throw notFound('logo', 'company')
      return reply.type(logo.contentType).header('cache-control', 'no-cache').send(logo.bytes)
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/api/public/logo/:version',
    summary: "The company logo for e-mails (public: it is on every document sent to customers). The version in the address is the logo's fingerprint; the current logo is served",
    tag: 'settings',
    access: 'public',
    params: LogoVersionParams,
    handler: async ({ reply }) => {
      const logo = await getCompanyLogo(deps)
      if (!logo) throw notFound('logo', 'company')
      // Mail clients and webmail load it from other origins (helmet's default would refuse them).
      return reply.type(logo.contentType).header('cache-control', 'public, max-age=86400').header('cross-origin-resource-policy', 'cross-origin').send(logo.bytes)
    },
  }),
  defineRoute({
    method: 'PUT',
    url: '/api/settings/logo',
    summary: 'Set the company logo shown on quote PDFs (a PNG or JPEG data URL, at most 300 KB)',
    tag: 'settings',
    access: ADMIN,
    body: LogoInput,
    handler: async ({ body, auth }) => setCompanyLogo(deps, body.dataUrl, auth.user.id),
  }),
  defineRoute({
    method: 'DELETE',
    url: '/api/settings/logo',
    summary: 'Remove the company logo',
    tag: 'settings',
    access: ADMIN,
    handler: async ({ auth }) => removeCompanyLogo(deps, auth.user.id),
  }),
]
