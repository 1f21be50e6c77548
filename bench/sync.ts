/**
 * npm run bench:sync [-- --items 100000] [--only postgres|pglite] [--out FILE]
 *        [--mutations 10000] [--pglite-fill-budget-s 180]
 *
 * The sync server under load, on PostgreSQL (a throwaway cluster with durable commits, fsync on,
 * as in production) and on the embedded PGlite (a temporary folder). Prints one JSON document:
 *  1. push throughput over HTTP to one in-process server: one client, then 4 clients at once,
 *     item.reply mutations in batches of 500, one push in flight per client; against a plain
 *     INSERT of the same message rows, one row per transaction, through the same SQL client.
 *     Target >= 2,000 mutations/s on PostgreSQL.
 *  2. first sync of N items by a fresh console core (a real SQLite file) signed in as the
 *     supervisor, until it is online with N items. Target < 15 s for 100k.
 *  3. change-to-other-client latency between two online consoles (item.reply on one, seen in
 *     item.get on the other, polled every 5 ms). Target p95 < 1 s.
 *  4. 200 simulated agents at once over plain HTTP (first pull, then 10 × push + pull), on a
 *     separate store with ~2,000 items so the 200 first syncs stay small.
 * Each part runs on its own fresh database (PostgreSQL) or folder (PGlite). It reports; it
 * asserts nothing.
 */
import { publish } from './output'
import { Resources, benchLog, ok, perSecond, round1, sleep, until } from './resources'
import { readdirSync, readFileSync } from 'node:fs'
import { cpus, totalmem, loadavg } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../src/server/http/app'
import { openStore, type AgentRecord, type ServerStore } from '../src/server/store'
import { createCore, type Core } from '../src/core/core'
import { memoryVault } from '../src/core/sync/credentials'
import type { ItemDetail, SyncStatus } from '../src/shared/contract'
import type { PullResponse, PushResponse, PushedMutation } from '../src/shared/sync/protocol'
import { startPostgres, type PostgresCluster } from '../test/support/postgres'
import { call, createItemArgs, mutation, newClientId } from '../test/sync/support/http'
import { summarize } from './stats'

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '100000' },
    only: { type: 'string' },
    out: { type: 'string' },
    mutations: { type: 'string', default: '10000' },
    'pglite-fill-budget-s': { type: 'string', default: '180' }
  }
})
const ITEMS = Number(values.items)
const MUTATIONS = Number(values.mutations)
const PGLITE_FILL_BUDGET_MS = Number(values['pglite-fill-budget-s']) * 1000
const BATCH = 500
const PUSH_ITEMS = 1000
const SWARM_ITEMS = 2000
const SWARM_AGENTS = 200
const SWARM_ROUNDS = 10
const LATENCY_SAMPLES = 100
if (!Number.isInteger(ITEMS) || ITEMS <= 0 || !Number.isInteger(MUTATIONS) || MUTATIONS <= 0) throw new Error('--items and --mutations are positive integers')
if (values.only !== undefined && values.only !== 'postgres' && values.only !== 'pglite') throw new Error('--only is postgres or pglite')
const BACKENDS = (['postgres', 'pglite'] as const).filter((b) => values.only === undefined || values.only === b)
type Backend = (typeof BACKENDS)[number]

const log = benchLog('sync')

// Resources, all released at the end even on failure.
const cleanups = new Resources(log)
const tempDir = (prefix: string) => cleanups.tempDir(prefix)

let cluster: PostgresCluster | null = null
interface Server {
  store: ServerStore
  app: FastifyInstance
  url: string
  stop(): Promise<void>
}

