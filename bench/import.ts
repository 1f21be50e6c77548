/**
 * npm run bench:import [-- --rows 100000] [--only postgres|pglite] [--shapes item,message] [--out FILE]
 *
 * Generates a helpdesk export of N rows (item per row: tickets with quoted line breaks, every
 * status, CSAT; message per row: threads of four messages linked by reply ids) in a temporary
 * folder, imports it with the import's own code (importFile: read, check, write in one
 * transaction) into a fresh embedded store (PGlite on disk) and a fresh database of a throwaway,
 * durable PostgreSQL cluster, and prints JSON {rows, items, seconds, rowsPerSecond} per store and
 * shape; also written to bench/results/. The target: 100,000 rows in under 30 s on each store.
 */
import { publish } from './output'
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { once } from 'node:events'
import { parseArgs } from 'node:util'
import { importFile, parseMapping, type ImportMapping } from '../src/server/import'
import { openStore } from '../src/server/store'
import { startPostgres, type PostgresCluster } from '../test/support/postgres'

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '100000' }, only: { type: 'string' }, shapes: { type: 'string', default: 'item,message' }, out: { type: 'string' } }
})
const ROWS = Number(values.rows)
if (!Number.isInteger(ROWS) || ROWS < 1) throw new Error('--rows is a positive whole number')
if (values.only !== undefined && values.only !== 'postgres' && values.only !== 'pglite') throw new Error('--only is postgres or pglite')
const BACKENDS = (['pglite', 'postgres'] as const).filter((b) => values.only === undefined || values.only === b)
const SHAPES = values.shapes.split(',').map((s) => s.trim())
for (const s of SHAPES) if (s !== 'item' && s !== 'message') throw new Error('--shapes lists item and/or message')

const log = (line: string) => process.stderr.write(`bench:import: ${line}\n`)
const dir = mkdtempSync(join(tmpdir(), 'handoff-bench-import-'))
const cleanups: (() => void | Promise<void>)[] = [() => rmSync(dir, { recursive: true, force: true })]

const TYPES = ['Technical issue', 'Billing inquiry', 'Refund request', 'Product inquiry']
const CHANNELS = ['Email', 'Phone', 'Social media', 'Chat']
const STATUSES = ['Open', 'Pending', 'Closed']
const PRIORITIES = ['Low', 'Medium', 'High', 'Critical']
const pad = (n: number) => String(n).padStart(2, '0')
const stamp = (ms: number) => {
  const d = new Date(ms)
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
}
const BASE = Date.UTC(2025, 0, 1)

async function writeLines(path: string, header: string, row: (i: number) => string): Promise<void> {
  const out = createWriteStream(path)
  out.write(header)
  for (let i = 0; i < ROWS; i++) {
    if (!out.write(row(i))) await once(out, 'drain')
  }
  out.end()
  await once(out, 'finish')
}

async function itemFile(): Promise<{ path: string; mapping: ImportMapping }> {
  const path = join(dir, 'tickets.csv')
  await writeLines(path, 'Ticket ID,Customer Name,Customer Email,Type,Channel,Status,Priority,Created,First Response,Resolved,CSAT,Subject,Description\n', (i) => {
    const created = BASE + i * 37_000
    const status = STATUSES[i % 3]!
    const answered = status === 'Open' && i % 2 === 0 ? '' : stamp(created + 600_000 + (i % 50) * 60_000)
    const resolved = status === 'Closed' ? stamp(created + 7_200_000 + (i % 90) * 60_000) : ''
    const csat = status === 'Closed' && i % 4 !== 0 ? `${1 + (i % 5)}.0` : ''
    return `${i + 1},Customer ${i % 20_000},c${i % 20_000}@example.com,${TYPES[i % 4]},${CHANNELS[(i >> 2) % 4]},${status},${PRIORITIES[(i >> 1) % 4]},${stamp(created)},${answered},${resolved},${csat},Subject ${i},"Hello, this is ticket ${i}.\nIt has a second line, and ""quotes""."\n`
  })
  const mapping = parseMapping(
    JSON.stringify({
      source: 'bench-tickets',
      shape: 'item-per-row',
      dates: { format: 'yyyy-MM-dd HH:mm:ss', timeZone: 'UTC' },
      fields: {
        externalId: 'Ticket ID',
        customerName: 'Customer Name',
        customerEmail: 'Customer Email',
        subject: 'Subject',
        body: 'Description',
        kind: { column: 'Type', values: { 'Technical issue': 'support' }, default: 'service' },
        category: { column: 'Type', values: { 'Technical issue': 'troubleshooting', 'Billing inquiry': 'billing', 'Refund request': 'return' }, default: 'general' },
        channel: { column: 'Channel', values: { Email: 'email', Phone: 'phone', 'Social media': 'social', Chat: 'chat' } },
        status: { column: 'Status', values: { Open: 'open', Pending: 'pending', Closed: 'closed' } },
        priority: { column: 'Priority', values: { Low: 'low', Medium: 'normal', High: 'high', Critical: 'urgent' } },
        createdAt: 'Created',
        firstResponseAt: 'First Response',
        resolvedAt: 'Resolved',
        csat: 'CSAT'
      }
    })
  )
  return { path, mapping }
}

