/**
 * npm run bench [-- --sizes 100000,1000000] [--no-browser] [--out FILE]
 *
 * Seeds workspaces of each size (with messages) and prints one JSON document: inbox page query
 * and full-text search p50/p95 through the core's door, mutations per second with their outbox
 * row against a raw insert of the same rows in the same run, and — through the harness in
 * Chromium at the smallest size — navigation-to-first-rows and keystroke-to-filtered-rows.
 * Targets (issue 2): page p95 < 5 ms at 1M; search p95 < 20 ms at 1M; >= 10,000 mutations/s;
 * first rows < 1 s; keystroke-to-rows p95 < 50 ms. This script reports; it asserts nothing.
 */
import { publish } from './output'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir, cpus } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { openDatabase } from '../src/core/infra/database'
import { seedWorkspace } from '../src/core/demo/seed'
import { createCore, type Core, type ImmediateOperationName } from '../src/core/core'
import { ACTIVE_STATUSES } from '../src/shared/domain/vocabulary'
import type { InboxSort, SavedViewFilter } from '../src/shared/domain/entities'
import { summarize, time } from './stats'
import { measureBrowser } from './browser'

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100000,1000000' },
    'no-browser': { type: 'boolean', default: false },
    out: { type: 'string' },
    keep: { type: 'boolean', default: false }
  }
})
const sizes = values.sizes.split(',').map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n > 0)
const log = (line: string) => process.stderr.write(`bench: ${line}\n`)

function call<T>(core: Core, name: ImmediateOperationName, args: unknown): T {
  const envelope = core.dispatch(name, args)
  if (!envelope.ok) throw new Error(`${name}: ${envelope.error.code}: ${envelope.error.message}`)
  return envelope.value as T
}

const active = [...ACTIVE_STATUSES]
const PAGE_CASES: { name: string; filter: SavedViewFilter; sort: InboxSort }[] = [
  { name: 'open work, newest first', filter: { statuses: active }, sort: { column: 'age', direction: 'desc' } },
  { name: 'open work, oldest first', filter: { statuses: active }, sort: { column: 'age', direction: 'asc' } },
  { name: 'tier 1 queue, oldest first', filter: { statuses: active, queues: ['tier1'] }, sort: { column: 'age', direction: 'asc' } },
  { name: 'frontline queue by SLA due', filter: { statuses: active, queues: ['service'] }, sort: { column: 'slaDue', direction: 'asc' } },
  { name: 'open chats by SLA due', filter: { statuses: active, channels: ['chat'] }, sort: { column: 'slaDue', direction: 'asc' } },
  { name: 'mine open by priority', filter: { statuses: active, assignee: { type: 'me' } }, sort: { column: 'priority', direction: 'desc' } },
  { name: 'unassigned support by customer', filter: { kinds: ['support'], assignee: { type: 'unassigned' } }, sort: { column: 'customer', direction: 'asc' } },
  { name: 'all items by subject', filter: {}, sort: { column: 'subject', direction: 'asc' } },
  { name: 'urgent email by status', filter: { priorities: ['urgent'], channels: ['email'] }, sort: { column: 'status', direction: 'asc' } }
]
const SEARCH_TERMS = ['refund', 'password', 'crash', 'invoice', 'deliv', 'checkout app', 'loyalty points', 'zzzz-no-such-word']