async function startServer(backend: Backend, name: string): Promise<Server> {
  let location: { databaseUrl?: string; dataDir?: string }
  if (backend === 'postgres') {
    if (!cluster) {
      log('starting a durable PostgreSQL cluster')
      const c = await startPostgres({ durable: true })
      cluster = c
      cleanups.push(() => c.stop())
    }
    location = { databaseUrl: await cluster.createDatabase(`bench_${name}_${Date.now()}`) }
  } else {
    location = { dataDir: join(tempDir(`handoff-bench-pglite-${name}-`), 'pgdata') }
  }
  const store = await openStore(location)
  const app = await buildApp({ store, heartbeatMs: 60_000 })
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  let stopped = false
  const stop = async () => {
    if (stopped) return
    stopped = true
    await Promise.race([app.close(), sleep(5000)])
    await store.close()
  }
  cleanups.push(stop)
  return { store, app, url, stop }
}

async function addAgent(store: ServerStore, id: string, role: 'service' | 'supervisor'): Promise<{ agent: AgentRecord; credential: string }> {
  return store.addAgent({ id, name: `Agent ${id}`, email: `${id}@example.com`, role, tiers: [], admin: false })
}

/** A client of the protocol: its id and its next seq. */
class Client {
  readonly clientId = newClientId()
  private seq = 0
  constructor(
    readonly agent: AgentRecord,
    readonly credential: string
  ) {}
  next(name: string, args: unknown): PushedMutation {
    return mutation(++this.seq, this.agent.id, name, args)
  }
}

async function clientFor(store: ServerStore, id: string): Promise<Client> {
  const { agent, credential } = await addAgent(store, id, 'service')
  return new Client(agent, credential)
}

/** Pushes item.create in batches of 500 through store.push (no HTTP) from the given clients at once. */
async function fill(store: ServerStore, clients: Client[], n: number, budgetMs = Infinity): Promise<{ created: number; ms: number }> {
  const t0 = performance.now()
  let created = 0
  let done = 0
  let lastLog = 0
  let stop = false
  await Promise.all(
    clients.map(async (c, k) => {
      for (;;) {
        if (stop || created >= n) return
        const size = Math.min(BATCH, n - created)
        created += size
        const muts = Array.from({ length: size }, (_, i) => c.next('item.create', createItemArgs(`Order ${k}-${created + i}: parcel did not arrive`, { customer: { type: 'new', name: `Customer ${created + i}`, email: `c${created + i}@example.com` } })))
        const res = await store.push(c.agent, { clientId: c.clientId, mutations: muts })
        const bad = res.results.find((r) => r.outcome !== 'applied')
        if (bad) throw new Error(`fill: mutation ${bad.seq} ${bad.outcome} ${JSON.stringify(bad.rejection)}`)
        done += size
        if (done - lastLog >= n / 10) {
          lastLog = done
          log(`  filled ${done.toLocaleString()} / ${n.toLocaleString()} (${perSecond(done, performance.now() - t0)}/s)`)
        }
        if (performance.now() - t0 > budgetMs) stop = true
      }
    })
  )
  const { rows } = await store.sql.query<{ n: string }>('SELECT count(*)::text AS n FROM items')
  return { created: Number(rows[0]!.n), ms: performance.now() - t0 }
}

async function walLsn(store: ServerStore): Promise<string> {
  const { rows } = await store.sql.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')
  return rows[0]!.lsn
}
async function walBytesSince(store: ServerStore, lsn: string): Promise<number> {
  const { rows } = await store.sql.query<{ n: string }>('SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::text AS n', [lsn])
  return Number(rows[0]!.n)
}

async function itemIds(store: ServerStore, limit: number): Promise<string[]> {
  const { rows } = await store.sql.query<{ id: string }>('SELECT id FROM items ORDER BY id LIMIT $1', [limit])
  return rows.map((r) => r.id)
}

async function httpPush(url: string, c: Client, muts: PushedMutation[]): Promise<PushResponse> {
  const a = await call<PushResponse>(url, '/v1/push', { credential: c.credential, body: { clientId: c.clientId, mutations: muts } })
  if (a.status !== 200) throw new Error(`push: ${a.status} ${JSON.stringify(a.body).slice(0, 300)}`)
  const bad = a.body.results.find((r) => r.outcome !== 'applied')
  if (bad) throw new Error(`push: mutation ${bad.seq} ${bad.outcome} ${JSON.stringify(bad.rejection)}`)
  return a.body
}

