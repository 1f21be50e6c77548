import { TZDate } from '@date-fns/tz'
import { describe, expect, it } from 'vitest'
import { BusinessClock, BusinessScheduleError, businessDurationMs, type BusinessSchedule } from '../../src/shared/domain/figures'

const H = 3_600_000
const at = (iso: string) => Date.parse(iso)
/** Monday to Friday, 09:00-17:00 local time. */
const officeHours = (timeZone: string, extra: Partial<BusinessSchedule> = {}): BusinessSchedule => ({
  timeZone,
  days: { 1: [{ start: 540, end: 1020 }], 2: [{ start: 540, end: 1020 }], 3: [{ start: 540, end: 1020 }], 4: [{ start: 540, end: 1020 }], 5: [{ start: 540, end: 1020 }] },
  ...extra
})

describe('business hours', () => {
  it('counts only the working part of a single day', () => {
    // Wednesday 2026-11-18 in Berlin (UTC+1): 08:00-12:30 local -> 09:00-12:30 = 3.5 h
    expect(businessDurationMs(at('2026-11-18T07:00:00Z'), at('2026-11-18T11:30:00Z'), officeHours('Europe/Berlin'))).toBe(3.5 * H)
  })

  it('skips a weekend: Friday 16:00 to Monday 10:00 is 2 working hours', () => {
    // Friday 2026-11-20 16:00 Berlin = 15:00Z; Monday 2026-11-23 10:00 Berlin = 09:00Z
    expect(businessDurationMs(at('2026-11-20T15:00:00Z'), at('2026-11-23T09:00:00Z'), officeHours('Europe/Berlin'))).toBe(2 * H)
  })

  it('is exact across a DST change: Friday 16:00 CET to Monday 10:00 CEST is 2 h, while calendar time is 65 h', () => {
    // Berlin springs forward on Sunday 2026-03-29. Friday 16:00 CET = 15:00Z; Monday 10:00 CEST = 08:00Z.
    const from = at('2026-03-27T15:00:00Z')
    const to = at('2026-03-30T08:00:00Z')
    expect(to - from).toBe(65 * H)
    expect(businessDurationMs(from, to, officeHours('Europe/Berlin'))).toBe(2 * H)
  })

  it('a whole-day schedule on a spring-forward Sunday has 23 hours, on a fall-back Sunday 25', () => {
    const sundays: BusinessSchedule = { timeZone: 'Europe/Berlin', days: { 7: [{ start: 0, end: 1440 }] } }
    // Saturday 2026-03-28 12:00Z to Monday 2026-03-30 12:00Z covers all of Sunday the 29th (local)
    expect(businessDurationMs(at('2026-03-28T12:00:00Z'), at('2026-03-30T12:00:00Z'), sundays)).toBe(23 * H)
    // Berlin falls back on Sunday 2026-10-25
    expect(businessDurationMs(at('2026-10-24T12:00:00Z'), at('2026-10-26T12:00:00Z'), sundays)).toBe(25 * H)
  })

  it('uses the local working day of the schedule time zone, not UTC', () => {
    // 09:00-17:00 in New York (UTC-5 in November) is 14:00-22:00Z
    const ny = officeHours('America/New_York')
    expect(businessDurationMs(at('2026-11-18T13:00:00Z'), at('2026-11-18T15:00:00Z'), ny)).toBe(1 * H)
    expect(businessDurationMs(at('2026-11-18T21:00:00Z'), at('2026-11-19T01:00:00Z'), ny)).toBe(1 * H)
  })

  it('a holiday has no working hours', () => {
    const s = officeHours('Europe/Berlin', { holidays: ['2026-12-24'] })
    // Wednesday 23rd 16:00 local to Friday 25th 10:00 local: 1 h on the 23rd, none on the 24th, 1 h on the 25th
    expect(businessDurationMs(at('2026-12-23T15:00:00Z'), at('2026-12-25T09:00:00Z'), s)).toBe(2 * H)
  })

  it('split shifts and overlapping intervals are merged, not double-counted', () => {
    const s: BusinessSchedule = { timeZone: 'UTC', days: { 3: [{ start: 780, end: 1020 }, { start: 480, end: 720 }, { start: 600, end: 660 }] } }
    // Wednesday 2026-11-18, whole day: 08-12 and 13-17 = 8 h
    expect(businessDurationMs(at('2026-11-18T00:00:00Z'), at('2026-11-19T00:00:00Z'), s)).toBe(8 * H)
  })

  it('an empty or reversed span is 0', () => {
    const s = officeHours('UTC')
    expect(businessDurationMs(at('2026-11-18T12:00:00Z'), at('2026-11-18T12:00:00Z'), s)).toBe(0)
    expect(businessDurationMs(at('2026-11-18T12:00:00Z'), at('2026-11-18T10:00:00Z'), s)).toBe(0)
  })

  it('a clock measures many spans the same as one-off calls (cached days)', () => {
    const s = officeHours('Europe/Berlin')
    const clock = new BusinessClock(s)
    const spans: [string, string][] = [
      ['2026-03-27T15:00:00Z', '2026-03-30T08:00:00Z'],
      ['2026-11-20T15:00:00Z', '2026-11-23T09:00:00Z'],
      ['2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z']
    ]
    for (const [a, b] of spans) expect(clock.duration(at(a), at(b))).toBe(businessDurationMs(at(a), at(b), s))
    // January 2026 has 22 weekdays of 8 h
    expect(clock.duration(at('2025-12-31T23:00:00Z'), at('2026-01-31T23:00:00Z'))).toBe(22 * 8 * H)
    // 2024 and 2025 have 262 + 261 weekdays; asked after later dates, so the clock grows backwards
    expect(clock.duration(at('2023-12-31T23:00:00Z'), at('2025-12-31T23:00:00Z'))).toBe(523 * 8 * H)
    // and forwards again: 2027 has 261 weekdays
    expect(clock.duration(at('2026-12-31T23:00:00Z'), at('2027-12-31T23:00:00Z'))).toBe(261 * 8 * H)
  })

  // (Sunday's hours avoid 01:00-03:00, the local hour that is skipped or repeated there: for a
  // boundary inside it "minute of the day" and "elapsed time between wall times" differ; the clock
  // takes the elapsed time from the earlier instant, see docs/figures.md.)
  it('agrees with a slot-by-slot count in local time over random spans around both DST changes', () => {
    const s: BusinessSchedule = {
      timeZone: 'America/New_York',
      days: { 1: [{ start: 480, end: 720 }, { start: 780, end: 1200 }], 3: [{ start: 0, end: 1440 }], 6: [{ start: 60, end: 240 }], 7: [{ start: 0, end: 60 }, { start: 180, end: 1440 }] }
    }
    const Q = 15 * 60_000
    /** Counts 15-minute slots whose local weekday and minute fall in working hours (an independent reference). */
    const reference = (from: number, to: number): number => {
      let sum = 0
      for (let t = from; t < to; t += Q) {
        const local = new TZDate(t, s.timeZone)
        const weekday = (local.getDay() || 7) as 1 | 2 | 3 | 4 | 5 | 6 | 7
        const minute = local.getHours() * 60 + local.getMinutes()
        if ((s.days[weekday] ?? []).some((iv) => minute >= iv.start && minute < iv.end)) sum += Q
      }
      return sum
    }
    let seed = 99
    const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32)
    const clock = new BusinessClock(s)
    // New York: spring forward 2026-03-08, fall back 2026-11-01
    for (const centre of [at('2026-03-08T07:00:00Z'), at('2026-11-01T06:00:00Z')]) {
      for (let i = 0; i < 20; i++) {
        const from = centre + Math.round((rnd() - 0.5) * 4 * 96) * Q
        const to = from + Math.round(rnd() * 4 * 96) * Q
        expect(clock.duration(from, to), `${new Date(from).toISOString()} .. ${new Date(to).toISOString()}`).toBe(reference(from, to))
      }
    }
  })

  it('hours starting in a repeated local hour start at its first occurrence; in a skipped hour, after the gap', () => {
    const sunday = (start: number, end: number): BusinessSchedule => ({ timeZone: 'America/New_York', days: { 7: [{ start, end }] } })
    // 2026-11-01: 01:30 EDT (05:30Z) to 03:00 EST (08:00Z) is 2.5 h elapsed
    expect(businessDurationMs(at('2026-11-01T00:00:00Z'), at('2026-11-02T00:00:00Z'), sunday(90, 180))).toBe(2.5 * H)
    // 2026-03-08: 02:30 does not exist and becomes 03:30 EDT (07:30Z); to 04:00 EDT (08:00Z) is 0.5 h
    expect(businessDurationMs(at('2026-03-08T00:00:00Z'), at('2026-03-09T00:00:00Z'), sunday(150, 240))).toBe(0.5 * H)
  })

  it('refuses an unknown time zone and intervals outside the day, by name', () => {
    expect(() => new BusinessClock({ timeZone: 'Mars/Olympus', days: {} })).toThrow(BusinessScheduleError)
    expect(() => new BusinessClock({ timeZone: 'UTC', days: { 1: [{ start: 600, end: 1500 }] } })).toThrow(/weekday 1/)
    expect(() => new BusinessClock({ timeZone: 'UTC', days: { 2: [{ start: 600, end: 600 }] } })).toThrow(BusinessScheduleError)
  })
})
