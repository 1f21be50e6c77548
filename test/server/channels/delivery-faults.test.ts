/**
 * Email out under faults, on a real PostgreSQL (several server processes on one database): two
 * workers deliver each reply exactly once; a server killed between the relay's acceptance and the
 * recording leaves the reply unconfirmed, held once by the relay and never sent again unless the
 * agent retries; replies queued while no worker ran are delivered when one starts.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { SWEPT_REASON, startDeliveries, type DeliveryWorker } from '../../../src/server/channels/email/deliver'
import { parseInboundEmail } from '../../../src/server/channels/email/parse'
import { ingestEmail } from '../../../src/server/channels/ingest'
import { openStore, type ServerStore } from '../../../src/server/store'
import { freshDatabase } from '../../support/pg-database'
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink'
import { until } from '../../support/until'
import { Console, addSinkChannel, deliveryRow, receivedIds } from './support/delivery'

const root = fileURLToPath(new URL('../../..', import.meta.url))

describe('email delivery faults (PostgreSQL)', () => {
  let databaseUrl: string
  let sink: SmtpSink
  let store: ServerStore
  let ann: Console
  const workers: DeliveryWorker[] = []
  const stores: ServerStore[] = []
  const children: ChildProcess[] = []
  beforeAll(async () => {
    sink = await startSmtpSink()
    databaseUrl = await freshDatabase('faults')
    store = await openStore({ databaseUrl })
    await addSinkChannel(store, sink, { id: 'support', name: 'Acme Support', address: 'support@acme.test' })
    const { agent } = await store.addAgent({ id: 'ann', name: 'Ann Agent', email: 'ann@acme.test', role: 'service', tiers: [], admin: false })
    ann = new Console(store, agent)
  })
  afterEach(async () => {
    for (const w of workers.splice(0)) await w.stop()
    for (const s of stores.splice(0)) await s.close()
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  })
  afterAll(async () => {
    await store?.close()
    await sink?.stop()
  })

  /** A worker in a server process of its own (its own store, so its own connections). */
  async function serverWorker(id: string, options: Parameters<typeof startDeliveries>[1] = {}): Promise<DeliveryWorker> {
    const own = await openStore({ databaseUrl })
    stores.push(own)
    const worker = await startDeliveries(own.sql, { workerId: id, pollIntervalMs: 50, leaseMs: 10_000, ...options })
    workers.push(worker)
    return worker
  }
  let n = 0
  /** An item from a customer's email. */
  async function emailItem(): Promise<string> {
    const i = n++
    const email = await parseInboundEmail(
      Buffer.from(
        [`From: Customer ${i} <c${i}@customer.example>`, 'To: support@acme.test', `Subject: Question ${i}`, `Message-ID: <q${i}@customer.example>`, 'Content-Type: text/plain', '', 'Hello?', ''].join('\r\n')
      )
    )
    const out = await ingestEmail(store, { id: 'support' }, email)
    if (out.status !== 'item') throw new Error(out.status)
    return out.itemId
  }
  const states = async (ids: readonly string[]) =>
    (await store.sql.query<{ message_id: string; state: string; attempts: number; claimed_by: string | null }>('SELECT message_id, state, attempts, claimed_by FROM deliveries WHERE message_id = ANY($1::text[])', [ids])).rows

  it('two workers on one database deliver 200 replies, each exactly once', async () => {
    const before = sink.messages.length
    await serverWorker('one', { concurrency: 8, connectionsPerChannel: 2 })
    await serverWorker('two', { concurrency: 8, connectionsPerChannel: 2 })
    const items = await Promise.all(Array.from({ length: 20 }, () => emailItem()))
    const replies: string[] = []
    // Ten pushes of twenty replies each, while both workers run.
    for (let round = 0; round < 10; round++) {
      const batch = items.map((itemId) => ann.mutation('item.reply', { itemId, body: `Answer ${round}` }))
      const res = await ann.push(...batch)
      expect(res.results.every((r) => r.outcome === 'applied')).toBe(true)
      replies.push(...batch.map((m) => `${m.mutationId}.m`))
    }
    await until('every reply sent', async () => (await states(replies)).filter((r) => r.state === 'sent').length === 200, 60_000, 100)

    const rows = await states(replies)
    expect(rows.every((r) => r.attempts === 1)).toBe(true)
    expect(rows.every((r) => r.claimed_by?.startsWith('one/') || r.claimed_by?.startsWith('two/'))).toBe(true)
    const ids = receivedIds(sink).slice(before)
    expect(ids).toHaveLength(200)
    expect(new Set(ids).size).toBe(200)
    expect(new Set(ids)).toEqual(new Set(replies.map((id) => `<handoff.${id}@acme.test>`)))
  })

  it('killed between the relay\'s acceptance and the recording: unconfirmed after the lease, one copy at the relay, never resent unless retried', async () => {
    const itemId = await emailItem()
    const before = sink.messages.length
    sink.hold()
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/server/channels/support/delivery-child.ts')], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: `${databaseUrl}?application_name=delivery-child`, LEASE_MS: '1500' },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    children.push(child)
    let out = ''
    let err = ''
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()))
    await until('the child worker is ready', () => out.includes('ready\n') || child.exitCode !== null, 30_000, 50)
    expect(child.exitCode, err).toBeNull()

    const replyId = await ann.reply(itemId, 'This one must arrive once')
    await until('the relay holds the whole message', () => sink.held === 1, 15_000, 20)
    expect((await deliveryRow(store, replyId))!.state).toBe('sending')

    // The test holds the row, then lets the relay answer: the child's "sent" waits on the row.
    const blocker = new pg.Client({ connectionString: databaseUrl })
    await blocker.connect()
    try {
      await blocker.query('BEGIN')
      await blocker.query('SELECT 1 FROM deliveries WHERE message_id = $1 FOR UPDATE', [replyId])
      sink.release()
      await until('the relay accepted it', () => sink.messages.length === before + 1, 15_000, 20)
      await until('the child\'s "sent" waits on the held row', async () => {
        const { rows } = await store.sql.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'delivery-child' AND wait_event_type = 'Lock' AND query LIKE '%sent_at = now()%'`
        )
        return rows[0]!.n === 1
      }, 15_000, 20)
      expect(out).toContain(`{"type":"accepted","messageId":"${replyId}"}`)

      child.kill('SIGKILL')
      await once(child, 'exit')
      // The process is gone with its connections: PostgreSQL ends their sessions (as it does when
      // it notices a client gone), so the "sent" it was waiting to write is never written.
      await store.sql.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'delivery-child'`)
      await until('the child\'s sessions ended', async () => {
        const { rows } = await store.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'delivery-child'`)
        return rows[0]!.n === 0
      }, 15_000, 20)
    } finally {
      await blocker.query('ROLLBACK')
      await blocker.end()
    }
    expect((await deliveryRow(store, replyId))!).toMatchObject({ state: 'sending', claimed_by: expect.stringMatching(/^child\//) as string })

    // Another server's worker finds the lease run out and makes it unconfirmed; it never sends it.
    const worker = await serverWorker('survivor')
    await until('the reply is unconfirmed', async () => (await deliveryRow(store, replyId))?.state === 'unconfirmed', 15_000, 50)
    expect((await deliveryRow(store, replyId))!).toMatchObject({ last_error: SWEPT_REASON, next_attempt_at: null, attempts: 1 })
    const pulled = (await ann.pullAll()).flatMap((p) => p.messages).filter((m) => m.id === replyId).at(-1)
    expect(pulled?.delivery).toMatchObject({ state: 'unconfirmed', error: SWEPT_REASON })
    await worker.runOnce()
    await worker.runOnce()
    expect((await deliveryRow(store, replyId))!.state).toBe('unconfirmed')
    const copies = () => receivedIds(sink).filter((id) => id === `<handoff.${replyId}@acme.test>`).length
    expect(copies()).toBe(1)

    // The agent decides to send it again: then, and only then, a second copy.
    await ann.do('item.retryDelivery', { itemId, messageId: replyId })
    await until('the retried reply is sent', async () => (await deliveryRow(store, replyId))?.state === 'sent', 15_000, 50)
    expect(copies()).toBe(2)
  })

  it('replies queued while no worker runs are delivered when one starts', async () => {
    const first = await serverWorker('before-restart')
    await first.stop()
    const items = await Promise.all([emailItem(), emailItem(), emailItem()])
    const replies = [] as string[]
    for (const itemId of items) replies.push(await ann.reply(itemId, 'Sent after the restart'))
    expect((await states(replies)).map((r) => r.state)).toEqual(['queued', 'queued', 'queued'])

    const before = sink.messages.length
    await serverWorker('after-restart')
    await until('all three sent', async () => (await states(replies)).every((r) => r.state === 'sent'), 15_000, 50)
    expect(receivedIds(sink).slice(before).sort()).toEqual(replies.map((id) => `<handoff.${id}@acme.test>`).sort())
  })
  it('a stop while replies wait for a pooled connection: those that never left are failed and retried (not left to become unconfirmed); the one at the relay is left to its lease', async () => {
    const worker = await serverWorker('stopping', { connectionsPerChannel: 1, concurrency: 4, backoff: { baseMs: 60_000, maxDelayMs: 60_000, maxAttempts: 5 } })
    sink.hold()
    const items = await Promise.all([emailItem(), emailItem(), emailItem()])
    const replies = [] as string[]
    for (const itemId of items) replies.push(await ann.reply(itemId, 'Sent while the server stops'))
    await until('one reply at the relay, the others waiting for the connection', async () => (await states(replies)).every((r) => r.state === 'sending') && sink.held >= 1, 15_000, 20)
    const held = sink.held
    await worker.stop(200)
    workers.splice(workers.indexOf(worker), 1)
    const after = await states(replies)
    sink.release()
    // One connection: the relay holds one reply (it may arrive: its lease decides); the others never left.
    expect(held).toBe(1)
    expect(after.filter((r) => r.state === 'sending')).toHaveLength(1)
    expect(after.filter((r) => r.state === 'failed')).toHaveLength(2)
    for (const r of await Promise.all(after.filter((x) => x.state === 'failed').map((x) => deliveryRow(store, x.message_id)))) expect(r!.next_attempt_at).not.toBeNull()
  })
})