const replyArgs = (itemId: string, i: number) => ({ itemId, body: `Benchmark reply ${i}: checked the order and the courier's tracking.` })

// ---- CPU accounting: where a mutation's time goes on this machine ---------------------------

const CLOCK_TICKS_PER_SECOND = 100
/**
 * CPU milliseconds used so far by a local PostgreSQL cluster (postmaster and its children, from
 * /proc), or null when the store is not a local cluster this process can see (PGlite runs inside
 * this process and is counted with it).
 */
async function postgresCpuMs(store: ServerStore): Promise<(() => number) | null> {
  try {
    const { rows } = await store.sql.query<{ dir: string }>('SELECT current_setting(\'data_directory\') AS dir')
    const postmaster = Number(readFileSync(join(rows[0]!.dir, 'postmaster.pid'), 'utf8').split('\n')[0])
    if (!Number.isInteger(postmaster)) return null
    return () => {
      let ticks = 0
      for (const entry of readdirSync('/proc')) {
        if (!/^\d+$/.test(entry)) continue
        try {
          const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
          const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
          if (Number(entry) === postmaster || Number(f[1]) === postmaster) ticks += Number(f[11]) + Number(f[12])
        } catch {
          // a process that ended between the listing and the read
        }
      }
      return (ticks * 1000) / CLOCK_TICKS_PER_SECOND
    }
  } catch {
    return null
  }
}

/** Runs work and reports CPU microseconds per mutation: this process, and the PostgreSQL cluster. */
async function cpuPerMutation(store: ServerStore, mutations: number, work: () => Promise<void>): Promise<{ server_process_us: number; postgres_us: number | null }> {
  const pgCpu = await postgresCpuMs(store)
  const pg0 = pgCpu?.() ?? 0
  const c0 = process.cpuUsage()
  await work()
  const c = process.cpuUsage(c0)
  return {
    server_process_us: Math.round((c.user + c.system) / mutations),
    postgres_us: pgCpu ? Math.round(((pgCpu() - pg0) * 1000) / mutations) : null
  }
}

// ---- 1. Push throughput ---------------------------------------------------------------------

