/**
 * The business-hours setting over the real sync path (consoles against the PGlite server over
 * HTTP): a supervisor's console sets it, the server stores it (test/server/business-schedule.test.ts
 * shows its report using it) and another agent's console receives it with the settings; turning
 * it off travels the same way.
 */
import { expect, it } from 'vitest'
import { z } from 'zod'
import type { Core } from '../../src/core/core'
import { settingsFromValue } from '../../src/server/store/rows'
import type { SyncStatus } from '../../src/shared/contract'
import type { BusinessSchedule } from '../../src/shared/domain/figures/types'
import type { WorkspaceSettings } from '../../src/shared/domain/settings'
import { ok } from '../core/helpers/workspace'
import { teamServer } from './support/team'
import { call, newClientId } from './support/http'
import { settingsWire } from '../../src/shared/sync/protocol'
import { until as waitUntil } from '../support/until'

const SCHEDULE: BusinessSchedule = { timeZone: 'America/New_York', days: { 1: [{ start: 540, end: 1020 }], 3: [{ start: 480, end: 720 }, { start: 780, end: 1020 }] }, holidays: ['2026-11-26'] }

const team = teamServer()
const { consoleFor } = team

const until = (what: string, check: () => boolean | Promise<boolean>, ms = 15_000) => waitUntil(what, check, ms, 25)

it("a supervisor's schedule reaches the server and another agent's console; null turns it off everywhere", async () => {
  const lee = await consoleFor('lee')
  const dana = await consoleFor('dana')
  const status = (c: Core) => ok<SyncStatus>(c.dispatch('sync.status', {}))
  const settingsOf = (c: Core) => ok<WorkspaceSettings>(c.dispatch('settings.get', {}))
  const stored = async () => settingsFromValue((await team.server.store.sql.query<{ value: unknown }>('SELECT value FROM settings WHERE id = 1')).rows[0]?.value)
  await until('both online', () => status(lee).state === 'online' && status(dana).state === 'online')
  expect(settingsOf(dana).businessSchedule).toBeNull()

  ok(await lee.dispatch('settings.update', { businessSchedule: SCHEDULE }))
  await until('lee confirmed', () => status(lee).pending === 0)
  expect((await stored()).businessSchedule).toEqual(SCHEDULE)
  await until('dana has the schedule', () => JSON.stringify(settingsOf(dana).businessSchedule) === JSON.stringify(SCHEDULE))

  ok(await lee.dispatch('settings.update', { businessSchedule: null }))
  await until('lee confirmed again', () => status(lee).pending === 0)
  expect((await stored()).businessSchedule).toBeNull()
  await until('dana has none', () => settingsOf(dana).businessSchedule === null)
})

it('sends settings without businessSchedule while none is set, so an older console (strict settings schema) keeps syncing', async () => {
  const firstSettings = async (agentId: string) => {
    const res = await call<{ settings: Record<string, unknown> | null }>(team.server.url, '/v1/pull', { method: 'POST', credential: team.cred[agentId]!, body: { clientId: newClientId(), cursor: null } })
    expect(res.status).toBe(200)
    return res.body.settings!
  }
  // The settings schema of consoles before business hours: exactly these two fields.
  const olderConsoleSettings = z.object({ sla: z.unknown(), escalationReasons: z.unknown() }).strict()
  const none = await firstSettings('dana')
  expect(Object.keys(none).sort()).toEqual(['escalationReasons', 'sla'])
  expect(olderConsoleSettings.safeParse(none).success).toBe(true)
  expect(settingsWire.parse(none).businessSchedule).toBeNull()

  const lee = await consoleFor('lee')
  await until('lee online', () => ok<SyncStatus>(lee.dispatch('sync.status', {})).state === 'online')
  ok(await lee.dispatch('settings.update', { businessSchedule: SCHEDULE }))
  await until('lee confirmed', () => ok<SyncStatus>(lee.dispatch('sync.status', {})).pending === 0)
  const set = await firstSettings('dana')
  expect(set.businessSchedule).toEqual(SCHEDULE)
  ok(await lee.dispatch('settings.update', { businessSchedule: null }))
  await until('lee confirmed again', () => ok<SyncStatus>(lee.dispatch('sync.status', {})).pending === 0)
  expect('businessSchedule' in (await firstSettings('dana'))).toBe(false)
})
