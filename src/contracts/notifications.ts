/** In-app notifications, as the API sends them and the office web app shows them. */
export interface NotificationDto {
  id: string
  kind: string
  title: string
  body: string
  /** An in-app path, e.g. `/agreements/agr_…`. */
  link: string | null
  readAt: string | null
  createdAt: string
}