async function benchPush(backend: Backend) {
  const server = await startServer(backend, 'push')
  const { store, url } = server
  const filler = await clientFor(store, 'filler')
  await fill(store, [filler], PUSH_ITEMS)
  const ids = await itemIds(store, PUSH_ITEMS)

  // One client, one push in flight.
  const one = await clientFor(store, 'solo')
  await httpPush(url, one, [one.next('item.reply', replyArgs(ids[0]!, -1))]) // authenticates (scrypt) and binds the client once
  log(`  push: 1 client, ${MUTATIONS.toLocaleString()} item.reply over HTTP`)
  const batchMs: number[] = []
  const lsn0 = await walLsn(store)
  const t0 = performance.now()
  for (let done = 0; done < MUTATIONS; done += BATCH) {
    const muts = Array.from({ length: Math.min(BATCH, MUTATIONS - done) }, (_, i) => one.next('item.reply', replyArgs(ids[(done + i) % ids.length]!, done + i)))
    const b0 = performance.now()
    await httpPush(url, one, muts)
    batchMs.push(performance.now() - b0)
  }
  const oneMs = performance.now() - t0
  const walPerMutation = Math.round((await walBytesSince(store, lsn0)) / MUTATIONS)

  // Four clients at once (four agents), each on its own quarter of the items, M/4 each.
  const four: Client[] = []
  for (let k = 0; k < 4; k++) four.push(await clientFor(store, `quad${k}`))
  for (const c of four) await httpPush(url, c, [c.next('item.reply', replyArgs(ids[0]!, -1))])
  log(`  push: 4 clients, ${MUTATIONS.toLocaleString()} item.reply in all`)
  const per = Math.ceil(MUTATIONS / 4)
  const t1 = performance.now()
  const fourCpu = await cpuPerMutation(store, per * 4, async () => {
    await Promise.all(
      four.map(async (c, k) => {
        const mine = ids.filter((_, i) => i % 4 === k)
        for (let done = 0; done < per; done += BATCH) {
          const muts = Array.from({ length: Math.min(BATCH, per - done) }, (_, i) => c.next('item.reply', replyArgs(mine[(done + i) % mine.length]!, done + i)))
          await httpPush(url, c, muts)
        }
      })
    )
  })
  const fourMs = performance.now() - t1

  // The same mutations through store.push directly (no HTTP, no JSON, no auth): where the time goes.
  const direct = await clientFor(store, 'direct')
  const directN = Math.min(MUTATIONS, 2000)
  const t2 = performance.now()
  for (let done = 0; done < directN; done += BATCH) {
    const muts = Array.from({ length: Math.min(BATCH, directN - done) }, (_, i) => direct.next('item.reply', replyArgs(ids[(done + i) % ids.length]!, done + i)))
    await store.push(direct.agent, { clientId: direct.clientId, mutations: muts })
  }
  const directMs = performance.now() - t2

  // The base: the same message rows, plain INSERT, one row per transaction, same SQL client.
  const { rows } = await store.sql.query<Record<string, unknown>>(
    `SELECT id, item_id, kind, author_id, channel, body, created_at FROM messages WHERE kind = 'reply' ORDER BY created_at DESC, id LIMIT $1`,
    [MUTATIONS]
  )
  await store.sql.query('CREATE TABLE bench_raw_messages (LIKE messages INCLUDING ALL)')
  const insert = 'INSERT INTO bench_raw_messages (id, item_id, kind, author_id, channel, body, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)'
  const params = (r: Record<string, unknown>) => [r.id, r.item_id, r.kind, r.author_id, r.channel, r.body, r.created_at]
  log(`  raw insert: ${rows.length.toLocaleString()} rows, one per transaction`)
  const lsn3 = await walLsn(store)
  const t3 = performance.now()
  for (const r of rows) await store.sql.transaction((tx) => tx.query(insert, params(r)))
  const rawMs = performance.now() - t3
  const walPerRaw = Math.round((await walBytesSince(store, lsn3)) / rows.length)
  await store.sql.query('TRUNCATE bench_raw_messages')
  const t4 = performance.now()
  await Promise.all([0, 1, 2, 3].map(async (k) => {
    for (let i = k; i < rows.length; i += 4) await store.sql.transaction((tx) => tx.query(insert, params(rows[i]!)))
  }))
  const raw4Ms = performance.now() - t4
  await store.sql.query('DROP TABLE bench_raw_messages')

  const oneRate = perSecond(MUTATIONS, oneMs)
  const fourRate = perSecond(per * 4, fourMs)
  const rawRate = perSecond(rows.length, rawMs)
  const raw4Rate = perSecond(rows.length, raw4Ms)
  const result = {
    items: PUSH_ITEMS,
    mutation: 'item.reply',
    batch: BATCH,
    one_client: { mutations: MUTATIONS, seconds: round1(oneMs / 1000), mutations_per_second: oneRate, push_of_500_latency: summarize(batchMs), wal_bytes_per_mutation: walPerMutation },
    four_clients: {
      mutations: per * 4,
      seconds: round1(fourMs / 1000),
      aggregate_mutations_per_second: fourRate,
      // CPU per mutation: this process (the server: HTTP, auth, decide, SQL client; and the
      // bench's own HTTP clients, so an overestimate) and the database's processes. On a 2-core
      // machine shared by both, their sum bounds the rate.
      cpu_us_per_mutation: fourCpu,
      server_process_cpu_bound_mutations_per_second: Math.round(1e6 / fourCpu.server_process_us)
    },
    store_push_direct_no_http: { mutations: directN, mutations_per_second: perSecond(directN, directMs) },
    raw_insert_same_rows: {
      table: 'bench_raw_messages (LIKE messages INCLUDING ALL: same columns, primary key and index)',
      rows: rows.length,
      one_writer_rows_per_second: rawRate,
      four_writers_rows_per_second: raw4Rate,
      wal_bytes_per_row: walPerRaw
    },
    ratio_one_client_to_raw: Math.round((oneRate / rawRate) * 100) / 100,
    ratio_four_clients_to_raw_four_writers: Math.round((fourRate / raw4Rate) * 100) / 100,
    unit: 'mutations/s',
    target_mutations_per_second: 2000
  }
  log(`  push: ${JSON.stringify(result)}`)
  return { result, server }
}

