/**
 * npm run bench:report [-- --items 1000000] [--only postgres|pglite] [--pglite-items N] [--out FILE]
 *                      [--database-url URL] [--pglite-dir DIR]
 *
 * The server's figures report (store/figures.ts: the function behind POST /v1/figures/report and
 * `cli report`) over a big store, on PostgreSQL (a throwaway cluster) and on PGlite (a temporary
 * folder). The store is filled by bulk SQL (generate_series; no feed rows, as a bulk import
 * might) with a year of realistic items: customer messages, one or two replies, notes,
 * assignments, status changes, resolutions, reopens, escalations to support, CSAT and NPS
 * answers, and a small backlog. Then, by agent:
 *   cold   the first report (the facts cache is empty: every item's facts are derived), 30 days;
 *   warm   the same again, 30 days, and the whole year (366 days), each 3 times (median);
 *   after  a report after 1,000 items changed through the real push path (the cache catches up).
 * Prints one JSON document to stdout and writes it to bench/results/. Asserts nothing.
 *
 * To iterate without refilling: --database-url names a PostgreSQL database to use and keep, and
 * --pglite-dir a PGlite folder to use and keep; a store that already holds items is not filled
 * again (nor its cache rebuilt, so "cold" is then only the process's first read, unless --rebuild
 * marks the cache stale first). Each run's push step resolves 500 more items.
 *
 * While the cold report runs, one reply is pushed after another through the real push path
 * (pushes_during_cold: how many, and the slowest): a rebuild must not hold them up.
 */
import { publish } from './output'
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { randomUUID } from 'node:crypto'
import { openStore, type ServerStore } from '../src/server/store'
import { figuresReport, type FiguresContext } from '../src/server/store/figures'
import type { FiguresReportRequest } from '../src/shared/sync/figures-protocol'
import { startPostgres, type PostgresCluster } from '../test/support/postgres'

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '1000000' },
    'pglite-items': { type: 'string' },
    only: { type: 'string' },
    out: { type: 'string' },
    'database-url': { type: 'string' },
    'pglite-dir': { type: 'string' },
    rebuild: { type: 'boolean', default: false }
  }
})
const ITEMS = Number(values.items)
const PGLITE_ITEMS = Number(values['pglite-items'] ?? values.items)
if (!Number.isInteger(ITEMS) || ITEMS <= 0 || !Number.isInteger(PGLITE_ITEMS) || PGLITE_ITEMS <= 0) throw new Error('--items and --pglite-items are positive integers')
if (values.only !== undefined && values.only !== 'postgres' && values.only !== 'pglite') throw new Error('--only is postgres or pglite')
const BACKENDS = (['postgres', 'pglite'] as const).filter((b) => values.only === undefined || values.only === b)
type Backend = (typeof BACKENDS)[number]

const DAY = 86_400_000
const NOW = Math.floor(Date.now() / DAY) * DAY
const SPAN_DAYS = 365
const AGENTS = 50
const SPECIALISTS = 10
const TEAMS = 5
const CHUNK = 50_000

const log = (line: string) => process.stderr.write(`bench:report ${new Date().toISOString().slice(11, 19)} ${line}\n`)
const round1 = (x: number) => Math.round(x * 10) / 10
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now()
  const value = await fn()
  return { ms: round1(performance.now() - t0), value }
}

type Timings = NonNullable<FiguresContext['timings']>
const phases: Record<string, Timings & { load_1m: number }> = {}
/** One report, its total time, and where the time went (refresh, read and decode, compute), kept under `name`. */
async function run(store: ServerStore, name: string, req: FiguresReportRequest) {
  const timings: Timings = {}
  const r = await timed(() => figuresReport(store.sql, req, { timings }))
  phases[name] = { ...Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, round1(v)])), load_1m: round1(loadavg()[0]!) }
  return r
}

