import type { TestApp } from './test-app.ts'
import { loginHeaders } from './test-app.ts'

/**
 * Scheduling test setup over HTTP: an app in New York time with an admin, an office user and
 * technicians, and a small `api` client per role.
 */

export type Who = 'admin' | 'office' | 'ana' | 'ben'
export type Api = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, body?: unknown, who?: Who) => Promise<{ status: number; body: any }>

export const WEEKDAY_HOURS = { start: '08:00', end: '17:00' }
export const workweek = { mon: [WEEKDAY_HOURS], tue: [WEEKDAY_HOURS], wed: [WEEKDAY_HOURS], thu: [WEEKDAY_HOURS], fri: [WEEKDAY_HOURS], sat: [], sun: [] }

/** Logs everyone in; Ana (HVAC, Chicago Loop) and Ben (plumbing) are technicians created by the admin through the API. */
export async function schedulingWorld(t: TestApp) {
  await t.deps.db.updateTable('companySettings').set({ timeZone: 'America/New_York' }).where('id', '=', 1).execute()
  const headers: Record<string, Record<string, string>> = {}
  headers.admin = await loginHeaders(t.app, await t.addUser('admin'))
  headers.office = await loginHeaders(t.app, await t.addUser('office'))
  const api: Api = async (method, url, body, who = 'office') => {
    const res = await t.app.inject({ method, url, headers: headers[who], ...(body === undefined ? {} : { payload: body as object }) })
    return { status: res.statusCode, body: res.body ? res.json() : null }
  }
  const tech = async (name: string, email: string, skills: string[], homeBase: object) => {
    const res = await api('POST', '/api/technicians', { name, email, password: 'correct horse battery', skills, workingHours: workweek, homeBase, color: '#16a34a' }, 'admin')
    if (res.status !== 201) throw new Error(`technician: ${res.status} ${JSON.stringify(res.body)}`)
    headers[name.toLowerCase()] = await loginHeaders(t.app, email)
    return res.body.id as string
  }
  const ana = await tech('Ana', 'ana@example.com', ['hvac'], { line1: '1 Loop Pl', city: 'Chicago', region: 'IL', postalCode: '60601', latitude: 41.88, longitude: -87.63 })
  const ben = await tech('Ben', 'ben@example.com', ['plumbing'], { line1: '9 Lake St', city: 'Evanston', region: 'IL', postalCode: '60201', latitude: null, longitude: null })
  return { api, ana, ben }
}