// ---- Console cores ------------------------------------------------------------------------


async function signedInCore(serverUrl: string, credential: string, pollMs: number): Promise<Core> {
  const dir = tempDir('handoff-bench-core-')
  const core = createCore({ file: join(dir, 'handoff.sqlite'), vault: memoryVault(), sync: { pollMs } })
  cleanups.push(() => core.close())
  ok(await core.dispatch('sync.signIn', { serverUrl, credential }), 'sync.signIn')
  return core
}
const statusOf = (core: Core) => ok<SyncStatus>(core.dispatch('sync.status', {}), 'sync.status')
const countOf = (core: Core) => ok<{ total: number }>(core.dispatch('inbox.count', { filter: {} }), 'inbox.count').total


// ---- 2. First sync ------------------------------------------------------------------------

async function benchFirstSync(backend: Backend) {
  const server = await startServer(backend, 'firstsync')
  const { store, url } = server
  const fillers: Client[] = []
  for (let k = 0; k < 4; k++) fillers.push(await clientFor(store, `fill${k}`))
  const lee = await addAgent(store, 'lee', 'supervisor')
  const budget = backend === 'pglite' ? PGLITE_FILL_BUDGET_MS : Infinity
  log(`  first sync: filling ${ITEMS.toLocaleString()} items (4 clients, store.push, batches of ${BATCH})${backend === 'pglite' ? `, at most ${budget / 1000} s` : ''}`)
  const filled = await fill(store, fillers, ITEMS, budget)
  const n = filled.created
  log(`  first sync: ${n.toLocaleString()} items in ${round1(filled.ms / 1000)} s; a fresh console signs in as the supervisor`)
  const t0 = performance.now()
  const core = await signedInCore(url, lee.credential, 60_000)
  let lastLog = 0
  await until(
    'the first sync',
    () => {
      const s = statusOf(core)
      if (s.firstSync && s.firstSync.done - lastLog >= n / 5) {
        lastLog = s.firstSync.done
        log(`    ${s.firstSync.done.toLocaleString()} / ${s.firstSync.total.toLocaleString()}`)
      }
      if (s.lastError) throw new Error(`first sync: ${s.lastError}`)
      return s.state === 'online' && s.firstSync === null && countOf(core) === n
    },
    20 * 60_000,
    50
  )
  const ms = performance.now() - t0
  core.close()
  const result = {
    items: n,
    items_requested: ITEMS,
    ...(n < ITEMS ? { note: `PGlite filled only ${n.toLocaleString()} of ${ITEMS.toLocaleString()} items within its fill budget of ${budget / 1000} s (--pglite-fill-budget-s); the first sync is measured over those` } : {}),
    fill: { items: n, clients: fillers.length, via: 'store.push, item.create, batches of 500', seconds: round1(filled.ms / 1000), items_per_second: perSecond(n, filled.ms) },
    seconds: round1(ms / 1000),
    items_per_second: perSecond(n, ms),
    measured: "sync.signIn of a fresh console core (SQLite file) as the supervisor, until sync.status is online with firstSync null and inbox.count {} equals the items",
    unit: 's',
    target_seconds_for_100k: 15
  }
  log(`  first sync: ${JSON.stringify(result)}`)
  await server.stop()
  return result
}

