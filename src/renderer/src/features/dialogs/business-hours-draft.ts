/**
 * The Settings dialog's "Business hours" section as typed (strings, kept as typed when invalid)
 * and its check into a BusinessSchedule. One span of working hours per weekday in the form; a
 * stored day with several spans (set through the API) is kept as it is until that day is edited.
 * Pure, so it is unit-tested without a browser; the schema of src/shared/domain/business-schedule.ts
 * checks the result again at the mutation.
 */
import { isIsoDate, isTimeZone, MAX_HOLIDAYS } from '../../../../shared/domain/business-schedule'
import type { BusinessSchedule } from '../../../../shared/domain/figures/types'

export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const
export type Weekday = (typeof WEEKDAYS)[number]
export const WEEKDAY_LABEL: Record<Weekday, string> = { 1: 'Monday', 2: 'Tuesday', 3: 'Wednesday', 4: 'Thursday', 5: 'Friday', 6: 'Saturday', 7: 'Sunday' }

export interface DayDraft {
  closed: boolean
  /** "HH:MM" as an <input type="time"> gives it. */
  start: string
  end: string
  /** The stored spans when the day has more than one and has not been edited; null otherwise. */
  kept: { start: number; end: number }[] | null
}

export interface BusinessHoursDraft {
  on: boolean
  timeZone: string
  days: Record<Weekday, DayDraft>
  /** Dates separated by commas, spaces or lines. */
  holidays: string
}

export interface BusinessHoursErrors {
  timeZone?: string
  days?: Partial<Record<Weekday, string>>
  holidays?: string
}

const pad = (n: number) => String(n).padStart(2, '0')
/** Minutes after midnight as "HH:MM"; 1440 (end of day) is "00:00", the way a time field writes midnight. */
export const hhmm = (minutes: number) => (minutes >= 1440 ? '00:00' : `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`)

/** "HH:MM" as minutes after midnight; NaN when it is not a time. */
export function minutesOf(s: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(s.trim())
  if (!m) return NaN
  const h = Number(m[1])
  const min = Number(m[2])
  return h <= 23 && min <= 59 ? h * 60 + min : NaN
}

/** This computer's time zone, the default for a new schedule. */
export function localTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
  } catch {
    return 'UTC'
  }
}

/** The time zones this runtime knows, for the field's suggestions. */
export function knownTimeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: 'timeZone') => string[] }
  try {
    return intl.supportedValuesOf?.('timeZone') ?? []
  } catch {
    return []
  }
}

/** The draft of a stored schedule; off (with Mon-Fri 09:00-17:00 ready to switch on) for none. */
export function toBusinessDraft(schedule: BusinessSchedule | null, zone = localTimeZone()): BusinessHoursDraft {
  const days = {} as Record<Weekday, DayDraft>
  for (const d of WEEKDAYS) {
    if (schedule === null) {
      days[d] = { closed: d >= 6, start: '09:00', end: '17:00', kept: null }
      continue
    }
    const spans = [...(schedule.days[d] ?? [])].sort((a, b) => a.start - b.start)
    const first = spans[0]
    const last = spans[spans.length - 1]
    days[d] =
      first && last
        ? { closed: false, start: hhmm(first.start), end: hhmm(last.end), kept: spans.length > 1 ? spans : null }
        : { closed: true, start: '09:00', end: '17:00', kept: null }
  }
  return { on: schedule !== null, timeZone: schedule?.timeZone ?? zone, days, holidays: (schedule?.holidays ?? []).join(', ') }
}

/**
 * The schedule a draft says (null when business hours are off), or what is wrong with it, per
 * field, in words for the person typing.
 */
export function fromBusinessDraft(draft: BusinessHoursDraft): { ok: true; schedule: BusinessSchedule | null } | { ok: false; errors: BusinessHoursErrors } {
  if (!draft.on) return { ok: true, schedule: null }
  const errors: BusinessHoursErrors = {}
  const timeZone = draft.timeZone.trim()
  if (timeZone === '') errors.timeZone = 'Enter a time zone, such as Europe/Berlin.'
  else if (!isTimeZone(timeZone)) errors.timeZone = `“${timeZone}” is not a time zone: use an IANA name such as Europe/Berlin.`

  const days: BusinessSchedule['days'] = {}
  const dayErrors: Partial<Record<Weekday, string>> = {}
  for (const d of WEEKDAYS) {
    const day = draft.days[d]
    if (day.closed) continue
    if (day.kept) {
      days[d] = day.kept
      continue
    }
    const start = minutesOf(day.start)
    let end = minutesOf(day.end)
    if (end === 0) end = 1440 // 00:00 as a closing time is midnight at the end of the day.
    if (Number.isNaN(start) || Number.isNaN(end)) dayErrors[d] = `${WEEKDAY_LABEL[d]}: enter an opening and a closing time (HH:MM).`
    else if (start >= end) dayErrors[d] = `${WEEKDAY_LABEL[d]}: the closing time is before the opening time.`
    else days[d] = [{ start, end }]
  }
  if (Object.keys(dayErrors).length > 0) errors.days = dayErrors

  const entries = draft.holidays
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean)
  const bad = entries.filter((s) => !isIsoDate(s))
  const holidays = [...new Set(entries)].sort()
  if (bad.length > 0) errors.holidays = `Not a date written YYYY-MM-DD: ${bad.slice(0, 5).join(', ')}${bad.length > 5 ? ` and ${bad.length - 5} more` : ''}.`
  else if (holidays.length > MAX_HOLIDAYS) errors.holidays = `At most ${MAX_HOLIDAYS} holidays.`

  if (errors.timeZone || errors.days || errors.holidays) return { ok: false, errors }
  return { ok: true, schedule: { timeZone, days, ...(holidays.length > 0 ? { holidays } : {}) } }
}