function benchSize(size: number) {
  const dir = mkdtempSync(join(tmpdir(), `handoff-bench-${size}-`))
  const file = join(dir, 'handoff.sqlite')
  log(`seeding ${size.toLocaleString()} items into ${file}`)
  const db = openDatabase(file)
  let lastReport = 0
  const [summary, seedMs] = time(() =>
    seedWorkspace(db, {
      items: size,
      onProgress: (done, total) => {
        if (done - lastReport >= total / 10) {
          lastReport = done
          log(`  ${Math.round((100 * done) / total)} %`)
        }
      }
    })
  )
  db.close()
  const core = createCore({ file })
  call(core, 'session.signIn', { agentId: summary.firstServiceAgentId })

  // Inbox page: each case at the top and a few pages down, 100 rows, through dispatch.
  const page: Record<string, ReturnType<typeof summarize>> = {}
  const allPage: number[] = []
  const count: Record<string, number> = {}
  for (const c of PAGE_CASES) {
    const samples: number[] = []
    for (let i = 0; i < 200; i++) {
      const offset = [0, 100, 200, 500, 1000][i % 5] as number
      samples.push(time(() => call(core, 'inbox.page', { filter: c.filter, sort: c.sort, offset, limit: 100 }))[1])
    }
    page[c.name] = summarize(samples.slice(20))
    allPage.push(...samples.slice(20))
    count[c.name] = Math.round(time(() => call(core, 'inbox.count', { filter: c.filter }))[1] * 1000) / 1000
  }

  // Full-text search over subjects, bodies and customer names: all items or open work, newest
  // or oldest first.
  const search: Record<string, ReturnType<typeof summarize>> = {}
  const allSearch: number[] = []
  for (const term of SEARCH_TERMS) {
    const samples: number[] = []
    for (let i = 0; i < 60; i++) {
      const filter: SavedViewFilter = i % 2 === 0 ? { search: term } : { search: term, statuses: active }
      const direction = i % 4 < 2 ? 'desc' : 'asc'
      samples.push(time(() => call(core, 'inbox.page', { filter, sort: { column: 'age', direction }, offset: 0, limit: 100 }))[1])
    }
    search[term] = summarize(samples.slice(6))
    allSearch.push(...samples.slice(6))
  }

  // Mutations with their outbox row, then a raw insert of the same message rows in the same run.
  const ids = (call<{ rows: { id: string }[] }>(core, 'inbox.page', { filter: { statuses: active }, sort: { column: 'age', direction: 'asc' }, offset: 0, limit: 500 })).rows.map((r) => r.id)
  const N = 20_000
  const t0 = performance.now()
  for (let i = 0; i < N; i++) {
    const itemId = ids[i % ids.length] as string
    call(core, i % 2 === 0 ? 'item.addNote' : 'item.reply', { itemId, body: `Benchmark message ${i}: checked the order and the courier's tracking.` })
  }
  const mutationMs = performance.now() - t0
  core.close()

  const raw = openDatabase(file)
  const rows = raw.prepare(`SELECT * FROM messages ORDER BY rowid DESC LIMIT ?`).all(N) as Record<string, unknown>[]
  raw.exec(`CREATE TABLE bench_raw_messages AS SELECT * FROM messages WHERE 0`)
  const cols = Object.keys(rows[0] ?? {})
  const insert = raw.prepare(`INSERT INTO bench_raw_messages (${cols.join(', ')}) VALUES (${cols.map((c) => '@' + c).join(', ')})`)
  const one = raw.transaction((row: Record<string, unknown>) => insert.run(row))
  const t1 = performance.now()
  for (const row of rows) one(row)
  const rawMs = performance.now() - t1
  raw.exec(`DROP TABLE bench_raw_messages`)
  raw.close()

  const pageAll = summarize(allPage)
  const searchAll = summarize(allSearch)
  const result = {
    items: size,
    seed: { ...summary, agents: summary.agents.length, seconds: Math.round(seedMs / 100) / 10, file_mb: Math.round(statSync(file).size / 1e6) },
    inbox_page_100_rows: { all: pageAll, by_case: page, target_p95_ms: 5 },
    inbox_count_ms: count,
    search_100_rows: { all: searchAll, by_term: search, target_p95_ms: 20 },
    mutations: {
      n: N,
      per_second: Math.round(N / (mutationMs / 1000)),
      raw_insert_same_rows_per_second: Math.round(rows.length / (rawMs / 1000)),
      ratio_to_raw: Math.round((rawMs / mutationMs) * 100) / 100,
      target_per_second: 10_000
    }
  }
  return { result, dir, file }
}

const report: Record<string, unknown> = { when: new Date().toISOString(), node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, sizes: [] as unknown[] }
const kept: { dir: string; file: string; size: number }[] = []
for (const size of sizes) {
  const { result, dir, file } = benchSize(size)
  ;(report.sizes as unknown[]).push(result)
  kept.push({ dir, file, size })
  log(JSON.stringify(result))
}
if (!values['no-browser'] && kept.length > 0) {
  const smallest = kept.reduce((a, b) => (a.size <= b.size ? a : b))
  log(`browser: harness over ${smallest.size.toLocaleString()} items`)
  report.browser = { items: smallest.size, ...(await measureBrowser(smallest.dir)) }
}
if (!values.keep) for (const k of kept) rmSync(k.dir, { recursive: true, force: true })

log(`written to ${publish(report, 'bench', report.when as string, values.out)}`)
