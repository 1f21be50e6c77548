import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Core, ImmediateOperationName } from '../../src/core/core'
import { businessScheduleField, MAX_HOLIDAYS, storedBusinessSchedule } from '../../src/shared/domain/business-schedule'
import type { BusinessSchedule } from '../../src/shared/domain/figures/types'
import type { WorkspaceSettings } from '../../src/shared/domain/settings'
import { DEFAULT_SLA_POLICY } from '../../src/shared/domain/sla'
import { settingsUpdate } from '../../src/shared/mutations/settings'
import { settingsWire } from '../../src/shared/sync/protocol'
import type { PersonalFigures, Results } from '../../src/shared/contract'
import { LOCAL_TEAM, ok, openCore, teamWorkspace } from './helpers/workspace'

/**
 * The business-hours schedule as a workspace setting: its schema, settings.update through a real
 * SQLite core (supervisors only, kept when other settings change, cleared with null), settings
 * stored before the field existed, and the personal panel's business-hours durations with and
 * without a schedule.
 */
process.env.TZ = 'UTC'

const MIN = 60_000
const WEEKDAYS: BusinessSchedule = {
  timeZone: 'Europe/Berlin',
  days: { 1: [{ start: 540, end: 1020 }], 2: [{ start: 540, end: 1020 }], 3: [{ start: 540, end: 1020 }], 4: [{ start: 540, end: 1020 }], 5: [{ start: 540, end: 780 }, { start: 840, end: 1020 }] },
  holidays: ['2026-12-25', '2026-12-26']
}
const UTC_9_TO_17: BusinessSchedule = { timeZone: 'UTC', days: { 1: [{ start: 540, end: 1020 }], 2: [{ start: 540, end: 1020 }] } }

const refusal = (value: unknown): string => {
  const r = businessScheduleField.safeParse(value)
  expect(r.success, JSON.stringify(value)).toBe(false)
  return r.success ? '' : r.error.issues.map((i) => i.message).join(' | ')
}

describe('the business schedule schema', () => {
  it('accepts a real schedule (zone, split day, holidays) unchanged', () => {
    expect(businessScheduleField.parse(WEEKDAYS)).toEqual(WEEKDAYS)
    expect(businessScheduleField.parse({ timeZone: 'UTC', days: {} })).toEqual({ timeZone: 'UTC', days: {} })
    expect(businessScheduleField.parse({ timeZone: 'America/New_York', days: { 7: [{ start: 0, end: 1440 }] } }).days[7]).toEqual([{ start: 0, end: 1440 }])
  })

  it('refuses a zone that is not an IANA time zone', () => {
    expect(refusal({ ...WEEKDAYS, timeZone: 'Mars/Olympus_Mons' })).toMatch(/Not a time zone/)
    expect(refusal({ ...WEEKDAYS, timeZone: '+01:00' })).toMatch(/Not a time zone/)
    expect(refusal({ ...WEEKDAYS, timeZone: '' })).toMatch(/Enter a time zone/)
  })

  it('refuses overlapping, empty, reversed and out-of-day intervals, and unknown weekdays', () => {
    expect(refusal({ timeZone: 'UTC', days: { 1: [{ start: 540, end: 720 }, { start: 700, end: 900 }] } })).toMatch(/overlap/)
    expect(refusal({ timeZone: 'UTC', days: { 2: [{ start: 600, end: 600 }] } })).toMatch(/end after they start/)
    expect(refusal({ timeZone: 'UTC', days: { 2: [{ start: 900, end: 600 }] } })).toMatch(/end after they start/)
    expect(refusal({ timeZone: 'UTC', days: { 3: [{ start: 0, end: 1441 }] } })).toMatch(/24:00 or earlier/)
    expect(refusal({ timeZone: 'UTC', days: { 3: [{ start: -1, end: 60 }] } })).toMatch(/00:00 or later/)
    expect(refusal({ timeZone: 'UTC', days: { 3: [{ start: 1.5, end: 60 }] } })).toMatch(/whole/)
    refusal({ timeZone: 'UTC', days: { 8: [{ start: 0, end: 60 }] } })
    // Touching spans do not overlap.
    expect(businessScheduleField.safeParse({ timeZone: 'UTC', days: { 1: [{ start: 780, end: 1020 }, { start: 540, end: 780 }] } }).success).toBe(true)
  })

  it('refuses holidays that are not real YYYY-MM-DD dates, and too many of them', () => {
    expect(refusal({ ...WEEKDAYS, holidays: ['2026-02-30'] })).toMatch(/YYYY-MM-DD/)
    expect(refusal({ ...WEEKDAYS, holidays: ['25/12/2026'] })).toMatch(/YYYY-MM-DD/)
    expect(refusal({ ...WEEKDAYS, holidays: ['2026-12-25T00:00:00Z'] })).toMatch(/YYYY-MM-DD/)
    const many = Array.from({ length: MAX_HOLIDAYS + 1 }, (_, i) => new Date(Date.UTC(2000, 0, 1 + i)).toISOString().slice(0, 10))
    expect(refusal({ ...WEEKDAYS, holidays: many })).toMatch(/At most/)
  })

  it('a stored schedule that is absent or unusable reads as null (calendar time only)', () => {
    expect(storedBusinessSchedule(undefined)).toBeNull()
    expect(storedBusinessSchedule(null)).toBeNull()
    expect(storedBusinessSchedule({ timeZone: 'Nowhere/Special', days: {} })).toBeNull()
    expect(storedBusinessSchedule(WEEKDAYS)).toEqual(WEEKDAYS)
  })
})

