import type { Role } from '../../contracts/users.ts'
import { IdParams } from '../../contracts/common.ts'
import {
  BoardQuery,
  CancelVisitInput,
  ChangesQuery,
  DispatchDayInput,
  MyVisitsQuery,
  ScheduleInput,
  SchedulingSettingsInput,
  SuggestQuery,
  VersionInput,
  VisitCreateInput,
  VisitListQuery,
  VisitStatusInput,
  VisitUpdateInput,
} from '../../contracts/scheduling.ts'
import type { AuthenticatedSession } from '../../services/auth/sessions.ts'
import type { ServiceDeps } from '../../services/deps.ts'
import { getBoard, getMyVisits } from '../../services/scheduling/board.ts'
import { createVisit, getVisit, listVisits, updateVisit, visitHistory } from '../../services/scheduling/manage-visits.ts'
import { changesSince } from '../../services/scheduling/schedule-changes.ts'
import { scheduleVisit, unscheduleVisit } from '../../services/scheduling/schedule-visit.ts'
import { getSchedulingSettings, updateSchedulingSettings } from '../../services/scheduling/scheduling-settings.ts'
import { suggestForVisit } from '../../services/scheduling/suggest.ts'
import type { Actor } from '../../services/scheduling/visit-access.ts'
import { cancelVisit, dispatchDay, dispatchVisit, reportVisitStatus } from '../../services/scheduling/visit-status.ts'
import { ADMIN, ANY_ROLE, defineRoute, OFFICE } from '../route.ts'

const TECHNICIAN: readonly Role[] = ['technician']
const actor = (auth: AuthenticatedSession): Actor => ({ id: auth.user.id, role: auth.user.role })

const ON_HOLD = 'agreement_suspended: the visit is on hold because its agreement is suspended (message and details name the agreement); or work_order_<action>_not_allowed: its status does not allow it; or visit_changed: `version` is stale'
const VISIT = 'Returns the VisitDto: summary fields plus notes, full location (with access notes and coordinates), customer phone, technician name, actual times and completion notes.'

/**
 * Scheduling (issue 11): the dispatch board, visits (work orders) and the technician's day. The
 * rules live in the services (a technician reaches only their own visits; a visit on hold refuses
 * every step naming its suspended agreement), so every route here, and any later one, gets them.
 */