async function messageFile(): Promise<{ path: string; mapping: ImportMapping }> {
  const path = join(dir, 'messages.csv')
  // Threads of four: customer, agent, customer, agent; each replying to the one before.
  await writeLines(path, 'tweet_id,author_id,inbound,created_at,text,in_response_to_tweet_id\n', (i) => {
    const pos = i % 4
    const thread = Math.floor(i / 4)
    const inbound = pos % 2 === 0
    const at = new Date(BASE + thread * 41_000 + pos * 180_000).toISOString()
    return `${i + 1}.0,${inbound ? `cust${thread % 30_000}` : 'BrandSupport'},${inbound ? 'True' : 'False'},${at},"${inbound ? `@BrandSupport my order ${thread} is late` : `@cust${thread % 30_000} sorry, we are on it`}",${pos === 0 ? '' : `${i}.0`}\n`
  })
  const mapping = parseMapping(
    JSON.stringify({
      source: 'bench-messages',
      shape: 'message-per-row',
      dates: { format: 'ISO' },
      fields: { kind: { value: 'service' }, category: { value: 'order' }, channel: { value: 'social' }, subject: { column: 'text', truncate: 80 } },
      thread: {
        id: 'tweet_id',
        parent: 'in_response_to_tweet_id',
        inbound: { column: 'inbound', customer: ['True'], agent: ['False'] },
        author: 'author_id',
        text: 'text',
        createdAt: 'created_at'
      }
    })
  )
  return { path, mapping }
}

let cluster: PostgresCluster | null = null
async function freshStore(backend: 'postgres' | 'pglite', name: string) {
  if (backend === 'postgres') {
    if (!cluster) {
      log('starting a durable PostgreSQL cluster')
      const c = await startPostgres({ durable: true })
      cluster = c
      cleanups.push(() => c.stop())
    }
    return openStore({ databaseUrl: await cluster.createDatabase(`bench_import_${name}_${Date.now()}`) })
  }
  return openStore({ dataDir: join(mkdtempSync(join(dir, `pglite-${name}-`)), 'pgdata') })
}

const report: Record<string, unknown> = {
  when: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  cpu: cpus()[0]?.model,
  memory_gb: Math.round(totalmem() / 1e9),
  rows: ROWS,
  measured: 'importFile(): read and check the whole CSV, build the rows, write them in one transaction (store already open and migrated)',
  postgres: 'throwaway cluster, durable (fsync, synchronous_commit and full_page_writes on)',
  pglite: 'embedded, on disk in a temporary folder',
  note_load:
    'load_average_1m is sampled after each run: above the cpus, other processes shared the machine and the seconds are long by that much; cpuSeconds (this process: all of the work on PGlite, the client side on PostgreSQL) does not depend on the load',
  results: [] as unknown[]
}
let failed = false
try {
  const files: { shape: string; path: string; mapping: ImportMapping }[] = []
  for (const shape of SHAPES) {
    log(`generating ${ROWS} rows (${shape} per row)`)
    files.push({ shape, ...(shape === 'item' ? await itemFile() : await messageFile()) })
  }
  for (const backend of BACKENDS) {
    for (const f of files) {
      const store = await freshStore(backend, f.shape)
      try {
        // The generated tickets have CSAT answers and no agent: an agent records them.
        await store.addAgent({ id: 'importer', name: 'Importer', email: 'importer@example.com', role: 'supervisor', tiers: [], admin: true })
        log(`${backend}: importing ${f.shape} per row`)
        const t0 = performance.now()
        const c0 = process.cpuUsage()
        const s = await importFile(store, f.path, f.mapping, { recordedBy: 'importer' })
        const seconds = (performance.now() - t0) / 1000
        const cpu = process.cpuUsage(c0)
        const t1 = performance.now()
        const again = await importFile(store, f.path, f.mapping, { recordedBy: 'importer' })
        const reimportSeconds = (performance.now() - t1) / 1000
        if (s.skipped.rows !== 0 || again.items.new !== 0) throw new Error(`unexpected: ${s.skipped.rows} skipped, ${again.items.new} new on re-import`)
        const result = {
          store: backend,
          shape: `${f.shape}-per-row`,
          rows: s.rows,
          items: s.items.new,
          messages: s.messages.new,
          seconds: Math.round(seconds * 100) / 100,
          rowsPerSecond: Math.round(s.rows / seconds),
          // This process's CPU time (PGlite runs in it; a PostgreSQL server's work is not counted).
          cpuSeconds: Math.round((cpu.user + cpu.system) / 10_000) / 100,
          reimportSeconds: Math.round(reimportSeconds * 100) / 100,
          load_average_1m: Math.round(loadavg()[0]! * 100) / 100
        }
        ;(report.results as unknown[]).push(result)
        log(JSON.stringify(result))
      } finally {
        await store.close()
      }
    }
  }
} catch (e) {
  failed = true
  report.error = (e as Error).stack ?? String(e)
  log(`failed: ${(e as Error).stack ?? String(e)}`)
} finally {
  for (const c of cleanups.reverse()) await c()
}

log(`written to ${publish(report, 'import', report.when as string, values.out)}`)
process.exit(failed ? 1 : 0)
