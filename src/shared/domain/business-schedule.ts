/**
 * The workspace's business-hours schedule as a setting: the zod schema that every boundary uses
 * (settings.update's arguments, the sync wire, the stores reading their settings row), so a
 * schedule the formulas cannot use (src/shared/domain/figures/business-hours.ts) is refused when it
 * is set, not when a report runs.
 */
import { z } from 'zod'
import type { BusinessSchedule } from './figures/types'

export const MAX_INTERVALS_PER_DAY = 12
export const MAX_HOLIDAYS = 1000

/** A real IANA time zone of this runtime (Intl knows it); offsets such as "+01:00" are refused. */
export function isTimeZone(name: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(name)) return false
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name })
    return true
  } catch {
    return false
  }
}

/** A real calendar date written YYYY-MM-DD. */
export function isIsoDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s)
  if (!m) return false
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const t = new Date(Date.UTC(y, mo - 1, d))
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d
}

const minuteOfDay = z.number().int('Minutes after midnight are whole.').min(0, 'A time is at 00:00 or later.').max(1440, 'A time is at 24:00 or earlier.')

const interval = z
  .object({ start: minuteOfDay, end: minuteOfDay })
  .strict()
  .refine((iv) => iv.start < iv.end, 'Working hours end after they start.')

const dayIntervals = z
  .array(interval)
  .max(MAX_INTERVALS_PER_DAY, `At most ${MAX_INTERVALS_PER_DAY} spans of working hours a day.`)
  .refine((ivs) => {
    const sorted = [...ivs].sort((a, b) => a.start - b.start)
    return sorted.every((iv, i) => i === 0 || iv.start >= (sorted[i - 1] as { end: number }).end)
  }, 'Working hours of one day overlap.')

export const businessScheduleField = z
  .object({
    timeZone: z.string().trim().min(1, 'Enter a time zone.').max(100).refine(isTimeZone, 'Not a time zone: use an IANA name such as Europe/Berlin.'),
    days: z
      .object({
        '1': dayIntervals.optional(),
        '2': dayIntervals.optional(),
        '3': dayIntervals.optional(),
        '4': dayIntervals.optional(),
        '5': dayIntervals.optional(),
        '6': dayIntervals.optional(),
        '7': dayIntervals.optional()
      })
      .strict(),
    holidays: z
      .array(z.string().refine(isIsoDate, 'A holiday is a date written YYYY-MM-DD.'))
      .max(MAX_HOLIDAYS, `At most ${MAX_HOLIDAYS} holidays.`)
      .optional()
  })
  .strict()

/** Compile-time check that the schema's output is the formulas' BusinessSchedule. */
const _sameShape: (s: z.output<typeof businessScheduleField>) => BusinessSchedule = (s) => s
void _sameShape

/**
 * A stored schedule as the stores read it: absent (a row written before the setting existed) or
 * not usable here (e.g. a zone this runtime's ICU lacks) reads as null, "calendar time only",
 * rather than failing every report.
 */
export function storedBusinessSchedule(value: unknown): BusinessSchedule | null {
  if (value === undefined || value === null) return null
  const parsed = businessScheduleField.safeParse(value)
  return parsed.success ? parsed.data : null
}
