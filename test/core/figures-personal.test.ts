import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Core, ImmediateOperationName } from '../../src/core/core'
import { openDatabase } from '../../src/core/infra/database'
import { archiveBeforePurge, createPersonalFigures } from '../../src/core/figures/personal'
import type { PersonalFigures, Results } from '../../src/shared/contract'
import { LOCAL_TEAM, ok, openCore, teamWorkspace } from './helpers/workspace'

/**
 * The personal figures panel's operation (figures.personal) on a real SQLite core: real mutations
 * through the core's door, then the op's numbers against hand-worked ones (domain.md). Local days
 * are those of the process's time zone: this file pins it to UTC (and one test moves it).
 */
process.env.TZ = 'UTC'

const [TOMAS, GRACE] = [LOCAL_TEAM.tomas.id, LOCAL_TEAM.grace.id]
const MIN = 60_000

let core: Core
let file: string
let maya: string
let clock = new Date('2026-11-22T10:00:00.000Z')
const at = (iso: string) => {
  clock = new Date(iso)
}

function call<T>(name: ImmediateOperationName, args: unknown): T {
  return ok<T>(core.dispatch(name, args))
}
const figures = (range: unknown): PersonalFigures => call<PersonalFigures>('figures.personal', { range })

function createItem(when: string, extra: Record<string, unknown> = {}): string {
  at(when)
  return call<Results['item.create']>('item.create', {
    kind: 'service',
    category: 'billing',
    channel: 'email',
    subject: 'Charged twice',
    body: 'I was charged twice for one order.',
    customer: { type: 'new', name: 'Ann Smith', email: 'ann@example.com' },
    ...extra
  }).itemId
}
const reply = (itemId: string, when: string) => {
  at(when)
  call('item.reply', { itemId, body: 'Sorry about that, looking at it now.' })
}
const setStatus = (itemId: string, status: string, when: string) => {
  at(when)
  call('item.setStatus', { itemId, status })
}
const rate = (itemId: string, kind: 'csat' | 'nps', score: number, when: string) => {
  at(when)
  call('item.recordRating', { itemId, kind, score })
}
const escalate = (itemId: string, when: string) => {
  at(when)
  call('item.escalateToSupport', {
    itemId,
    reasonCode: 'technical',
    summary: 'App crashes on the invoice screen; reinstall did not help.',
    expectedQueue: 'service',
    expectedTier: null,
    category: 'bug',
    assigneeId: TOMAS
  })
}

beforeEach(() => {
  process.env.TZ = 'UTC'
  ;({ core, file, maya } = teamWorkspace([LOCAL_TEAM.tomas, LOCAL_TEAM.grace], { now: () => clock }))
})
afterEach(() => {
  core.close()
  process.env.TZ = 'UTC'
})

/**
 * Yesterday (Sunday 22 November 2026, UTC): item A, created 10:00, answered 10:30, resolved 11:00.
 * Today (Monday 23rd):
 *   D created 07:00, answered 07:10, resolved 07:30, reopened 08:00, resolved again 08:30;
 *   C created 08:00, answered 08:20 and 08:40, escalated to support (to Tomás) 08:50;
 *   B created 08:00, answered 09:00, resolved 09:30, rated CSAT 5 and NPS 9 at 09:40;
 *   E created 08:55 and assigned to Maya, not answered yet.
 * Now: 10:00.
 */
function workedExample() {
  const a = createItem('2026-11-22T10:00:00.000Z')
  reply(a, '2026-11-22T10:30:00.000Z')
  setStatus(a, 'resolved', '2026-11-22T11:00:00.000Z')

  const d = createItem('2026-11-23T07:00:00.000Z')
  reply(d, '2026-11-23T07:10:00.000Z')
  setStatus(d, 'resolved', '2026-11-23T07:30:00.000Z')
  setStatus(d, 'open', '2026-11-23T08:00:00.000Z')
  setStatus(d, 'resolved', '2026-11-23T08:30:00.000Z')

  const c = createItem('2026-11-23T08:00:00.000Z', { kind: 'service', category: 'general' })
  reply(c, '2026-11-23T08:20:00.000Z')
  reply(c, '2026-11-23T08:40:00.000Z')
  escalate(c, '2026-11-23T08:50:00.000Z')

  const b = createItem('2026-11-23T08:00:00.000Z')
  reply(b, '2026-11-23T09:00:00.000Z')
  setStatus(b, 'resolved', '2026-11-23T09:30:00.000Z')
  rate(b, 'csat', 5, '2026-11-23T09:40:00.000Z')
  rate(b, 'nps', 9, '2026-11-23T09:40:00.000Z')

  const e = createItem('2026-11-23T08:55:00.000Z', { assignToMe: true })
  at('2026-11-23T10:00:00.000Z')
  return { a, b, c, d, e }
}

