/**
 * npm run bench:channels [-- --samples 40] [--bulk 1000] [--replies 1000] [--out FILE]
 *
 * The email channel with real parts: a throwaway PostgreSQL cluster (durable commits), Debian's
 * Dovecot (IMAP, with IDLE) and an SMTP listener (smtp-server), all on 127.0.0.1. Prints one JSON
 * document; it asserts nothing.
 *  1. inbound latency: an email appended to the support mailbox, until an online console (a real
 *     core on an SQLite file, signed in to the in-process server, SSE nudges) holds the new item
 *     (inbox.count polled every 5 ms). One email at a time. Target p95 < 3 s with IDLE.
 *  2. one poll of a full mailbox: `--bulk` emails appended while no reader runs, then one reader
 *     started (polling, no IDLE): time until every email is recorded in inbound_messages and the
 *     mailbox is empty; items per second; lost or duplicated emails are counted.
 *  3. outbound: `--replies` agent replies pushed on email items, then the delivery worker started:
 *     time until the SMTP listener has accepted every one; replies per second; duplicates counted.
 *     Target >= 100/s per server process.
 */
import { cpus, loadavg, totalmem } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { simpleParser } from 'mailparser'
import { startChannels } from '../src/server/channels/email/run'
import { startDeliveries } from '../src/server/channels/email/deliver'
import { addChannel } from '../src/server/channels/registry'
import { buildApp } from '../src/server/http/app'
import { openStore, type ServerStore } from '../src/server/store'
import { createCore, type Core } from '../src/core/core'
import { memoryVault } from '../src/core/sync/credentials'
import type { SyncStatus } from '../src/shared/contract'
import { startDovecot, type Dovecot } from '../test/support/dovecot'
import { startPostgres, type PostgresCluster } from '../test/support/postgres'
import { startSmtpSink, type SmtpSink } from '../test/support/smtp-sink'
import { mutation, newClientId } from '../test/sync/support/http'
import { publish } from './output'
import { Resources, benchLog, ok, perSecond, round1, sleep, until } from './resources'
import { summarize } from './stats'