export const schedulingRoutes = (deps: ServiceDeps) => [
  defineRoute({
    method: 'GET',
    url: '/api/schedule/board',
    summary: "The dispatch board: one lane per technician for `days` days from `from` (default today, company time zone), with the visits in that range",
    description:
      'Returns BoardDto: `technicians[].days[]` give each date\'s working hours as instants (DST-correct) and the day-off reason; `visits` are VisitSummaryDto with a slot in range (on-hold ones included with `onHold` set: they hold no time). Keep `cursor` and poll GET /api/schedule/changes with it. The unscheduled list beside the lanes is GET /api/visits?status=open.',
    tag: 'schedule',
    access: OFFICE,
    query: BoardQuery,
    handler: async ({ query }) => getBoard(deps, query),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/schedule/changes',
    summary: 'What changed on the schedule since a cursor (from the board or the previous call): changed visits and technicians in their current state',
    description:
      'Returns ChangesDto `{ cursor, resync, visits, technicians }`. Poll every few seconds with the returned cursor; replace each visit by id (a visit may come back more than once). `resync: true` (cursor too old or unknown, or a flood of changes): reload the board. Changes by any route, billing suspension included, appear here.',
    tag: 'schedule',
    access: OFFICE,
    query: ChangesQuery,
    handler: async ({ query }) => changesSince(deps.db, query.cursor),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/schedule/dispatch',
    summary: "Dispatch every scheduled visit of a day (of one technician, or everyone's); visits on hold are left out",
    description: 'Returns `{ dispatched }`, the number of visits dispatched.',
    tag: 'schedule',
    access: OFFICE,
    body: DispatchDayInput,
    handler: async ({ body, auth }) => dispatchDay(deps, body, actor(auth)),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/schedule/settings',
    summary: 'Scheduling settings: whether customers get a "your technician is on the way" email',
    tag: 'schedule',
    access: OFFICE,
    handler: async () => getSchedulingSettings(deps.db),
  }),
  defineRoute({
    method: 'PUT',
    url: '/api/schedule/settings',
    summary: 'Change the scheduling settings',
    tag: 'schedule',
    access: ADMIN,
    body: SchedulingSettingsInput,
    handler: async ({ body, auth }) => updateSchedulingSettings(deps, body, auth.user.id),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/visits',
    summary: 'Visits, most urgent first (window end, then priority); filter by status list, window, overdue, skill, area (ZIP prefix or city), technician, customer, agreement, needs rescheduling; paginated',
    description:
      'Returns `{ items: VisitSummaryDto[], total, page, pageSize }`. The board\'s unscheduled list: `status=open`; due this week: `windowFrom`/`windowTo` (windows overlapping them); `overdue=true`; after a reactivation: `needsReschedule=true`. The customer page\'s upcoming visits: `customerId` with `windowFrom` = today; an agreement\'s visits: `agreementId`.',
    tag: 'visits',
    access: OFFICE,
    query: VisitListQuery,
    handler: async ({ query }) => listVisits(deps, query),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/visits',
    summary: "A one-off work order for a customer at one of their locations, unscheduled",
    description: VISIT,
    tag: 'visits',
    access: OFFICE,
    body: VisitCreateInput,
    status: 201,
    handler: async ({ body, auth }) => createVisit(deps, body, actor(auth)),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/visits/:id',
    summary: 'One visit. A technician gets only their own (404 otherwise), and 409 agreement_suspended while it is on hold',
    description: VISIT,
    tag: 'visits',
    access: ANY_ROLE,
    params: IdParams,
    errors: { 409: ON_HOLD },
    handler: async ({ params, auth }) => getVisit(deps, params.id, actor(auth)),
  }),
  defineRoute({
    method: 'PATCH',
    url: '/api/visits/:id',
    summary: "Edit a visit's description, notes, priority, required skill, window or (unscheduled only) duration; the slot changes through schedule",
    description: VISIT,
    tag: 'visits',
    access: OFFICE,
    params: IdParams,
    body: VisitUpdateInput,
    errors: { 409: 'visit_is_scheduled (resize it with schedule), work_order_edit_not_allowed (completed or cancelled), visit_changed (stale version)' },
    handler: async ({ params, body, auth }) => updateVisit(deps, params.id, body, actor(auth)),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/visits/:id/history',
    summary: "A visit's audit trail: created, assigned, moved, resized, dispatched, on the way, completed, on hold, resumed…",
    tag: 'visits',
    access: OFFICE,
    params: IdParams,
    handler: async ({ params }) => ({ items: await visitHistory(deps, params.id) }),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/visits/:id/suggestions',
    summary: 'Suggest: the free qualified technicians and slots within the visit\'s window adding the least travel from the previous stop, best first',
    description:
      'Returns SuggestionsDto. `basis` says how travel was measured and `basisReason` why: `coordinates` (straight-line km) when the visit and every neighbouring stop have latitude/longitude, else `postal_code` (ZIP-prefix steps, 0 = same ZIP … 5). Each suggestion is conflict-free; schedule it with POST /api/visits/:id/schedule.',
    tag: 'visits',
    access: OFFICE,
    params: IdParams,
    query: SuggestQuery,
    errors: { 409: ON_HOLD },
    handler: async ({ params, query }) => suggestForVisit(deps, params.id, query),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/visits/:id/schedule',
    summary: 'Assign, move or resize: put the visit on a technician from start to end (default: start + its duration)',
    description:
      'Returns ScheduleResultDto `{ visit, conflicts }` (the conflicts confirmed, if any). With conflicts (overlap, outside_working_hours, day_off, missing_skill, outside_window, in_past) and no `confirm: true`, answers 409 `schedule_conflicts` with `details.conflicts` [{ rule, message, visitIds? }] and saves nothing: show them, then send the same request with `confirm: true`. A dispatched visit moved within its technician stays dispatched; otherwise it becomes scheduled.',
    tag: 'visits',
    access: OFFICE,
    params: IdParams,
    body: ScheduleInput,
    errors: { 409: `schedule_conflicts (details.conflicts; resend with confirm: true), or ${ON_HOLD}` },
    handler: async ({ params, body, auth }) => scheduleVisit(deps, params.id, body, actor(auth)),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/visits/:id/unassign',
    summary: 'Take the visit off its technician: back to the unscheduled list',
    description: 'Returns ScheduleResultDto with no conflicts.',
    tag: 'visits',
    access: OFFICE,
    params: IdParams,
    body: VersionInput,
    errors: { 409: ON_HOLD },
    handler: async ({ params, body, auth }) => unscheduleVisit(deps, params.id, body, actor(auth)),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/visits/:id/dispatch',
    summary: 'Dispatch a scheduled visit to its technician',
    description: VISIT,
    tag: 'visits',
    access: OFFICE,
    params: IdParams,
    body: VersionInput,
    errors: { 409: ON_HOLD },
    handler: async ({ params, body, auth }) => dispatchVisit(deps, params.id, body, actor(auth)),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/visits/:id/status',
    summary: 'From the field: on_the_way (emails the customer when the setting is on), in_progress (actualStart, default now), completed (completionNotes required; actualStart unless recorded; actualEnd default now)',
    description: `${VISIT} A technician may report only on their own visits.`,
    tag: 'visits',
    access: ANY_ROLE,
    params: IdParams,
    body: VisitStatusInput,
    errors: { 409: ON_HOLD },
    handler: async ({ params, body, auth }) => reportVisitStatus(deps, params.id, body, actor(auth)),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/visits/:id/cancel',
    summary: 'Cancel a visit with a reason (also one on hold)',
    description: VISIT,
    tag: 'visits',
    access: OFFICE,
    params: IdParams,
    body: CancelVisitInput,
    errors: { 409: 'work_order_cancel_not_allowed (in progress or finished), visit_changed' },
    handler: async ({ params, body, auth }) => cancelVisit(deps, params.id, body, actor(auth)),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/my/visits',
    summary: "The technician's own visits: today (or `from`) and the coming days, in order, grouped by local date; visits on hold are not listed",
    description: 'Returns MyVisitsDto `{ timeZone, today, days: [{ date, visits: VisitDto[] }] }`.',
    tag: 'visits',
    access: TECHNICIAN,
    query: MyVisitsQuery,
    handler: async ({ query, auth }) => getMyVisits(deps, actor(auth), query),
  }),
]
