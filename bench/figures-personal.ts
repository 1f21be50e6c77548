/**
 * tsx bench/figures-personal.ts [--items 1000000] [--days 365] [--runs 30] [--data DIR] [--keep] [--out FILE]
 *
 * The personal figures panel (figures.personal) on a large local workspace: a seeded SQLite file
 * (the demo's generator: 7 agents, items spread over `days` days, each with its messages,
 * history and ratings), signed in as the first service agent. For today / 7 days / 30 days:
 *  - cold: the first computation of a range on an open database (nothing kept: the SQL selection
 *    of the agent's items through the v4 indexes, every fact derived), repeated on fresh state;
 *  - warm: the same range asked again with nothing changed;
 *  - after an action: the agent replies to one of their open items (not timed), then the range
 *    is asked again (the recompute the panel does after the agent's own action; target < 50 ms).
 * All through the core's door (dispatch), so argument validation is included; each with its wall
 * time and the process's CPU time (steadier on a shared machine). Prints JSON and
 * writes it to bench/results/. Asserts nothing. With --data DIR an existing DIR/handoff.sqlite is
 * reused (seeded there first when missing), which saves the seeding on a second run.
 */
import { publish } from './output'
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { createCore, type Core, type ImmediateOperationName } from '../src/core/core'
import { openDatabase } from '../src/core/infra/database'
import { candidateItems, createPersonalFigures, personalPeriods } from '../src/core/figures/personal'
import { seedWorkspace } from '../src/core/demo/seed'
import { META, setMeta } from '../src/core/infra/meta'
import type { InboxRow, PersonalFigures, PersonalPreset } from '../src/shared/contract'
import { summarize } from './stats'

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '1000000' },
    days: { type: 'string', default: '365' },
    runs: { type: 'string', default: '30' },
    data: { type: 'string' },
    keep: { type: 'boolean', default: false },
    out: { type: 'string' }
  }
})
const items = Number(values.items)
const days = Number(values.days)
const runs = Math.max(3, Number(values.runs))
const log = (line: string) => process.stderr.write(`bench:figures-personal: ${line}\n`)

/** Wall time and this process's CPU time of one call: on a shared machine the CPU time is the steadier of the two. */
const cpuSamples: Record<string, number[]> = {}
function time<T>(fn: () => T, cpuKey: string): [T, number] {
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  const value = fn()
  const wall = performance.now() - t0
  const c = process.cpuUsage(c0)
  ;(cpuSamples[cpuKey] ??= []).push((c.user + c.system) / 1000)
  return [value, wall]
}
const cpu = (key: string) => summarize(cpuSamples[key] ?? [])

function call<T>(core: Core, name: ImmediateOperationName, args: unknown): T {
  const envelope = core.dispatch(name, args)
  if (!envelope.ok) throw new Error(`${name}: ${envelope.error.code}: ${envelope.error.message}`)
  return envelope.value as T
}

const dir = values.data ?? mkdtempSync(join(tmpdir(), 'handoff-bench-personal-'))
mkdirSync(dir, { recursive: true })
const file = join(dir, 'handoff.sqlite')
let seed: Record<string, unknown> | null = null
if (!existsSync(file)) {
  log(`seeding ${items.toLocaleString()} items over ${days} days into ${file}`)
  const db = openDatabase(file)
  let last = 0
  const summary = seedWorkspace(db, {
    items,
    days,
    onProgress: (done, total) => {
      if (done - last >= total / 10) {
        last = done
        log(`  ${Math.round((100 * done) / total)} %`)
      }
    }
  })
  setMeta(db, META.signedInAgent, summary.firstServiceAgentId)
  db.close()
  seed = { ...summary, agents: summary.agents.length }
}

const core = createCore({ file })
const session = call<{ agent: { id: string; name: string } | null; workspace: { itemCount: number } }>(core, 'session.get', {})
let agentId = session.agent?.id ?? null
if (agentId === null) {
  const first = call<{ id: string; role: string }[]>(core, 'agents.list', {}).find((a) => a.role === 'service')
  if (!first) throw new Error('no service agent in the workspace')
  call(core, 'session.signIn', { agentId: first.id })
  agentId = first.id
}
log(`agent ${agentId}, ${session.workspace.itemCount.toLocaleString()} items`)

const RANGES: PersonalPreset[] = ['today', '7d', '30d']
const result: Record<string, unknown> = {}

// Cold: fresh state on a separate connection each time (what the first open of a range pays).
const coldDb = openDatabase(file)
for (const range of RANGES) {
  const { period, previous } = personalPeriods(range, new Date())
  const candidates = candidateItems(coldDb, agentId, previous.from, period.to).length
  const samples: number[] = []
  for (let i = 0; i < Math.min(5, runs); i++) {
    const service = createPersonalFigures(coldDb)
    samples.push(time(() => service.compute(agentId, range, new Date()), `${range}:cold`)[1])
  }
  result[range] = { candidate_items: candidates, cold: summarize(samples), cold_cpu: cpu(`${range}:cold`) }
}
coldDb.close()

// Warm and after an action, through the core's door.
const mine = call<{ rows: InboxRow[] }>(core, 'inbox.page', {
  filter: { statuses: ['new', 'open', 'pending'], assignee: { type: 'me' } },
  sort: { column: 'age', direction: 'desc' },
  offset: 0,
  limit: 200
}).rows
log(`${mine.length} open items of the agent to reply to`)
let next = 0
for (const range of RANGES) {
  call<PersonalFigures>(core, 'figures.personal', { range }) // build the window
  const warm: number[] = []
  for (let i = 0; i < runs; i++) warm.push(time(() => call<PersonalFigures>(core, 'figures.personal', { range }), `${range}:warm`)[1])
  const afterAction: number[] = []
  let last: PersonalFigures | null = null
  for (let i = 0; i < runs && mine.length > 0; i++) {
    const item = mine[next++ % mine.length] as InboxRow
    call(core, 'item.reply', { itemId: item.id, body: `Benchmark reply ${i}` })
    const [value, ms] = time(() => call<PersonalFigures>(core, 'figures.personal', { range }), `${range}:after`)
    afterAction.push(ms)
    last = value
  }
  Object.assign(result[range] as object, {
    warm: summarize(warm),
    warm_cpu: cpu(`${range}:warm`),
    after_action: { ...summarize(afterAction), target_ms: 50 },
    after_action_cpu: cpu(`${range}:after`),
    figures_sample: last ? { firstResponses: last.current.firstResponse.count, resolved: last.current.resolution.count, ratings: last.current.csat.of, backlog: last.current.backlog.count } : null
  })
  log(`${range}: ${JSON.stringify(result[range])}`)
}
core.close()

const report = {
  when: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  /** The 1-minute load average at the end: wall times on a shared machine are only as good as this is low. */
  load_average_1m: Math.round(loadavg()[0]! * 100) / 100,
  items: session.workspace.itemCount,
  days,
  file_mb: Math.round(statSync(file).size / 1e6),
  seed,
  agent: agentId,
  ranges: result
}
if (!values.keep && !values.data) rmSync(dir, { recursive: true, force: true })

log(`written to ${publish(report, 'figures-personal', report.when, values.out)}`)