const { values } = parseArgs({
  options: {
    samples: { type: 'string', default: '40' },
    bulk: { type: 'string', default: '1000' },
    replies: { type: 'string', default: '1000' },
    out: { type: 'string' }
  }
})
const SAMPLES = Number(values.samples)
const BULK = Number(values.bulk)
const REPLIES = Number(values.replies)
for (const [name, n] of Object.entries({ samples: SAMPLES, bulk: BULK, replies: REPLIES })) {
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} is a positive integer`)
}

const log = benchLog('channels')

// Resources, all released at the end even on failure.
const cleanups = new Resources(log)
const tempDir = (prefix: string) => cleanups.tempDir(prefix)



const email = (n: number, tag: string) =>
  [
    `From: Customer ${n} <customer${n}.${tag}@example.net>`,
    'To: support@handoff.example',
    `Subject: Order ${tag}-${n} has not arrived`,
    `Message-ID: <${tag}-${n}@example.net>`,
    `Date: ${new Date().toUTCString()}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Hello, my order ${tag}-${n} was due on Monday and has not arrived. Can you help?`,
    ''
  ].join('\r\n')

let cluster: PostgresCluster | null = null
let dovecot: Dovecot | null = null

async function freshStore(name: string): Promise<ServerStore> {
  if (!cluster) {
    log('starting a durable PostgreSQL cluster')
    const c = await startPostgres({ durable: true })
    cluster = c
    cleanups.push(() => c.stop())
  }
  const store = await openStore({ databaseUrl: await cluster.createDatabase(`bench_${name}_${Date.now()}`) })
  cleanups.push(() => store.close())
  return store
}

/** A channel on the bench's Dovecot, reading `mailbox`, sending through `sink` (or Dovecot's address when none). */
async function channel(store: ServerStore, mailbox: string, sink: SmtpSink | null): Promise<void> {
  const d = dovecot!
  process.env.HANDOFF_BENCH_IMAP_PASSWORD = d.password
  process.env.HANDOFF_BENCH_SMTP_PASSWORD = sink?.password ?? d.password
  await d.createMailbox(mailbox)
  await addChannel(store.sql, {
    id: 'support',
    name: 'Handoff Bench',
    address: 'support@handoff.example',
    config: {
      imap: { host: d.host, port: d.port, security: 'none', user: d.user, password: { env: 'HANDOFF_BENCH_IMAP_PASSWORD' }, mailbox, processedFolder: `${mailbox}-done` },
      smtp: sink
        ? { host: sink.host, port: sink.port, security: 'none', user: sink.user, password: { env: 'HANDOFF_BENCH_SMTP_PASSWORD' } }
        : { host: d.host, port: d.port, security: 'none', user: d.user, password: { env: 'HANDOFF_BENCH_SMTP_PASSWORD' } }
    }
  })
}

// ---- 1. Inbound email -> visible in an online console -----------------------------------------

async function benchInboundLatency() {
  const store = await freshStore('inbound')
  await channel(store, 'Latency', null)
  const app = await buildApp({ store, heartbeatMs: 60_000 })
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  cleanups.push(async () => void (await Promise.race([app.close(), sleep(5000)])))
  const { credential } = await store.addAgent({ id: 'fran', name: 'Fran', email: 'fran@handoff.example', role: 'service', tiers: [], admin: false })
  const core: Core = createCore({ file: join(tempDir('handoff-bench-channels-core-'), 'handoff.sqlite'), vault: memoryVault(), sync: { pollMs: 60_000 } })
  cleanups.push(() => core.close())
  ok(await core.dispatch('sync.signIn', { serverUrl: url, credential }), 'sync.signIn')
  const status = () => ok<SyncStatus>(core.dispatch('sync.status', {}), 'sync.status')
  await until('the console online', () => status().state === 'online' && status().firstSync === null, 60_000)
  const count = () => ok<{ total: number }>(core.dispatch('inbox.count', { filter: {} }), 'inbox.count').total
  const runner = await startChannels(store.sql, { imap: { pollIntervalMs: 60_000 } })
  cleanups.push(() => runner.stop())
  await until('the reader idling', () => runner.readers().get('support')?.health().mode === 'idle', 30_000)

  const samples: number[] = []
  for (let i = 0; i < SAMPLES; i++) {
    const before = count()
    const t0 = performance.now()
    await dovecot!.deliver(email(i, 'latency'), 'Latency')
    await until(`email ${i} in the console`, () => count() === before + 1, 30_000, 5)
    samples.push(performance.now() - t0)
    await sleep(50)
  }
  await runner.stop()
  const result = {
    samples: summarize(samples),
    measured: 'IMAP APPEND of one email to the watched mailbox (IDLE), until the online console (SQLite core, SSE nudges, pollMs 60 s) counts one more item',
    unit: 'ms',
    target_p95_ms: 3000
  }
  log(`  inbound latency: ${JSON.stringify(result)}`)
  return result
}

// ---- 2. A full mailbox in one poll ------------------------------------------------------------

async function benchBulkPoll() {
  const store = await freshStore('bulk')
  await channel(store, 'Bulk', null)
  log(`  bulk: appending ${BULK.toLocaleString()} emails`)
  const tA = performance.now()
  for (let i = 0; i < BULK; i++) await dovecot!.deliver(email(i, 'bulk'), 'Bulk')
  log(`  bulk: appended in ${round1((performance.now() - tA) / 1000)} s; one reader starts (polling)`)
  const n = async (sql: string) => Number((await store.sql.query<{ n: string }>(sql)).rows[0]!.n)
  const t0 = performance.now()
  const runner = await startChannels(store.sql, { imap: { idle: false, pollIntervalMs: 60 * 60_000 } })
  cleanups.push(() => runner.stop())
  await until('every email recorded', async () => (await n('SELECT count(*) AS n FROM inbound_messages')) >= BULK && (await dovecot!.count('Bulk')) === 0, 20 * 60_000, 100)
  const ms = performance.now() - t0
  await runner.stop()
  const recorded = await n('SELECT count(*) AS n FROM inbound_messages')
  const items = await n('SELECT count(*) AS n FROM items')
  const messages = await n('SELECT count(*) AS n FROM messages')
  const result = {
    emails: BULK,
    recorded,
    items,
    messages,
    lost: BULK - Math.min(recorded, BULK),
    duplicated: Math.max(0, messages - BULK),
    seconds: round1(ms / 1000),
    items_per_second: perSecond(items, ms),
    measured: 'emails already in the mailbox; from starting one reader (no IDLE) until inbound_messages holds them all and the mailbox is empty (each moved after its transaction committed)',
    unit: 's'
  }
  log(`  bulk: ${JSON.stringify(result)}`)
  return result
}

// ---- 3. Replies delivered per second ------------------------------------------------------------

async function benchOutbound() {
  const store = await freshStore('outbound')
  const sink = await startSmtpSink()
  cleanups.push(() => sink.stop())
  await channel(store, 'Outbound', sink)
  const { agent } = await store.addAgent({ id: 'olga', name: 'Olga', email: 'olga@handoff.example', role: 'service', tiers: [], admin: false })
  const clientId = newClientId()
  let seq = 0
  // Replies spread over 100 email items of distinct customers, pushed as an agent would.
  const ITEMS = Math.min(100, REPLIES)
  const itemIds: string[] = []
  for (let i = 0; i < ITEMS; i++) {
    const m = mutation(++seq, agent.id, 'item.create', {
      kind: 'service',
      category: 'order',
      channel: 'email',
      subject: `Order ${i}`,
      body: 'Where is my order?',
      customer: { type: 'new', name: `Customer ${i}`, email: `customer${i}@example.net` }
    })
    const res = await store.push(agent, { clientId, mutations: [m] })
    if (res.results[0]?.outcome !== 'applied') throw new Error(`item.create: ${JSON.stringify(res.results[0])}`)
    itemIds.push(m.mutationId)
  }
  log(`  outbound: pushing ${REPLIES.toLocaleString()} replies`)
  const batch: ReturnType<typeof mutation>[] = []
  const flush = async () => {
    if (batch.length === 0) return
    const res = await store.push(agent, { clientId, mutations: batch.splice(0) })
    const refused = res.results.filter((r) => r.outcome !== 'applied')
    if (refused.length > 0) throw new Error(`reply: ${JSON.stringify(refused[0])}`)
  }
  for (let i = 0; i < REPLIES; i++) {
    batch.push(mutation(++seq, agent.id, 'item.reply', { itemId: itemIds[i % ITEMS]!, body: `Your order is on its way (${i}).` }))
    if (batch.length === 500) await flush()
  }
  await flush()
  const t0 = performance.now()
  const worker = await startDeliveries(store.sql, {})
  cleanups.push(() => worker.stop())
  await until('every reply accepted by the SMTP listener', () => sink.messages.length >= REPLIES, 20 * 60_000, 20)
  const ms = performance.now() - t0
  await until('every delivery recorded', async () => Number((await store.sql.query<{ n: string }>(`SELECT count(*) AS n FROM deliveries WHERE state = 'sent'`)).rows[0]!.n) === REPLIES, 60_000, 50)
  const recordedMs = performance.now() - t0
  await worker.stop()
  const ids = await Promise.all(sink.messages.map(async (m) => (await simpleParser(m.raw)).messageId))
  const result = {
    replies: REPLIES,
    accepted: sink.messages.length,
    duplicated: sink.messages.length - new Set(ids).size,
    seconds_to_accepted: round1(ms / 1000),
    seconds_to_recorded: round1(recordedMs / 1000),
    replies_per_second: perSecond(REPLIES, recordedMs),
    measured: 'replies already queued by their pushes; from starting one delivery worker until the SMTP listener accepted them all and every delivery row says sent',
    unit: 'replies/s',
    target_replies_per_second: 100
  }
  log(`  outbound: ${JSON.stringify(result)}`)
  return result
}

async function main() {
  const startedAt = new Date().toISOString()
  dovecot = await startDovecot()
  cleanups.push(() => dovecot!.stop())
  const report = {
    benchmark: 'channels',
    startedAt,
    machine: { cpus: cpus().length, memoryGiB: round1(totalmem() / 2 ** 30), load: loadavg().map(round1), node: process.version },
    inbound_latency: await benchInboundLatency(),
    bulk_poll: await benchBulkPoll(),
    outbound: await benchOutbound()
  }
  const path = publish(report, 'channels', startedAt, values.out)
  log(`written to ${path}`)
}

main()
  .catch((e: unknown) => {
    console.error(e)
    process.exitCode = 1
  })
  .finally(() => cleanups.releaseAll())