// ---- 3. Change-to-other-client latency ----------------------------------------------------

async function benchLatency(backend: Backend, server: Server) {
  const { store, url } = server
  const a = await addAgent(store, 'dana', 'service')
  const b = await addAgent(store, 'eli', 'service')
  const [itemId] = await itemIds(store, 1)
  log(`  latency: two consoles sign in (first sync of ${PUSH_ITEMS.toLocaleString()} items each)`)
  const coreA = await signedInCore(url, a.credential, 1000)
  const coreB = await signedInCore(url, b.credential, 1000)
  await until('both consoles online', () => [coreA, coreB].every((c) => { const s = statusOf(c); return s.state === 'online' && s.firstSync === null }), 5 * 60_000)
  const has = (body: string) => ok<ItemDetail>(coreB.dispatch('item.get', { itemId }), 'item.get').thread.some((e) => e.type === 'message' && e.message.body === body)
  const samples: number[] = []
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const body = `Latency probe ${i} ${Date.now()}`
    const t0 = performance.now()
    ok(coreA.dispatch('item.reply', { itemId, body }), 'item.reply')
    await until(`reply ${i} on the other console`, () => has(body), 30_000, 5)
    samples.push(performance.now() - t0)
    await sleep(20)
  }
  await until('console A confirmed', () => statusOf(coreA).pending === 0, 30_000)
  coreA.close()
  coreB.close()
  const result = {
    samples: summarize(samples),
    measured: "console A dispatches item.reply; until console B's item.get thread holds it (polled every 5 ms); both service agents, SSE nudges, pollMs 1000",
    unit: 'ms',
    target_p95_ms: 1000
  }
  log(`  latency: ${JSON.stringify(result)}`)
  return result
}

// ---- 4. 200 agents at once ----------------------------------------------------------------