describe('figures.personal over real mutations', () => {
  it("today's figures equal the hand-worked ones, each with its count", () => {
    workedExample()
    const f = figures('today')
    expect(f.agentId).toBe(maya)
    expect(f.period).toEqual({ from: '2026-11-23T00:00:00.000Z', to: '2026-11-24T00:00:00.000Z', firstDay: '2026-11-23', lastDay: '2026-11-23', days: 1 })
    expect(f.previous).toMatchObject({ from: '2026-11-22T00:00:00.000Z', to: '2026-11-23T00:00:00.000Z', days: 1 })
    const now = f.current
    // First responses by Maya today: D 10 min, C 20 min, B 60 min -> median 20, p90 = 3rd of 3 = 60.
    expect(now.firstResponse).toMatchObject({ count: 3, medianMs: 20 * MIN, p90Ms: 60 * MIN })
    // Resolved today: B (08:00 -> 09:30) and D (07:00 -> latest resolution 08:30): both 90 min.
    expect(now.resolution).toMatchObject({ count: 2, medianMs: 90 * MIN, p90Ms: 90 * MIN })
    // FCR: B yes (one reply, never escalated or reopened); D no (reopened) -> 1 of 2.
    expect(now.firstContactResolution).toEqual({ count: 1, of: 2, pct: 50 })
    // Escalations 1 (C) over items worked (resolved or escalated by Maya): B, C, D.
    expect(now.escalationRate).toMatchObject({ count: 1, of: 3, handBacks: 0 })
    expect(now.escalationRate.pct).toBeCloseTo(100 / 3, 6)
    // Reopen rate: of B and D resolved today, D was reopened after its first resolution.
    expect(now.reopenRate).toEqual({ count: 1, of: 2, pct: 50 })
    expect(now.csat).toEqual({ count: 1, of: 1, pct: 100 })
    expect(now.nps).toEqual({ count: 1, promoters: 1, detractors: 0, score: 100 })
    // First-response targets (service, normal: 4 h) due today: B 12:00, C 12:00, D 11:00 all met;
    // E's (12:55) is not past yet and not met: left out.
    expect(now.slaFirstResponse).toEqual({ count: 3, of: 3, pct: 100 })
    // Resolution targets (48 h) fall on the 25th: none today.
    expect(now.slaResolution).toEqual({ count: 0, of: 0, pct: null })
    expect(now.volume).toBe(3)
    // Open and Maya's: E only (C went to Tomás), 65 minutes old.
    expect(now.backlog).toEqual({ count: 1, byAge: { under1d: 1, d1to3: 0, d3to7: 0, over7d: 0 } })

    // Yesterday: A answered after 30 min, resolved after 60, first contact resolution.
    const before = f.before
    expect(before.firstResponse).toMatchObject({ count: 1, medianMs: 30 * MIN, p90Ms: 30 * MIN })
    expect(before.resolution).toMatchObject({ count: 1, medianMs: 60 * MIN })
    expect(before.firstContactResolution).toEqual({ count: 1, of: 1, pct: 100 })
    expect(before.escalationRate).toMatchObject({ count: 0, of: 1, pct: 0 })
    expect(before.csat).toEqual({ count: 0, of: 0, pct: null })
    expect(before.nps.score).toBeNull()
    expect(before.volume).toBe(1)
  })

  it('keeps up with new actions at once, and a fresh core (nothing kept) computes the same', () => {
    const { e } = workedExample()
    const first = figures('today')
    expect(first.current.firstResponse.count).toBe(3)
    // Maya answers E at 10:05 (70 min after its 08:55 creation) and resolves it at 10:10; a customer rates it 2.
    reply(e, '2026-11-23T10:05:00.000Z')
    setStatus(e, 'resolved', '2026-11-23T10:10:00.000Z')
    rate(e, 'csat', 2, '2026-11-23T10:12:00.000Z')
    const after = figures('today')
    // 10, 20, 60, 70 -> median (20 + 60) / 2 = 40; p90 = 4th of 4 = 70.
    expect(after.current.firstResponse).toMatchObject({ count: 4, medianMs: 40 * MIN, p90Ms: 70 * MIN })
    expect(after.current.resolution.count).toBe(3)
    expect(after.current.csat).toEqual({ count: 1, of: 2, pct: 50 })
    expect(after.current.backlog.count).toBe(0)
    expect(after.current.volume).toBe(4)
    // The trend's only point (today) moved with it.
    expect(after.series).toHaveLength(1)
    expect(after.series[0]?.figures.firstResponse.count).toBe(4)

    // The same from a core that kept nothing (cold: the SQL selection, not the incremental path).
    core.close()
    ;({ core } = openCore({ file, now: () => clock }))
    const cold = figures('today')
    expect(cold.current).toEqual(after.current)
    expect(cold.before).toEqual(after.before)
    expect(cold.series).toEqual(after.series)
  })

  it('a reassignment moves the backlog, and an item resolved by someone else counts for its assignee', () => {
    const { e } = workedExample()
    expect(figures('today').current.backlog.count).toBe(1)
    // Grace (supervisor) resolves E while it is Maya's: the resolution is Maya's. And an item
    // Grace created yesterday and gave Maya, which Maya never touched, Grace resolves today: Maya's too.
    call('session.signIn', { agentId: GRACE })
    const given = createItem('2026-11-22T15:00:00.000Z')
    at('2026-11-22T15:05:00.000Z')
    call('item.assign', { itemId: given, assigneeId: maya, expectedAssigneeId: null })
    setStatus(e, 'resolved', '2026-11-23T10:20:00.000Z')
    setStatus(given, 'resolved', '2026-11-23T10:25:00.000Z')
    call('session.signIn', { agentId: maya })
    const f = figures('today')
    expect(f.current.backlog.count).toBe(0)
    expect(f.current.resolution.count).toBe(4)
    // The same from a core that kept nothing: Grace's resolution of Maya's item is found.
    core.close()
    ;({ core } = openCore({ file, now: () => clock }))
    expect(figures('today').current).toEqual(f.current)
    // Tomás holds C now: his backlog, not Maya's; he has done nothing else today.
    call('session.signIn', { agentId: TOMAS })
    const t = figures('today')
    expect(t.agentId).toBe(TOMAS)
    expect(t.current.backlog.count).toBe(1)
    expect(t.current.firstResponse.count).toBe(0)
    expect(t.current.escalationRate.pct).toBeNull()
  })

  it('ratings recorded by someone else today, on items the agent held or resolved weeks ago, count for the agent (also from a fresh core)', () => {
    // Maya's item, answered and resolved on 1 November: nothing of it is in today's window but the rating.
    const old = createItem('2026-11-01T09:00:00.000Z', { assignToMe: true })
    reply(old, '2026-11-01T09:10:00.000Z')
    setStatus(old, 'resolved', '2026-11-01T09:20:00.000Z')
    // And one nobody held, which Maya resolved: its rating is hers too.
    const unheld = createItem('2026-11-02T09:00:00.000Z')
    setStatus(unheld, 'resolved', '2026-11-02T09:20:00.000Z')
    workedExample()
    call('session.signIn', { agentId: GRACE })
    rate(old, 'csat', 3, '2026-11-23T10:30:00.000Z')
    rate(old, 'nps', 2, '2026-11-23T10:30:00.000Z')
    rate(unheld, 'csat', 4, '2026-11-23T10:31:00.000Z')
    expect(figures('today').current.csat.of).toBe(0) // Grace resolved none of it: not hers
    call('session.signIn', { agentId: maya })
    // With B's CSAT 5 and NPS 9 from the worked example: 5, 3, 4 -> 2 of 3.
    const expected = { csat: { count: 2, of: 3 }, nps: { count: 2, promoters: 1, detractors: 1, score: 0 } }
    expect(figures('today').current).toMatchObject(expected)
    core.close()
    ;({ core } = openCore({ file, now: () => clock }))
    expect(figures('today').current).toMatchObject(expected)
  })

  it('7 and 30 days: the period, the previous one, and a trend point per day', () => {
    workedExample()
    const week = figures('7d')
    expect(week.period).toMatchObject({ from: '2026-11-17T00:00:00.000Z', to: '2026-11-24T00:00:00.000Z', firstDay: '2026-11-17', lastDay: '2026-11-23', days: 7 })
    expect(week.previous).toMatchObject({ from: '2026-11-10T00:00:00.000Z', to: '2026-11-17T00:00:00.000Z', days: 7 })
    expect(week.current.firstResponse.count).toBe(4)
    expect(week.current.resolution.count).toBe(3)
    expect(week.before.firstResponse.count).toBe(0)
    expect(week.before.csat.pct).toBeNull()
    expect(week.step).toBe('day')
    expect(week.series.map((p) => p.day)).toEqual(['2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23'])
    expect(week.series.map((p) => p.figures.firstResponse.count)).toEqual([0, 0, 0, 0, 0, 1, 3])
    expect(week.series.map((p) => p.figures.resolution.count)).toEqual([0, 0, 0, 0, 0, 1, 2])

    const month = figures('30d')
    expect(month.period).toMatchObject({ firstDay: '2026-10-25', lastDay: '2026-11-23', days: 30 })
    expect(month.series).toHaveLength(30)
    expect(month.current.firstResponse).toMatchObject({ count: 4, medianMs: 25 * MIN })
  })

  it('a custom range of local dates (both included) equals the preset over the same days; long ranges chart per week', () => {
    workedExample()
    const yesterday = figures({ from: '2026-11-22', to: '2026-11-22' })
    expect(yesterday.period).toMatchObject({ from: '2026-11-22T00:00:00.000Z', to: '2026-11-23T00:00:00.000Z', days: 1 })
    expect(yesterday.current).toEqual(figures('today').before)
    const both = figures({ from: '2026-11-22', to: '2026-11-23' })
    expect(both.current.firstResponse.count).toBe(4)
    expect(both.previous).toMatchObject({ firstDay: '2026-11-20', lastDay: '2026-11-21' })
    const year = figures({ from: '2025-11-24', to: '2026-11-23' })
    expect(year.period.days).toBe(365)
    expect(year.step).toBe('week')
    expect(year.series).toHaveLength(53)
    expect(year.series.at(-1)).toMatchObject({ day: '2026-11-23' })
    expect(year.series.reduce((n, p) => n + p.figures.firstResponse.count, 0)).toBe(4)
  })

  it('keeps the four most recently used windows, never dropping the one just asked for', () => {
    workedExample()
    core.close()
    const db = openDatabase(file)
    try {
      const service = createPersonalFigures(db)
      const day = (d: string) => Date.parse(`${d}T00:00:00.000Z`)
      for (const range of ['today', '7d', '30d', { from: '2026-11-01', to: '2026-11-02' }, { from: '2026-10-01', to: '2026-10-02' }] as const) {
        service.compute(maya, range, clock)
      }
      const kept = service.keptWindows()
      expect(kept).toHaveLength(4)
      // The last asked (1-2 October and the two days before) is kept; 'today' (22-23 November), the least recently used, went.
      expect(kept.at(-1)).toBe(`${maya}|${day('2026-09-29')}|${day('2026-10-03')}`)
      expect(kept).not.toContain(`${maya}|${day('2026-11-22')}|${day('2026-11-24')}`)
      // Asking again for a kept window uses it (it becomes the newest) and answers as a fresh one would.
      const again = service.compute(maya, '7d', clock)
      expect(service.keptWindows().at(-1)).toBe(`${maya}|${day('2026-11-10')}|${day('2026-11-24')}`)
      expect(again.current).toEqual(createPersonalFigures(db).compute(maya, '7d', clock).current)
    } finally {
      db.close()
      ;({ core } = openCore({ file, now: () => clock }))
    }
  })

  it('a range inside a kept wider one is filtered from it, with the same numbers as from SQLite', () => {
    const { e } = workedExample()
    core.close()
    const db = openDatabase(file)
    try {
      const service = createPersonalFigures(db)
      service.compute(maya, '30d', clock)
      // A change after the wide window was built, which the narrower one must see too.
      db.prepare("INSERT INTO messages (id, item_rid, kind, author_id, channel, body, created_at) SELECT 'm-late', rid, 'reply', ?, channel, 'Late answer', ? FROM items WHERE id = ?").run(
        maya,
        '2026-11-23T10:05:00.000Z',
        e
      )
      for (const range of ['7d', 'today', { from: '2026-11-22', to: '2026-11-22' }] as const) {
        const derived = service.compute(maya, range, clock)
        const fromSql = createPersonalFigures(db).compute(maya, range, clock)
        expect(derived.current).toEqual(fromSql.current)
        expect(derived.before).toEqual(fromSql.before)
        expect(derived.series).toEqual(fromSql.series)
      }
      expect(service.compute(maya, 'today', clock).current.firstResponse.count).toBe(4)
    } finally {
      db.close()
      ;({ core } = openCore({ file, now: () => clock }))
    }
  })

  it("an upsert of a row the store has (a pull's server copy of a message) goes through while the panel tracks changes, and is seen", () => {
    const { b } = workedExample()
    core.close()
    const db = openDatabase(file)
    try {
      const service = createPersonalFigures(db)
      const before = service.compute(maya, 'today', clock)
      // The pull's statement for a message it already has (sync/apply-pull.ts): B's answer, now at 08:30.
      const reply = db.prepare("SELECT m.id FROM messages m JOIN items i ON i.rid = m.item_rid WHERE i.id = ? AND m.kind = 'reply'").pluck().get(b) as string
      db.prepare(
        `INSERT INTO messages (id, item_rid, kind, author_id, channel, body, created_at) SELECT ?, rid, 'reply', ?, 'email', 'Sorry about that.', ? FROM items WHERE id = ?
           ON CONFLICT (id) DO UPDATE SET created_at = excluded.created_at, body = excluded.body`
      ).run(reply, maya, '2026-11-23T08:30:00.000Z', b)
      const after = service.compute(maya, 'today', clock)
      expect(after.current.firstResponse.p90Ms).not.toEqual(before.current.firstResponse.p90Ms)
      expect(after.current).toEqual(createPersonalFigures(db).compute(maya, 'today', clock).current)
    } finally {
      db.close()
      ;({ core } = openCore({ file, now: () => clock }))
    }
  })

  it('facts archived before a purge keep counting for the agent; a live copy of the item wins over them; items without an act of the agent are not kept', () => {
    const { c, e } = workedExample()
    core.close()
    const db = openDatabase(file)
    try {
      const service = createPersonalFigures(db)
      const before = service.compute(maya, 'today', clock)
      const rid = (id: string) => db.prepare('SELECT rid FROM items WHERE id = ?').pluck().get(id) as number
      // C: answered and escalated by Maya (kept). E: only assigned to her, no act of hers (not kept).
      expect(archiveBeforePurge(db, [rid(c), rid(e)], maya, clock)).toBe(1)
      expect(db.prepare('SELECT item_id FROM personal_figures_archive').pluck().all()).toEqual([c])
      // C is still here too: counted once, from the live item.
      expect(service.compute(maya, 'today', clock).current).toEqual(before.current)
      expect(createPersonalFigures(db).compute(maya, 'today', clock).current).toEqual(before.current)
      // The purge a pull does (sync/apply-pull.ts): C's rows go; its archived facts stand in.
      const gone = rid(c)
      db.transaction(() => {
        db.prepare('INSERT INTO sync_purge (id) VALUES (1)').run()
        for (const table of ['messages', 'item_events', 'ratings']) db.prepare(`DELETE FROM ${table} WHERE item_rid = ?`).run(gone)
        db.prepare('DELETE FROM items WHERE rid = ?').run(gone)
        db.prepare('DELETE FROM sync_purge').run()
      })()
      const after = service.compute(maya, 'today', clock)
      expect(after.current).toEqual(before.current)
      expect(after.current.escalationRate).toMatchObject({ count: 1 })
      expect(createPersonalFigures(db).compute(maya, 'today', clock).current).toEqual(before.current)
      // Without the archive, C's escalation and first response would be gone.
      db.prepare('DELETE FROM personal_figures_archive').run()
      const without = service.compute(maya, 'today', clock)
      expect(without.current.escalationRate.count).toBe(0)
      expect(without.current.firstResponse.count).toBe(before.current.firstResponse.count - 1)
    } finally {
      db.close()
      ;({ core } = openCore({ file, now: () => clock }))
    }
  })

  it('a brand-new agent has no data: nulls, never 0 percentages', () => {
    const f = figures('30d')
    expect(f.current.csat).toEqual({ count: 0, of: 0, pct: null })
    expect(f.current.nps.score).toBeNull()
    expect(f.current.firstResponse).toMatchObject({ count: 0, medianMs: null, p90Ms: null })
    expect(f.current.resolution.medianMs).toBeNull()
    expect(f.current.firstContactResolution.pct).toBeNull()
    expect(f.current.escalationRate.pct).toBeNull()
    expect(f.current.reopenRate.pct).toBeNull()
    expect(f.current.slaFirstResponse.pct).toBeNull()
    expect(f.current.volume).toBe(0)
    expect(f.current.backlog.count).toBe(0)
    expect(f.series.every((p) => p.figures.csat.pct === null)).toBe(true)
  })

  it("'today' is the local calendar day of the console's time zone", () => {
    workedExample()
    process.env.TZ = 'America/New_York'
    // 10:00 UTC is 05:00 in New York (EST, UTC-5): today there began at 05:00 UTC.
    const f = figures('today')
    expect(f.period).toMatchObject({ from: '2026-11-23T05:00:00.000Z', to: '2026-11-24T05:00:00.000Z', firstDay: '2026-11-23' })
    // D's, C's and B's first responses (07:10, 08:20, 09:00 UTC) are all after 05:00 UTC.
    expect(f.current.firstResponse.count).toBe(3)
    // Yesterday there: 22nd 05:00 UTC to 23rd 05:00 UTC, with A only.
    expect(f.before.firstResponse.count).toBe(1)
  })
})