/** Agents a0..a49 (service, 5 teams), s0..s9 (support, tiers 1-2), one supervisor. */
async function addAgents(store: ServerStore): Promise<void> {
  const rows: string[] = []
  for (let k = 0; k < AGENTS; k++) rows.push(`('a${k}', 'Agent ${k}', 'a${k}@example.com', 'service', '[]', 'team${k % TEAMS}')`)
  for (let k = 0; k < SPECIALISTS; k++) rows.push(`('s${k}', 'Specialist ${k}', 's${k}@example.com', 'support', '[1,2]', 'support${k % 2}')`)
  rows.push(`('boss', 'The Supervisor', 'boss@example.com', 'supervisor', '[]', NULL)`)
  await store.sql.query(`INSERT INTO agents (id, name, email, role, tiers, team, credential_hash) SELECT id, name, email, role, tiers::jsonb, team, 'x' FROM (VALUES ${rows.join(', ')}) AS v(id, name, email, role, tiers, team)`)
  await store.sql.query(`INSERT INTO customers (id, name, email, phone, created_at) SELECT 'c' || g, 'Customer ' || g, 'c' || g || '@example.com', NULL, '2025-01-01T00:00:00.000Z' FROM generate_series(0, 9999) g`)
}

/**
 * One chunk of items [lo, hi) by bulk SQL. bench_plan holds each item's story (times in ms); the
 * tables are then filled from it in one statement each.
 */
