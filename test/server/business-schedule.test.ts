/**
 * The server's report in business hours, on PostgreSQL and PGlite: a supervisor sets the
 * workspace's schedule through settings.update (the real push path), and the report's
 * business-hours medians appear; without a schedule, or with a stored one this runtime cannot use
 * (written before validation, or a zone its ICU lacks), they are null and the report still runs.
 *
 * Story (UTC, schedule Monday 09:00-17:00 UTC): Ann's item created Mon 2026-11-02 08:00, answered
 * 09:30, resolved 10:00: first response 90 min calendar / 30 min business, resolution 120 / 60.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { randomUUID } from 'node:crypto'
import { openStore, type AgentRecord, type ServerStore } from '../../src/server/store'
import { figuresReport } from '../../src/server/store/figures'
import { settingsFromValue } from '../../src/server/store/rows'
import type { BusinessSchedule } from '../../src/shared/domain/figures/types'
import { figuresReportResponse } from '../../src/shared/sync/figures-protocol'
import type { PushedMutation } from '../../src/shared/sync/protocol'
import { freshDatabase } from '../support/pg-database'

const backends = [
  { name: 'postgres', open: async () => openStore({ databaseUrl: await freshDatabase('business_schedule') }) },
  { name: 'pglite', open: () => openStore() }
] as const

const M = 60_000
const SCHEDULE: BusinessSchedule = { timeZone: 'UTC', days: { 1: [{ start: 540, end: 1020 }] } }

class Agent {
  readonly clientId = randomUUID()
  seq = 0
  constructor(
    readonly store: ServerStore,
    readonly agent: AgentRecord
  ) {}
  /** Pushes one mutation at the given time (the server's clock); an item.create's item id is its mutation id. */
  async at(time: string, name: string, args: unknown): Promise<{ outcome: string; rejection?: { code: string; message: string }; mutationId: string }> {
    vi.setSystemTime(new Date(time))
    const m: PushedMutation = { seq: ++this.seq, mutationId: randomUUID(), name, args, actorId: this.agent.id, clientTime: time }
    const res = await this.store.push(this.agent, { clientId: this.clientId, mutations: [m] })
    return { ...(res.results[0] as { outcome: string; rejection?: { code: string; message: string } }), mutationId: m.mutationId }
  }
}

describe.each(backends)('business hours in the server report on $name', ({ open }) => {
  let store: ServerStore
  let ann: Agent, sue: Agent
  let item = ''

  const annRow = async () => {
    const res = figuresReportResponse.parse(
      await figuresReport(store.sql, { from: '2026-11-02T00:00:00.000Z', to: '2026-11-03T00:00:00.000Z', by: 'agent' }, { now: Date.parse('2026-11-03T00:00:00.000Z') })
    )
    return res.rows.find((r) => r.key === 'ann')?.figures
  }
  const storedValue = async () => (await store.sql.query<{ value: unknown }>('SELECT value FROM settings WHERE id = 1')).rows[0]?.value

  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    store = await open()
    ann = new Agent(store, (await store.addAgent({ id: 'ann', name: 'Ann Archer', email: 'ann@example.com', role: 'service', tiers: [], admin: false })).agent)
    sue = new Agent(store, (await store.addAgent({ id: 'sue', name: 'Sue Super', email: 'sue@example.com', role: 'supervisor', tiers: [], admin: false })).agent)
    const created = await ann.at('2026-11-02T08:00:00.000Z', 'item.create', {
      kind: 'service',
      category: 'order',
      channel: 'email',
      subject: 'Late parcel',
      body: 'Where is it?',
      customer: { type: 'new', name: 'Cleo Customer' },
      assignToMe: true
    })
    expect(created.outcome).toBe('applied')
    item = created.mutationId
    expect((await ann.at('2026-11-02T09:30:00.000Z', 'item.reply', { itemId: item, body: 'On its way.' })).outcome).toBe('applied')
    expect((await ann.at('2026-11-02T10:00:00.000Z', 'item.setStatus', { itemId: item, status: 'resolved' })).outcome).toBe('applied')
    vi.useRealTimers()
  })
  afterEach(async () => {
    vi.useRealTimers()
    await store.close()
  })

  it('no schedule: calendar medians, business null; a supervisor sets one: business medians; set to null: gone again', async () => {
    const before = await annRow()
    expect(before?.firstResponse).toMatchObject({ count: 1, medianMs: 90 * M, business: null })
    expect(before?.resolution).toMatchObject({ count: 1, medianMs: 120 * M, business: null })

    expect((await sue.at('2026-11-04T08:00:00.000Z', 'settings.update', { businessSchedule: SCHEDULE })).outcome).toBe('applied')
    expect(settingsFromValue(await storedValue()).businessSchedule).toEqual(SCHEDULE)
    const after = await annRow()
    expect(after?.firstResponse).toMatchObject({ count: 1, medianMs: 90 * M, business: { medianMs: 30 * M, p90Ms: 30 * M } })
    expect(after?.resolution).toMatchObject({ count: 1, medianMs: 120 * M, business: { medianMs: 60 * M, p90Ms: 60 * M } })

    expect((await sue.at('2026-11-04T09:00:00.000Z', 'settings.update', { businessSchedule: null })).outcome).toBe('applied')
    expect((await annRow())?.resolution.business).toBeNull()
  })

  it('an agent who is not a supervisor cannot set it, and a bad zone is refused before it is stored', async () => {
    expect((await ann.at('2026-11-04T08:00:00.000Z', 'settings.update', { businessSchedule: SCHEDULE })).outcome).toBe('rejected')
    const bad = await sue.at('2026-11-04T08:00:00.000Z', 'settings.update', { businessSchedule: { ...SCHEDULE, timeZone: 'Europe/Atlantis' } })
    expect(bad.outcome).toBe('rejected')
    expect(bad.rejection?.message).toMatch(/Not a time zone/)
    expect(settingsFromValue(await storedValue()).businessSchedule).toBeNull()
  })

  it('a stored row without the field, or with an unusable schedule, reads as no schedule and the report still runs', async () => {
    expect((await sue.at('2026-11-04T08:00:00.000Z', 'settings.update', { businessSchedule: SCHEDULE })).outcome).toBe('applied')
    const value = settingsFromValue(await storedValue())
    const { businessSchedule: _dropped, ...older } = value
    await store.sql.query('UPDATE settings SET value = $1::jsonb WHERE id = 1', [JSON.stringify(older)])
    expect(settingsFromValue(await storedValue())).toEqual({ ...older, businessSchedule: null })
    expect((await annRow())?.firstResponse).toMatchObject({ medianMs: 90 * M, business: null })

    await store.sql.query('UPDATE settings SET value = $1::jsonb WHERE id = 1', [JSON.stringify({ ...older, businessSchedule: { timeZone: 'Nowhere/Special', days: { 1: [{ start: 540, end: 1020 }] } } })])
    expect((await annRow())?.firstResponse).toMatchObject({ medianMs: 90 * M, business: null })
  })
})