describe('figures.personal finds items whose acts lie outside the window or that changed hands', () => {
  /** The panel from a core that kept nothing (the SQL selection alone), after checking the warm one agrees. */
  function fresh(range: unknown): PersonalFigures {
    const warm = figures(range)
    core.close()
    ;({ core } = openCore({ file, now: () => clock }))
    const cold = figures(range)
    expect(cold.current).toEqual(warm.current)
    return cold
  }

  it('an SLA target due in the period counts there although the agent met it before (selection widened by slaLookbackMs)', () => {
    // Saturday 21st 12:00: Maya's, answered 12:30, resolved 12:31. Resolution due Monday 23rd 12:00
    // (48 h, service normal); first response due Saturday 16:00 (4 h).
    const y = createItem('2026-11-21T12:00:00.000Z', { assignToMe: true })
    reply(y, '2026-11-21T12:30:00.000Z')
    setStatus(y, 'resolved', '2026-11-21T12:31:00.000Z')
    at('2026-11-23T13:00:00.000Z')
    const f = fresh('today')
    expect(f.current.slaResolution).toEqual({ count: 1, of: 1, pct: 100 })
    expect(f.current.slaFirstResponse).toEqual({ count: 0, of: 0, pct: null })
    expect(f.current.resolution.count).toBe(0)
    // Yesterday (Sunday) had nothing of it: no target due, no act.
    expect(f.before.slaResolution).toEqual({ count: 0, of: 0, pct: null })
  })

  it('a resolution counts for the assignee at the resolution, though the item was reopened and reassigned since', () => {
    const x = createItem('2026-11-20T09:00:00.000Z', { assignToMe: true })
    reply(x, '2026-11-20T09:10:00.000Z')
    call('session.signIn', { agentId: GRACE })
    setStatus(x, 'resolved', '2026-11-23T08:00:00.000Z')
    setStatus(x, 'open', '2026-11-23T08:30:00.000Z')
    at('2026-11-23T08:31:00.000Z')
    call('item.assign', { itemId: x, assigneeId: TOMAS, expectedAssigneeId: maya })
    call('session.signIn', { agentId: maya })
    at('2026-11-23T13:00:00.000Z')
    const f = fresh('today')
    expect(f.current.resolution.count).toBe(1)
    expect(f.current.reopenRate).toEqual({ count: 1, of: 1, pct: 100 })
    expect(f.current.backlog.count).toBe(0) // Tomás holds it now
  })

  it('an SLA target missed while the item was the agent\'s counts for them after a supervisor assigned it away', () => {
    // Grace gives Maya a new item at 02:05; nobody answers by its first response deadline (06:00);
    // at 07:00 Grace gives it to Tomás. The missed target is Maya's: she held it at the deadline.
    call('session.signIn', { agentId: GRACE })
    const z = createItem('2026-11-23T02:00:00.000Z')
    at('2026-11-23T02:05:00.000Z')
    call('item.assign', { itemId: z, assigneeId: maya, expectedAssigneeId: null })
    at('2026-11-23T07:00:00.000Z')
    call('item.assign', { itemId: z, assigneeId: TOMAS, expectedAssigneeId: maya })
    call('session.signIn', { agentId: maya })
    at('2026-11-23T10:00:00.000Z')
    const f = fresh('today')
    expect(f.current.slaFirstResponse).toEqual({ count: 0, of: 1, pct: 0 })
    expect(f.current.backlog.count).toBe(0)
  })

  it('a rating counts for the assignee at the resolution before it, though someone else resolved it and a third agent holds it now', () => {
    // 1 November: Grace gives the item to Maya and resolves it herself (Maya's resolution); the 2nd
    // she reopens it and gives it to Tomás. Today Grace records its CSAT: Maya's (the resolution before).
    call('session.signIn', { agentId: GRACE })
    const r = createItem('2026-11-01T09:00:00.000Z')
    at('2026-11-01T09:05:00.000Z')
    call('item.assign', { itemId: r, assigneeId: maya, expectedAssigneeId: null })
    setStatus(r, 'resolved', '2026-11-01T09:20:00.000Z')
    setStatus(r, 'open', '2026-11-02T09:00:00.000Z')
    at('2026-11-02T09:05:00.000Z')
    call('item.assign', { itemId: r, assigneeId: TOMAS, expectedAssigneeId: maya })
    rate(r, 'csat', 2, '2026-11-23T10:30:00.000Z')
    call('session.signIn', { agentId: maya })
    at('2026-11-23T11:00:00.000Z')
    expect(fresh('today').current.csat).toEqual({ count: 0, of: 1, pct: 0 })
    call('session.signIn', { agentId: TOMAS })
    expect(figures('today').current.csat.of).toBe(0)
  })
})