async function fillChunk(store: ServerStore, lo: number, hi: number, n: number): Promise<void> {
  const q = (text: string, params: unknown[] = []) => store.sql.query(text, params)
  const start = NOW - SPAN_DAYS * DAY
  await q('TRUNCATE bench_plan')
  await q(
    `INSERT INTO bench_plan
     SELECT i, 'b' || i, c, r1, r2, r3,
            kind, CASE WHEN kind = 'support' AND r2 < 50 THEN true ELSE false END AS escalated,
            (ARRAY['phone','chat','email','social','sms','webform','inperson'])[(i % 7 + 1)::int] AS channel,
            (ARRAY['low','normal','normal','high','urgent'])[((i / 7) % 5 + 1)::int] AS priority,
            CASE WHEN kind = 'support' THEN 's' || (i % ${SPECIALISTS}) ELSE 'a' || (i % ${AGENTS}) END AS assignee,
            'a' || ((i + 3) % ${AGENTS}) AS frontline,
            status,
            CASE WHEN status = 'new' THEN NULL ELSE c + (2 + r3 / 2) * 60000::bigint END AS reply1,
            CASE WHEN status <> 'new' AND r1 % 2 = 0 THEN c + (32 + r3 / 2) * 60000::bigint END AS reply2,
            CASE WHEN status IN ('resolved', 'closed') THEN c + ((r3 % 48) + 1) * 3600000::bigint + r1 * 60000::bigint END AS res
       FROM (
         SELECT i, c, r1, r2, r3,
                CASE WHEN r1 < 20 THEN 'support' ELSE 'service' END AS kind,
                CASE WHEN c > $4::bigint - 14 * ${DAY}::bigint AND r2 >= 60 THEN (CASE WHEN r2 >= 95 THEN 'new' WHEN r2 >= 90 THEN 'pending' ELSE 'open' END)
                     WHEN r2 >= 99 THEN 'open'
                     WHEN r2 < 30 AND c < $4::bigint - 2 * ${DAY}::bigint THEN 'closed'
                     ELSE 'resolved' END AS status
           FROM (SELECT i, $3::bigint + (i::bigint * ${SPAN_DAYS * DAY}::bigint / $5::bigint) AS c, ((i * 7919) % 100)::int AS r1, ((i * 104729) % 100)::int AS r2, ((i * 1299709) % 1000)::int AS r3
                   FROM generate_series($1::bigint, $2::bigint - 1) i) s
       ) p`,
    [lo, hi, start, NOW, n]
  )
  const iso = (col: string) => `to_char(to_timestamp((${col}) / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
  await q(
    `INSERT INTO items (id, kind, category, channel, customer_id, subject, status, priority, assignee_id, tier, queue, handoff_summary, queue_changed_by, queue_changed_at,
                        sla_started_at, sla_responded_at, created_at, updated_at, first_response_at, resolved_at, sla_due_at)
     SELECT id, kind, CASE WHEN kind = 'support' THEN 'troubleshooting' ELSE 'order' END, channel, 'c' || (i % 10000), 'Bench item ' || i, status, priority, assignee,
            CASE WHEN kind = 'support' THEN 1 END, CASE WHEN kind = 'support' THEN 'tier1' ELSE 'service' END,
            CASE WHEN escalated THEN 'Customer cannot log in.' END, CASE WHEN escalated THEN frontline END, CASE WHEN escalated THEN ${iso('c + 1200000')} END,
            ${iso('c')}, CASE WHEN reply1 IS NULL THEN NULL ELSE ${iso('reply1')} END, ${iso('c')}, ${iso('coalesce(res, reply2, reply1, c)')},
            CASE WHEN reply1 IS NULL THEN NULL ELSE ${iso('reply1')} END, CASE WHEN res IS NULL THEN NULL ELSE ${iso('res')} END, NULL
       FROM bench_plan`
  )
  await q(
    `INSERT INTO messages (id, item_id, kind, author_id, channel, body, created_at)
     SELECT id || '.m0', id, 'customer', NULL, channel, 'My order has not arrived and I need it by Friday.', ${iso('c')} FROM bench_plan
     UNION ALL SELECT id || '.m1', id, 'reply', assignee, channel, 'Thanks for writing; I am looking into it now.', ${iso('reply1')} FROM bench_plan WHERE reply1 IS NOT NULL
     UNION ALL SELECT id || '.m2', id, 'reply', assignee, channel, 'It is on its way; here is the tracking link.', ${iso('reply2')} FROM bench_plan WHERE reply2 IS NOT NULL
     UNION ALL SELECT id || '.m3', id, 'note', assignee, channel, 'Checked with the warehouse.', ${iso('c + 600000')} FROM bench_plan WHERE r1 % 10 = 0
     UNION ALL SELECT id || '.m4', id, 'handoff', frontline, channel, 'Customer cannot log in.', ${iso('c + 1200000')} FROM bench_plan WHERE escalated`
  )
  await q(
    `INSERT INTO item_events (id, item_id, type, actor_id, from_value, to_value, reason, created_at)
     SELECT id || '.e0', id, 'created', CASE WHEN escalated THEN frontline ELSE assignee END, NULL, 'new', NULL, ${iso('c')} FROM bench_plan
     UNION ALL SELECT id || '.e1', id, 'assigned', CASE WHEN escalated THEN frontline ELSE assignee END, NULL, CASE WHEN escalated THEN frontline ELSE assignee END, NULL, ${iso('c')} FROM bench_plan
     UNION ALL SELECT id || '.e2', id, 'escalated', frontline, 'service', 'tier1', 'Technical problem beyond frontline', ${iso('c + 1200000')} FROM bench_plan WHERE escalated
     UNION ALL SELECT id || '.e3', id, 'assigned', frontline, frontline, assignee, 'Escalate to support', ${iso('c + 1200000')} FROM bench_plan WHERE escalated
     UNION ALL SELECT id || '.e4', id, 'status', assignee, 'new', 'open', NULL, ${iso('reply1')} FROM bench_plan WHERE reply1 IS NOT NULL AND status <> 'pending'
     UNION ALL SELECT id || '.e4', id, 'status', assignee, 'new', 'pending', NULL, ${iso('reply1')} FROM bench_plan WHERE status = 'pending'
     UNION ALL SELECT id || '.e5', id, 'status', assignee, 'open', 'resolved', NULL, ${iso('res - CASE WHEN r3 < 50 THEN 10800000 ELSE 0 END')} FROM bench_plan WHERE res IS NOT NULL
     UNION ALL SELECT id || '.e6', id, 'status', assignee, 'resolved', 'open', NULL, ${iso('res - 7200000')} FROM bench_plan WHERE res IS NOT NULL AND r3 < 50
     UNION ALL SELECT id || '.e7', id, 'status', assignee, 'open', 'resolved', NULL, ${iso('res')} FROM bench_plan WHERE res IS NOT NULL AND r3 < 50
     UNION ALL SELECT id || '.e8', id, 'status', assignee, 'resolved', 'closed', NULL, ${iso('res + 86400000')} FROM bench_plan WHERE status = 'closed'`
  )
  await q(
    `INSERT INTO ratings (id, item_id, kind, score, recorded_by, created_at)
     SELECT id || '.r0', id, 'csat', 1 + r3 % 5, assignee, ${iso('res + 7200000')} FROM bench_plan WHERE res IS NOT NULL AND r1 < 35
     UNION ALL SELECT id || '.r1', id, 'nps', r3 % 11, assignee, ${iso('res + 7200000')} FROM bench_plan WHERE res IS NOT NULL AND r1 < 15`
  )
}

export async function fill(store: ServerStore, n: number): Promise<{ seconds: number; rows: Record<string, number> }> {
  const t0 = performance.now()
  await addAgents(store)
  await store.sql.query(`CREATE TABLE bench_plan (i int, id text, c bigint, r1 int, r2 int, r3 int, kind text, escalated boolean, channel text, priority text,
    assignee text, frontline text, status text, reply1 bigint, reply2 bigint, res bigint)`)
  for (let lo = 0; lo < n; lo += CHUNK) {
    await fillChunk(store, lo, Math.min(n, lo + CHUNK), n)
    if ((lo / CHUNK) % 4 === 3 || lo + CHUNK >= n) log(`  filled ${Math.min(n, lo + CHUNK).toLocaleString()} / ${n.toLocaleString()} items (${round1((performance.now() - t0) / 1000)} s)`)
  }
  await store.sql.query('DROP TABLE bench_plan')
  await store.sql.query('ANALYZE')
  const rows: Record<string, number> = {}
  for (const t of ['items', 'messages', 'item_events', 'ratings']) rows[t] = Number((await store.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`)).rows[0]!.n)
  return { seconds: round1((performance.now() - t0) / 1000), rows }
}

