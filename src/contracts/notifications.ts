/** In-app notifications, as the API sends them and the office web app shows them. */
export interface NotificationDto {
  id: string
  kind: string
  title: string
  body: string
  /** An in-app path, e.g. `/agreements/agr_…`. */
  link: string | null
  /** The step still to take behind the link ("Approve or reject", "Reactivate"), derived now; null when none. */
  nextAction: string | null
  /** How a notification that asked for something ended ("Approved", "Paid: nothing is owed"); null while open. */
  resolution: string | null
  readAt: string | null
  createdAt: string
}
