import type { WorkingHoursDto } from '../../../src/contracts/scheduling.ts'

/** "08:00-12:00, 13:00-17:00": one weekday's ranges as people type and read them. */
export const formatHours = (ranges: WorkingHoursDto['mon']) => ranges.map((r) => `${r.start}-${r.end}`).join(', ')

/** The text of formatHours back to ranges; anything unreadable is left for the server's zod to name. */
export const parseHours = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const [start = '', end = ''] = s.split(/\s*[-–]\s*/)
      return { start: start.padStart(5, '0'), end: end.padStart(5, '0') }
    })

/** Minutes → "1 h 30 min". */
export const durationText = (minutes: number) => [Math.floor(minutes / 60) ? `${Math.floor(minutes / 60)} h` : '', minutes % 60 ? `${minutes % 60} min` : ''].filter(Boolean).join(' ')