describe('figures.personal refuses bad ranges', () => {
  const refusal = (range: unknown) => {
    const answer = core.dispatch('figures.personal', { range })
    expect(answer.ok).toBe(false)
    if (answer.ok) throw new Error('expected a refusal')
    return answer.error
  }

  it('a start after its end, with the field named', () => {
    const e = refusal({ from: '2026-11-23', to: '2026-11-01' })
    expect(e.code).toBe('invalid_argument')
    expect(e.message).toMatch(/start of the range is after its end/)
    expect(JSON.stringify(e.issues)).toMatch(/from/)
  })

  it('more than 366 days, a date in another format, an unknown preset, extra fields', () => {
    expect(refusal({ from: '2025-01-01', to: '2026-01-02' }).message).toMatch(/at most 366 days/)
    expect(refusal({ from: '23/11/2026', to: '2026-11-24' }).message).toMatch(/YYYY-MM-DD/)
    expect(refusal({ from: '2026-02-30', to: '2026-03-02' }).code).toBe('invalid_argument')
    expect(refusal('year').code).toBe('invalid_argument')
    expect(refusal({ from: '2026-11-01', to: '2026-11-02', by: 'team' }).code).toBe('invalid_argument')
    // 366 days is allowed.
    expect(figures({ from: '2025-11-23', to: '2026-11-23' }).period.days).toBe(366)
  })

  it('without a signed-in agent: not_signed_in', () => {
    core.close()
    const db = new Database(file)
    db.prepare("DELETE FROM meta WHERE key LIKE '%agent%'").run()
    db.close()
    ;({ core } = openCore({ file, now: () => clock }))
    const answer = core.dispatch('figures.personal', { range: 'today' })
    expect(answer).toMatchObject({ ok: false, error: { code: 'not_signed_in' } })
  })
})
