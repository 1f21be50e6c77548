/**
 * The Settings dialog's business-hours form logic (src/renderer/src/features/dialogs/
 * business-hours-draft.ts): a stored schedule to what the form shows and back, and the inline
 * errors for what a person can mistype, with what they typed kept.
 */
import { describe, expect, it } from 'vitest'
import { fromBusinessDraft, hhmm, minutesOf, toBusinessDraft, type BusinessHoursDraft } from '../../src/renderer/src/features/dialogs/business-hours-draft'
import { businessScheduleField } from '../../src/shared/domain/business-schedule'
import type { BusinessSchedule } from '../../src/shared/domain/figures/types'

const stored: BusinessSchedule = {
  timeZone: 'Europe/Berlin',
  days: { 1: [{ start: 540, end: 1020 }], 2: [{ start: 480, end: 1440 }], 5: [{ start: 540, end: 780 }, { start: 840, end: 1020 }] },
  holidays: ['2026-12-25']
}

describe('business hours draft', () => {
  it('is off for no schedule, with Monday-Friday 09:00-17:00 ready, and says null', () => {
    const d = toBusinessDraft(null, 'Europe/Paris')
    expect(d.on).toBe(false)
    expect(d.timeZone).toBe('Europe/Paris')
    expect(d.days[1]).toMatchObject({ closed: false, start: '09:00', end: '17:00' })
    expect(d.days[7].closed).toBe(true)
    expect(fromBusinessDraft(d)).toEqual({ ok: true, schedule: null })
  })

  it('round-trips a stored schedule, midnight as 00:00, and keeps a split day it did not edit', () => {
    const d = toBusinessDraft(stored)
    expect(d.days[2]).toMatchObject({ start: '08:00', end: '00:00' })
    expect(d.days[3].closed).toBe(true)
    expect(d.holidays).toBe('2026-12-25')
    const back = fromBusinessDraft(d)
    expect(back).toEqual({ ok: true, schedule: stored })
    expect(businessScheduleField.parse(back.ok ? back.schedule : null)).toEqual(stored)
  })

  it('turns a switched-on default into Monday-Friday 09:00-17:00 with sorted, unique holidays', () => {
    const d: BusinessHoursDraft = { ...toBusinessDraft(null, 'UTC'), on: true, holidays: '2026-12-26,\n2026-12-25  2026-12-26' }
    const r = fromBusinessDraft(d)
    expect(r.ok && r.schedule).toEqual({
      timeZone: 'UTC',
      days: { 1: [{ start: 540, end: 1020 }], 2: [{ start: 540, end: 1020 }], 3: [{ start: 540, end: 1020 }], 4: [{ start: 540, end: 1020 }], 5: [{ start: 540, end: 1020 }] },
      holidays: ['2026-12-25', '2026-12-26']
    })
  })

  it('says what is wrong per field: a zone, a day closing before it opens, a missing time, bad dates', () => {
    const base = { ...toBusinessDraft(null, 'UTC'), on: true }
    const r = fromBusinessDraft({
      ...base,
      timeZone: 'Europe/Atlantis',
      days: { ...base.days, 2: { closed: false, start: '17:00', end: '09:00', kept: null }, 3: { closed: false, start: '', end: '12:00', kept: null } },
      holidays: '2026-12-25, 25.12.2026, 2026-02-30'
    })
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.errors.timeZone).toMatch(/“Europe\/Atlantis” is not a time zone/)
    expect(r.errors.days?.[2]).toBe('Tuesday: the closing time is before the opening time.')
    expect(r.errors.days?.[3]).toMatch(/Wednesday: enter an opening and a closing time/)
    expect(r.errors.days?.[1]).toBeUndefined()
    expect(r.errors.holidays).toBe('Not a date written YYYY-MM-DD: 25.12.2026, 2026-02-30.')
    expect(fromBusinessDraft({ ...base, timeZone: '  ' }).ok).toBe(false)
  })

  it('reads and writes times', () => {
    expect(minutesOf('09:30')).toBe(570)
    expect(minutesOf('24:00')).toBeNaN()
    expect(minutesOf('9')).toBeNaN()
    expect(hhmm(570)).toBe('09:30')
    expect(hhmm(1440)).toBe('00:00')
  })
})
