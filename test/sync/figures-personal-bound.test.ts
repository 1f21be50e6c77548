/**
 * The personal figures panel on server-bound consoles against the real sync server over HTTP (on
 * PostgreSQL and on PGlite): a pull deletes the items that leave the agent's scope, and the
 * agent's acts on them must stay in their figures (figures-personal.ts, "Items purged by a pull").
 *
 * Dana (service) takes an item, answers it and escalates it to Sam (tier 1): once the server has
 * it, her console purges it, and her escalation and first response still count. She also answers
 * an item that Lee (supervisor) then escalates: the feed says it left her scope, and her first
 * response still counts. When Lee gives the first item back to Dana it returns to her console and
 * is counted once, not twice (its archived facts give way to the live item).
 */
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCore, type Core } from '../../src/core/core'
import { memoryVault } from '../../src/core/sync/credentials'
import type { Envelope, ItemDetail, PersonalFigures, SyncStatus } from '../../src/shared/contract'
import { ok, tempFile } from '../core/helpers/workspace'
import { BACKENDS, TEAM, addAgents, startTestServer, type TestServer } from './support/servers'
import { until as waitUntil } from '../support/until'

const status = (c: Core) => ok<SyncStatus>(c.dispatch('sync.status', {}))

const until = (what: string, check: () => boolean | Promise<boolean>, ms = 20_000) => waitUntil(what, check, ms, 25)

const has = (c: Core, itemId: string): boolean => (c.dispatch('item.get', { itemId }) as Envelope<ItemDetail>).ok
const panel = (c: Core): PersonalFigures => ok<PersonalFigures>(c.dispatch('figures.personal', { range: '30d' }))

describe.each(BACKENDS)('personal figures of items that leave the agent\'s scope (%s)', (backend) => {
  let server: TestServer
  let cred: Record<string, string>
  const cores: Core[] = []
  const files = new Map<Core, string>()

  async function consoleFor(agentId: string): Promise<Core> {
    const file = tempFile()
    const core = createCore({ file, vault: memoryVault(), sync: { pollMs: 300 } })
    cores.push(core)
    files.set(core, file)
    ok(await core.dispatch('sync.signIn', { serverUrl: server.url, credential: cred[agentId]! }))
    await until(`${agentId} online`, () => status(core).state === 'online')
    return core
  }

  /** The archive rows of a console's file, read on a second connection. */
  function archived(c: Core): string[] {
    const db = new Database(files.get(c)!, { readonly: true })
    try {
      return db.prepare('SELECT item_id FROM personal_figures_archive ORDER BY item_id').pluck().all() as string[]
    } finally {
      db.close()
    }
  }

  beforeAll(async () => {
    server = await startTestServer(backend)
    cred = await addAgents(server.store, TEAM)
  }, 60_000)
  afterAll(async () => {
    for (const c of cores) c.close()
    await server?.stop().catch(() => undefined)
  })

  it('the agent keeps the escalation and first responses of items purged by a pull, and an item back in scope counts once', async () => {
    const dana = await consoleFor('dana')
    const lee = await consoleFor('lee')
    const create = (subject: string, assignToMe: boolean) =>
      ok<{ itemId: string }>(
        dana.dispatch('item.create', {
          kind: 'service',
          category: 'general',
          channel: 'email',
          subject,
          body: 'The app crashes when I open an invoice.',
          customer: { type: 'new', name: 'Ann Smith', email: 'ann@example.com' },
          assignToMe
        })
      ).itemId
    const mine = create('App crashes on invoices', true)
    ok(dana.dispatch('item.reply', { itemId: mine, body: 'Sorry about that: passing it to our support team.' }))
    ok(
      dana.dispatch('item.escalateToSupport', {
        itemId: mine,
        reasonCode: 'technical',
        summary: 'App crashes on the invoice screen; reinstall did not help.',
        expectedQueue: 'service',
        expectedTier: null,
        assigneeId: 'sam'
      })
    )
    const answered = create('Login loop', false)
    ok(dana.dispatch('item.reply', { itemId: answered, body: 'Could you try signing out everywhere?' }))
    const before = panel(dana)
    expect(before.current.escalationRate).toMatchObject({ count: 1, of: 1 })
    expect(before.current.firstResponse.count).toBe(2)

    // The server has the escalation: the item is Sam's in tier 1, outside Dana's scope, and goes from her console.
    await until('dana confirmed', () => status(dana).pending === 0)
    await until('the escalated item purged from dana', () => !has(dana, mine))
    expect(archived(dana)).toEqual([mine])
    const afterPurge = panel(dana)
    expect(afterPurge.current.escalationRate).toMatchObject({ count: 1, of: 1 })
    expect(afterPurge.current.firstResponse.count).toBe(2)
    expect(afterPurge.current.backlog.count).toBe(0)

    // Lee escalates the item Dana answered: the feed tells her it left her scope.
    await until('lee has the answered item', () => has(lee, answered))
    ok(
      lee.dispatch('item.escalateToSupport', {
        itemId: answered,
        reasonCode: 'technical',
        summary: 'Login loop after the password reset.',
        expectedQueue: 'service',
        expectedTier: null,
        assigneeId: null
      })
    )
    await until('the answered item purged from dana', () => !has(dana, answered))
    expect(archived(dana)).toEqual([answered, mine].sort())
    const afterLeft = panel(dana)
    expect(afterLeft.current.firstResponse.count).toBe(2)
    // Lee's escalation is not Dana's: she worked (escalated) one item, and only answered the other.
    expect(afterLeft.current.escalationRate).toMatchObject({ count: 1, of: 1 })

    // Lee gives the first item back to Dana: it returns to her console, live, counted once.
    await until('lee sees the item with sam', () => has(lee, mine) && ok<ItemDetail>(lee.dispatch('item.get', { itemId: mine })).item.assigneeId === 'sam')
    ok(lee.dispatch('item.assign', { itemId: mine, assigneeId: 'dana', expectedAssigneeId: 'sam' }))
    await until('the item back on dana\'s console', () => has(dana, mine))
    await until('its archive row dropped', () => !archived(dana).includes(mine))
    expect(archived(dana)).toEqual([answered])
    const back = panel(dana)
    expect(back.current.escalationRate).toMatchObject({ count: 1, of: 1 })
    expect(back.current.firstResponse.count).toBe(2)
    expect(back.current.backlog.count).toBe(1)

    // A console that kept nothing computes the same from its file (live items plus the archive).
    const file = files.get(dana)!
    dana.close()
    const reopened = createCore({ file, vault: memoryVault() })
    cores.push(reopened)
    expect(panel(reopened).current).toEqual({ ...back.current })
  }, 90_000)
})