async function benchSwarm(backend: Backend) {
  const server = await startServer(backend, 'swarm')
  const { store, url } = server
  const filler = await clientFor(store, 'filler')
  await fill(store, [filler], SWARM_ITEMS)
  log(`  swarm: adding ${SWARM_AGENTS} service agents`)
  const clients: Client[] = []
  for (let k = 0; k < SWARM_AGENTS; k++) clients.push(await clientFor(store, `swarm${k}`))
  const lat = { first_pull: [] as number[], pull: [] as number[], push: [] as number[] }
  let requests = 0
  let errors = 0
  const errorSamples: string[] = []
  const timed = async <T>(kind: 'first_pull' | 'pull' | 'push', c: Client, body: unknown): Promise<T | null> => {
    requests++
    const t0 = performance.now()
    try {
      const a = await call<T>(url, kind === 'push' ? '/v1/push' : '/v1/pull', { credential: c.credential, body })
      lat[kind].push(performance.now() - t0)
      if (a.status < 200 || a.status > 299) {
        errors++
        if (errorSamples.length < 5) errorSamples.push(`${kind} ${a.status} ${JSON.stringify(a.body).slice(0, 200)}`)
        return null
      }
      return a.body
    } catch (e) {
      lat[kind].push(performance.now() - t0)
      errors++
      if (errorSamples.length < 5) errorSamples.push(`${kind} threw ${(e as Error).message}`)
      return null
    }
  }
  log(`  swarm: ${SWARM_AGENTS} agents at once: first pull, then ${SWARM_ROUNDS} × (push 1 item.reply; pull)`)
  let firstSyncItems = 0
  const t0 = performance.now()
  await Promise.all(
    clients.map(async (c, k) => {
      let cursor: string | null = null
      const seen = new Set<string>()
      for (;;) {
        const page: PullResponse | null = await timed<PullResponse>('first_pull', c, { clientId: c.clientId, cursor, limit: 500 })
        if (!page) return
        for (const i of page.items) seen.add(i.id)
        cursor = page.cursor
        if (!page.more) break
      }
      firstSyncItems += seen.size
      const mine = [...seen]
      for (let r = 0; r < SWARM_ROUNDS; r++) {
        const itemId = mine[(k * SWARM_ROUNDS + r) % Math.max(1, mine.length)]
        if (itemId) await timed<PushResponse>('push', c, { clientId: c.clientId, mutations: [c.next('item.reply', replyArgs(itemId, r))] })
        const next: PullResponse | null = await timed<PullResponse>('pull', c, { clientId: c.clientId, cursor, limit: 500 })
        if (next) cursor = next.cursor
      }
    })
  )
  const ms = performance.now() - t0
  const result = {
    agents: SWARM_AGENTS,
    store_items: SWARM_ITEMS,
    note: `a separate store with ${SWARM_ITEMS.toLocaleString()} items, so that 200 first syncs stay small; every agent is a service agent and sees all of them`,
    rounds: SWARM_ROUNDS,
    first_sync_items_per_agent: Math.round(firstSyncItems / SWARM_AGENTS),
    requests,
    errors,
    ...(errorSamples.length ? { error_samples: errorSamples } : {}),
    push_latency: summarize(lat.push),
    first_sync_pull_latency: summarize(lat.first_pull),
    pull_latency_after_first_sync: summarize(lat.pull),
    pull_latency_all: summarize([...lat.first_pull, ...lat.pull]),
    auth_note: 'each agent\'s first request checks its credential with scrypt (then cached by SHA-256): 200 of them land at once, inside the first pulls',
    wall_seconds: round1(ms / 1000),
    requests_per_second: perSecond(requests, ms),
    unit: 'ms (latency), s (wall)'
  }
  log(`  swarm: ${JSON.stringify(result)}`)
  await server.stop()
  return result
}

// ---- Run ----------------------------------------------------------------------------------

const report: Record<string, unknown> = {
  when: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  cpu: cpus()[0]?.model,
  memory_gb: Math.round(totalmem() / 1e9),
  items: ITEMS,
  mutations: MUTATIONS,
  postgres: 'throwaway cluster, durable (fsync, synchronous_commit and full_page_writes on), pool of 20',
  pglite: 'embedded, on disk in a temporary folder',
  server: 'one in-process Fastify app (buildApp) on 127.0.0.1, clients in the same process',
  note_load: 'load_average_1m is sampled after each part: above the cpus, other processes shared the machine and the figures are low by that much',
  backends: {} as Record<string, unknown>
}
const load = () => Math.round(loadavg()[0]! * 100) / 100
let failed = false
const onSignal = () => {
  log('interrupted: cleaning up')
  void cleanups.releaseAll().finally(() => process.exit(130))
}
process.once('SIGINT', onSignal)
process.once('SIGTERM', onSignal)
try {
  for (const backend of BACKENDS) {
    log(`== ${backend}`)
    const out: Record<string, unknown> = {}
    ;(report.backends as Record<string, unknown>)[backend] = out
    const { result: push, server } = await benchPush(backend)
    out.push_throughput = { ...push, load_average_1m: load() }
    out.change_to_other_client_latency = { ...(await benchLatency(backend, server)), load_average_1m: load() }
    await server.stop()
    out.first_sync = { ...(await benchFirstSync(backend)), load_average_1m: load() }
    out.agents_200 = { ...(await benchSwarm(backend)), load_average_1m: load() }
  }
} catch (e) {
  failed = true
  report.error = (e as Error).stack ?? String(e)
  log(`failed: ${(e as Error).stack ?? String(e)}`)
} finally {
  await cleanups.releaseAll()
}

log(`written to ${publish(report, 'sync', report.when as string, values.out)}`)
process.exit(failed ? 1 : 0)
