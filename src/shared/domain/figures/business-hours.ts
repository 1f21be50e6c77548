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
 * Measures business time under one schedule. Keeps, for the span of local dates it has been asked
 * about, each date's local midnight (as a UTC instant), its working intervals and the working
 * time from the first date up to it (a prefix sum), so a duration is two look-ups and a
 * subtraction, however many days it spans.
 */
export class BusinessClock {
  private readonly zone: string
  private readonly week: Map<IsoWeekday, { start: number; end: number }[]>
  private readonly holidays: ReadonlySet<string>
  private readonly dayIntervals = new Map<number, Float64Array>()
  private readonly starts = new Map<number, number>()
  /** Covered local dates: base .. base + len - 1. */
  private base = 0
  private len = 0
  /** startAt[i]: local midnight of date base + i (len + 1 entries). */
  private startAt = new Float64Array(0)
  /** before[i]: working ms from startAt[0] to startAt[i] (len + 1 entries). */
  private before = new Float64Array(0)
  private ivAt: Float64Array[] = []

  constructor(schedule: BusinessSchedule) {
    this.zone = schedule.timeZone
    this.week = normalise(schedule)
    this.holidays = new Set(schedule.holidays ?? [])
  }

  /** The instant local midnight begins a local date (days since 1970-01-01). */
  private dayStart(day: number): number {
    const hit = this.starts.get(day)
    if (hit !== undefined) return hit
    const date = new Date(day * DAY_MS)
    const start = new TZDate(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate(), this.zone).getTime()
    this.starts.set(day, start)
    return start
  }

  /** The working intervals of a local date as [start, end, start, end, ...] UTC instants. */
  intervals(day: number): Float64Array {
    const hit = this.dayIntervals.get(day)
    if (hit) return hit
    const date = new Date(day * DAY_MS)
    const y = date.getUTCFullYear()
    const m = date.getUTCMonth()
    const d = date.getUTCDate()
    const weekday = (date.getUTCDay() || 7) as IsoWeekday
    const list = this.holidays.has(`${y}-${pad(m + 1)}-${pad(d)}`) ? [] : (this.week.get(weekday) ?? [])
    const out = new Float64Array(list.length * 2)
    for (let i = 0; i < list.length; i++) {
      const iv = list[i] as { start: number; end: number }
      out[2 * i] = new TZDate(y, m, d, 0, iv.start, this.zone).getTime()
      out[2 * i + 1] = new TZDate(y, m, d, 0, iv.end, this.zone).getTime()
    }
    this.dayIntervals.set(day, out)
    return out
  }

  /** Makes sure local dates lo..hi are covered, growing the span by at least a year at a time. */
  private cover(lo: number, hi: number): void {
    const end = this.base + this.len - 1
    if (this.len > 0 && lo >= this.base && hi <= end) return
    const from = this.len === 0 ? lo - 31 : Math.min(lo, this.base - (lo < this.base ? 366 : 0))
    const to = this.len === 0 ? hi + 31 : Math.max(hi, end + (hi > end ? 366 : 0))
    const len = to - from + 1
    const startAt = new Float64Array(len + 1)
    const before = new Float64Array(len + 1)
    const ivAt: Float64Array[] = new Array(len)
    for (let i = 0; i <= len; i++) startAt[i] = this.dayStart(from + i)
    for (let i = 0; i < len; i++) {
      const iv = this.intervals(from + i)
      ivAt[i] = iv
      let sum = 0
      for (let j = 0; j < iv.length; j += 2) sum += (iv[j + 1] as number) - (iv[j] as number)
      before[i + 1] = (before[i] as number) + sum
    }
    this.base = from
    this.len = len
    this.startAt = startAt
    this.before = before
    this.ivAt = ivAt
  }

  /** Index (date - base) of the local date of an instant; offsets are within a day of UTC. */
  private index(ms: number): number {
    const guess = Math.floor(ms / DAY_MS)
    this.cover(guess - 1, guess + 1)
    let i = guess - this.base
    const at = this.startAt
    while (ms < (at[i] as number)) i--
    while (ms >= (at[i + 1] as number)) i++
    return i
  }

  /** The local calendar date of an instant, as days since 1970-01-01. */
  localDay(ms: number): number {
    return this.base + this.index(ms)
  }

  /**
   * Writes the business milliseconds in [from, to) (0 when to is not after from) to out[at]:
   * for callers measuring many spans, the result lands in a typed array instead of a fresh
   * boxed number per span.
   */
  measure(from: number, to: number, out: Float64Array, at: number): void {
    if (!(to > from)) {
      out[at] = 0
      return
    }
    // Cover both ends first, so both indexes are over the same span. Written out in one method
    // (no calls taking the instants), so the instants are never boxed again per span.
    const lo = Math.floor(from / DAY_MS)
    const hi = Math.floor(to / DAY_MS)
    this.cover(lo - 1, hi + 1)
    const starts = this.startAt
    let i = lo - this.base
    while (from < (starts[i] as number)) i--
    while (from >= (starts[i + 1] as number)) i++
    let j = hi - this.base
    while (to < (starts[j] as number)) j--
    while (to >= (starts[j + 1] as number)) j++
    let sum = (this.before[j] as number) - (this.before[i] as number)
    let iv = this.ivAt[j] as Float64Array
    for (let k = 0; k < iv.length; k += 2) {
      const s = iv[k] as number
      if (to <= s) break
      const e = iv[k + 1] as number
      sum += (to < e ? to : e) - s
    }
    iv = this.ivAt[i] as Float64Array
    for (let k = 0; k < iv.length; k += 2) {
      const s = iv[k] as number
      if (from <= s) break
      const e = iv[k + 1] as number
      sum -= (from < e ? from : e) - s
    }
    out[at] = sum
  }

  private readonly one = new Float64Array(1)

  /** Business milliseconds in [from, to); 0 when to is not after from. */
  duration(from: number, to: number): number {
    this.measure(from, to, this.one, 0)
    return this.one[0] as number
  }
}

/** Business-hours time between two instants under a schedule (time zone and DST aware). */
export function businessDurationMs(fromMs: number, toMs: number, schedule: BusinessSchedule): number {
  return new BusinessClock(schedule).duration(fromMs, toMs)
}