describe('settings on the wire and in settings.update', () => {
  const older = { sla: DEFAULT_SLA_POLICY, escalationReasons: [{ code: 'other', label: 'Other' }] }

  it('settings from a server without the field parse, with businessSchedule null; with it, round-trip', () => {
    expect(settingsWire.parse(older)).toEqual({ ...older, businessSchedule: null })
    expect(settingsWire.parse({ ...older, businessSchedule: WEEKDAYS })).toEqual({ ...older, businessSchedule: WEEKDAYS })
    expect(settingsWire.safeParse({ ...older, businessSchedule: { timeZone: 'Bad/Zone', days: {} } }).success).toBe(false)
  })

  it('the mutation takes a schedule, null (off), or nothing (keep)', () => {
    expect(settingsUpdate.args.parse({ businessSchedule: WEEKDAYS })).toEqual({ businessSchedule: WEEKDAYS })
    expect(settingsUpdate.args.parse({ businessSchedule: null })).toEqual({ businessSchedule: null })
    expect(settingsUpdate.args.safeParse({ businessSchedule: { timeZone: 'UTC', days: { 1: [{ start: 60, end: 30 }] } } }).success).toBe(false)
  })
})

// ---- Through a real core ----

const GRACE = LOCAL_TEAM.grace.id

let core: Core
let file: string
let maya: string
let clock = new Date('2026-11-23T07:00:00.000Z')
const at = (iso: string) => {
  clock = new Date(iso)
}
const call = <T>(name: ImmediateOperationName, args: unknown): T => ok<T>(core.dispatch(name, args))
const signIn = (agentId: string) => call('session.signIn', { agentId })
const settings = () => call<WorkspaceSettings>('settings.get', {})

beforeEach(() => {
  process.env.TZ = 'UTC'
  ;({ core, file, maya } = teamWorkspace([LOCAL_TEAM.tomas, LOCAL_TEAM.grace], { now: () => clock }))
})
afterEach(() => {
  core.close()
})