/** 1,000 items changed through the real push path (a reply and a resolution each). */
async function pushChanges(store: ServerStore): Promise<number> {
  const agent = (await store.agentById('a0'))!
  const clientId = randomUUID()
  const { rows } = await store.sql.query<{ id: string }>(`SELECT id FROM items WHERE queue = 'service' AND status = 'open' ORDER BY id LIMIT 500`)
  let seq = 0
  const mutations = rows.flatMap((r) => [
    { seq: ++seq, mutationId: randomUUID(), name: 'item.reply', args: { itemId: r.id, body: 'One more thing.' }, actorId: 'a0', clientTime: new Date().toISOString() },
    { seq: ++seq, mutationId: randomUUID(), name: 'item.setStatus', args: { itemId: r.id, status: 'resolved' }, actorId: 'a0', clientTime: new Date().toISOString() }
  ])
  for (let k = 0; k < mutations.length; k += 200) await store.push(agent, { clientId, mutations: mutations.slice(k, k + 200) })
  return rows.length
}

async function benchBackend(backend: Backend, cluster: () => Promise<PostgresCluster>) {
  const n = backend === 'pglite' ? PGLITE_ITEMS : ITEMS
  let dir: string | null = null
  const kept = backend === 'postgres' ? values['database-url'] : values['pglite-dir']
  const location =
    backend === 'postgres'
      ? { databaseUrl: kept ?? (await (await cluster()).createDatabase(`bench_report_${Date.now()}`)) }
      : { dataDir: kept ?? join((dir = mkdtempSync(join(tmpdir(), 'handoff-bench-report-'))), 'pgdata') }
  const store = await openStore(location)
  try {
    const present = Number((await store.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM items')).rows[0]!.n)
    let filled: Awaited<ReturnType<typeof fill>> | { reused: number }
    if (present > 0) {
      log(`${backend}: reusing a kept store of ${present.toLocaleString()} items`)
      filled = { reused: present }
    } else {
      log(`${backend}: filling ${n.toLocaleString()} items by bulk SQL`)
      filled = await fill(store, n)
      log(`${backend}: filled in ${filled.seconds} s: ${JSON.stringify(filled.rows)}`)
    }
    const days = (d: number) => ({ from: new Date(NOW + DAY - d * DAY).toISOString(), to: new Date(NOW + DAY).toISOString(), by: 'agent' as const })
    const last30 = days(30)
    const whole = days(366)

    if (values.rebuild) await store.sql.query("UPDATE figures_state SET basis = 'stale'")
    log(`${backend}: cold report (every item's facts derived), 30 days`)
    let coldDone = false
    const during: number[] = []
    const pushing = (async () => {
      const agent = (await store.agentById('a0'))!
      const clientId = randomUUID()
      const { rows } = await store.sql.query<{ id: string }>(`SELECT id FROM items WHERE queue = 'service' AND status = 'open' ORDER BY id DESC LIMIT 1`)
      log(`${backend}: pushing during the cold report from now on`)
      let seq = 0
      while (!coldDone && rows[0]) {
        const m = { seq: ++seq, mutationId: randomUUID(), name: 'item.reply', args: { itemId: rows[0].id, body: 'Still on it.' }, actorId: 'a0', clientTime: new Date().toISOString() }
        during.push((await timed(() => store.push(agent, { clientId, mutations: [m] }))).ms)
        await new Promise((resolve) => setTimeout(resolve, 500))
      }
    })()
    const cold = await run(store, `${backend} cold 30 days`, last30).finally(() => (coldDone = true))
    await pushing
    log(`${backend}: cold ${cold.ms} ms; ${during.length} pushes meanwhile, slowest ${Math.max(0, ...during)} ms`)
    const warm30: number[] = []
    const warmWhole: number[] = []
    let wholeRows = 0
    for (let k = 0; k < 3; k++) {
      warm30.push((await run(store, `${backend} warm 30 days #${k + 1}`, last30)).ms)
      const w = await run(store, `${backend} warm whole year #${k + 1}`, whole)
      warmWhole.push(w.ms)
      wholeRows = w.value.rows.length
    }
    const byTeam = await run(store, `${backend} warm whole year by team`, { ...whole, by: 'team' })
    log(`${backend}: warm 30 days ${warm30.join(', ')} ms; whole year ${warmWhole.join(', ')} ms`)
    const changed = await pushChanges(store)
    const after = await run(store, `${backend} after push 30 days`, last30)
    log(`${backend}: after ${changed} items changed by push: ${after.ms} ms`)
    const relevant30 = Number(
      (await store.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM item_facts WHERE open OR (last_at >= $1 AND first_at < $2)', [String(Date.parse(last30.from)), String(Date.parse(last30.to))])).rows[0]!.n
    )
    return {
      backend,
      items: n,
      fill: { via: 'bulk SQL (generate_series), no feed rows', ...filled },
      report_ms: {
        cold_30_days: cold.ms,
        warm_30_days_median: median(warm30),
        warm_30_days_runs: warm30,
        warm_whole_year_median: median(warmWhole),
        warm_whole_year_runs: warmWhole,
        warm_whole_year_by_team: byTeam.ms,
        after_push_30_days: after.ms
      },
      pushes_during_cold: { count: during.length, median_ms: during.length ? median(during) : null, max_ms: during.length ? Math.max(...during) : null },
      facts_read: { last_30_days: relevant30, whole_year: n },
      rows: { by_agent: wholeRows },
      changed_by_push: changed
    }
  } finally {
    await store.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  }
}

async function main(): Promise<void> {
  const held: { pg: PostgresCluster | null } = { pg: null }
  const cluster = async () => (held.pg ??= await startPostgres({}))
  const results = []
  try {
    for (const backend of BACKENDS) results.push(await benchBackend(backend, cluster))
  } finally {
    await held.pg?.stop()
  }
  const doc = {
    bench: 'report',
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memory_gb: Math.round(totalmem() / 2 ** 30), load_1m: round1(loadavg()[0]!) },
    targets: { report_1m_items_ms: 2000 },
    results,
    phases_ms: phases
  }
  log(`written to ${publish(doc, 'report', doc.at, values.out)}`)
}

if (process.argv[1]?.endsWith('report.ts')) {
  main().catch((e: unknown) => {
    console.error(e)
    process.exit(1)
  })
}
