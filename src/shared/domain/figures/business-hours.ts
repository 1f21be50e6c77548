/**
 * Business-hours durations: the part of [from, to) that falls inside a working schedule, in the
 * schedule's time zone (IANA, via @date-fns/tz), so daylight-saving changes are exact: a working
 * interval is placed on each local date by its local wall-clock times, and its length is the real
 * elapsed time between them (a 00:00-24:00 interval is 23 h on a spring-forward day, 25 h on a
 * fall-back day). Holidays (local dates) have no working hours.
 */
import { TZDate } from '@date-fns/tz'
import type { BusinessSchedule } from './types'

const DAY_MS = 86_400_000
type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7

/** A schedule that cannot be used (bad zone, interval outside the day or empty). */
export class BusinessScheduleError extends Error {
  override readonly name = 'BusinessScheduleError'
}

/** Checks a schedule and returns its intervals per weekday, sorted and merged. */
function normalise(schedule: BusinessSchedule): Map<IsoWeekday, { start: number; end: number }[]> {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: schedule.timeZone })
  } catch {
    throw new BusinessScheduleError(`“${schedule.timeZone}” is not a time zone (use an IANA name such as Europe/Berlin).`)
  }
  const out = new Map<IsoWeekday, { start: number; end: number }[]>()
  for (const day of [1, 2, 3, 4, 5, 6, 7] as const) {
    const list = [...(schedule.days[day] ?? [])].sort((a, b) => a.start - b.start)
    const merged: { start: number; end: number }[] = []
    for (const iv of list) {
      if (!Number.isFinite(iv.start) || !Number.isFinite(iv.end) || iv.start < 0 || iv.end > 1440 || iv.start >= iv.end) {
        throw new BusinessScheduleError(`Working hours ${iv.start}-${iv.end} on weekday ${day} are not a span within the day (minutes 0-1440, start before end).`)
      }
      const last = merged[merged.length - 1]
      if (last && iv.start <= last.end) last.end = Math.max(last.end, iv.end)
      else merged.push({ start: iv.start, end: iv.end })
    }
    out.set(day, merged)
  }
  return out
}

const pad = (n: number) => (n < 10 ? `0${n}` : String(n))

/**
 * Measures business time under one schedule. Keeps the working intervals of each local date it
 * has seen (as UTC instants), so measuring many durations costs little more than the arithmetic.
 */
export class BusinessClock {
  private readonly zone: string
  private readonly week: Map<IsoWeekday, { start: number; end: number }[]>
  private readonly holidays: ReadonlySet<string>
  private readonly days = new Map<number, Float64Array>()
  private readonly totals = new Map<number, number>()
  private readonly starts = new Map<number, number>()

  constructor(schedule: BusinessSchedule) {
    this.zone = schedule.timeZone
    this.week = normalise(schedule)
    this.holidays = new Set(schedule.holidays ?? [])
  }

  /** The instant local midnight begins a local date (days since 1970-01-01), cached. */
  private dayStart(day: number): number {
    const hit = this.starts.get(day)
    if (hit !== undefined) return hit
    const date = new Date(day * DAY_MS)
    const start = new TZDate(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate(), this.zone).getTime()
    this.starts.set(day, start)
    return start
  }

  /**
   * The local calendar date of an instant, as days since 1970-01-01. Offsets are within a day,
   * so it is the UTC date or a neighbour: found from the cached local midnights, without
   * converting the instant itself.
   */
  localDay(ms: number): number {
    let day = Math.floor(ms / DAY_MS)
    while (ms < this.dayStart(day)) day--
    while (ms >= this.dayStart(day + 1)) day++
    return day
  }

  /** The working intervals of a local date as [start, end, start, end, ...] UTC instants. */
  intervals(day: number): Float64Array {
    const hit = this.days.get(day)
    if (hit) return hit
    const date = new Date(day * DAY_MS)
    const y = date.getUTCFullYear()
    const m = date.getUTCMonth()
    const d = date.getUTCDate()
    const weekday = (date.getUTCDay() || 7) as IsoWeekday
    const list = this.holidays.has(`${y}-${pad(m + 1)}-${pad(d)}`) ? [] : (this.week.get(weekday) ?? [])
    const out = new Float64Array(list.length * 2)
    list.forEach((iv, i) => {
      out[2 * i] = new TZDate(y, m, d, 0, iv.start, this.zone).getTime()
      out[2 * i + 1] = new TZDate(y, m, d, 0, iv.end, this.zone).getTime()
    })
    this.days.set(day, out)
    return out
  }

  private total(day: number): number {
    const hit = this.totals.get(day)
    if (hit !== undefined) return hit
    const iv = this.intervals(day)
    let sum = 0
    for (let i = 0; i < iv.length; i += 2) sum += (iv[i + 1] as number) - (iv[i] as number)
    this.totals.set(day, sum)
    return sum
  }

  private within(day: number, from: number, to: number): number {
    const iv = this.intervals(day)
    let sum = 0
    for (let i = 0; i < iv.length; i += 2) {
      const s = Math.max(iv[i] as number, from)
      const e = Math.min(iv[i + 1] as number, to)
      if (e > s) sum += e - s
    }
    return sum
  }

  /** Business milliseconds in [from, to); 0 when to is not after from. */
  duration(from: number, to: number): number {
    if (!(to > from)) return 0
    const first = this.localDay(from)
    const last = this.localDay(to)
    if (first === last) return this.within(first, from, to)
    let sum = this.within(first, from, to) + this.within(last, from, to)
    for (let day = first + 1; day < last; day++) sum += this.total(day)
    return sum
  }
}

/** Business-hours time between two instants under a schedule (time zone and DST aware). */
export function businessDurationMs(fromMs: number, toMs: number, schedule: BusinessSchedule): number {
  return new BusinessClock(schedule).duration(fromMs, toMs)
}