describe('settings.update with a business schedule (console core)', () => {
  it('a supervisor sets it; changing other settings keeps it; null turns it off; it survives a restart', () => {
    expect(settings().businessSchedule).toBeNull()
    signIn(GRACE)
    expect(call<{ settings: WorkspaceSettings }>('settings.update', { businessSchedule: WEEKDAYS }).settings.businessSchedule).toEqual(WEEKDAYS)
    expect(settings().businessSchedule).toEqual(WEEKDAYS)
    call('settings.update', { sla: { ...DEFAULT_SLA_POLICY, dueSoonMinutes: 45 } })
    expect(settings()).toMatchObject({ businessSchedule: WEEKDAYS, sla: { dueSoonMinutes: 45 } })
    core.close()
    ;({ core } = openCore({ file, now: () => clock }))
    expect(settings().businessSchedule).toEqual(WEEKDAYS)
    call('settings.update', { businessSchedule: null })
    expect(settings().businessSchedule).toBeNull()
  })

  it('an agent who is not a supervisor is refused, and a bad schedule is refused with its reason', () => {
    const refused = core.dispatch('settings.update', { businessSchedule: WEEKDAYS })
    expect(refused.ok).toBe(false)
    expect(JSON.stringify(refused)).toMatch(/supervisor/)
    signIn(GRACE)
    const bad = core.dispatch('settings.update', { businessSchedule: { ...WEEKDAYS, timeZone: 'Europe/Atlantis' } })
    expect(bad.ok).toBe(false)
    expect(JSON.stringify(bad)).toMatch(/Not a time zone/)
    expect(settings().businessSchedule).toBeNull()
  })

  it('a settings row written before the field existed reads with businessSchedule null', () => {
    signIn(GRACE)
    call('settings.update', { sla: { ...DEFAULT_SLA_POLICY, dueSoonMinutes: 30 } })
    core.close()
    const db = new Database(file)
    const row = JSON.parse(db.prepare('SELECT value FROM settings WHERE id = 1').pluck().get() as string) as Record<string, unknown>
    delete row.businessSchedule
    db.prepare('UPDATE settings SET value = ? WHERE id = 1').run(JSON.stringify(row))
    db.close()
    ;({ core } = openCore({ file, now: () => clock }))
    expect(settings()).toMatchObject({ businessSchedule: null, sla: { dueSoonMinutes: 30 } })
  })
})

describe('the personal panel in business hours', () => {
  /**
   * Monday 23 November 2026 (UTC). Item created 08:00, Maya answers 09:30 and resolves 10:00:
   * first response 90 min calendar, 30 min within 09:00-17:00; resolution 120 min, 60 min.
   */
  function story() {
    at('2026-11-23T08:00:00.000Z')
    const itemId = call<Results['item.create']>('item.create', {
      kind: 'service',
      category: 'billing',
      channel: 'email',
      subject: 'Charged twice',
      body: 'I was charged twice for one order.',
      customer: { type: 'new', name: 'Ann Smith', email: 'ann@example.com' },
      assignToMe: true
    }).itemId
    at('2026-11-23T09:30:00.000Z')
    call('item.reply', { itemId, body: 'Sorry about that, looking at it now.' })
    at('2026-11-23T10:00:00.000Z')
    call('item.setStatus', { itemId, status: 'resolved' })
    at('2026-11-23T12:00:00.000Z')
  }
  const today = () => call<PersonalFigures>('figures.personal', { range: 'today' }).current

  it('without a schedule the business durations are null; once a supervisor sets one, the same panel shows them', () => {
    story()
    const before = today()
    expect(before.firstResponse).toMatchObject({ count: 1, medianMs: 90 * MIN, business: null })
    expect(before.resolution).toMatchObject({ count: 1, medianMs: 120 * MIN, business: null })

    signIn(GRACE)
    call('settings.update', { businessSchedule: UTC_9_TO_17 })
    signIn(maya)
    const after = today()
    expect(after.firstResponse).toMatchObject({ count: 1, medianMs: 90 * MIN, business: { medianMs: 30 * MIN, p90Ms: 30 * MIN } })
    expect(after.resolution).toMatchObject({ count: 1, medianMs: 120 * MIN, business: { medianMs: 60 * MIN, p90Ms: 60 * MIN } })

    signIn(GRACE)
    call('settings.update', { businessSchedule: null })
    signIn(maya)
    expect(today().firstResponse.business).toBeNull()
  })
})
