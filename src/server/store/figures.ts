/**
 * The server's figures, authoritative: the report behind POST /v1/figures/report, the supervisor
 * view and `cli report` (one function, so they cannot disagree), and the drill-down behind
 * POST /v1/figures/items. Every number comes from the shared formulas
 * (src/shared/domain/figures: computeFigures / figureItems) over the cached item facts
 * (figures-facts.ts), brought up to date first.
 */
import { NO_AGENT_KEY, NO_TEAM_KEY, computeFigures, figureItems } from '../../shared/domain/figures'
import type { Cut, FigureOptions, FigureRow } from '../../shared/domain/figures/types'
import { CHANNEL_LABEL, KIND_LABEL, type Channel, type ItemKind } from '../../shared/domain/vocabulary'
import { MAX_DRILL_ITEMS, type FiguresItemsRequest, type FiguresItemsResponse, type FiguresReportRequest, type FiguresReportResponse } from '../../shared/sync/figures-protocol'
import { refreshFacts, relevantFacts } from './figures-facts'
import { settingsFromValue } from './rows'
import type { SqlClient } from './sql'

export interface FiguresContext {
  /** "Now" for the backlog's ages (default: the clock). */
  now?: number
  /** Only this agent's row (an agent who is not a supervisor asking about themself). */
  onlyAgent?: string
  /**
   * Whether this process keeps every item's decoded facts in memory for later reports (default:
   * yes, as a server does; its first report reads them all). A one-off report (cli report) passes
   * false and reads only its period's rows.
   */
  hold?: boolean
  /** Filled with where the time went, in ms (the bench reads it). */
  timings?: { refreshMs?: number; readMs?: number; computeMs?: number; refreshed?: number; facts?: number }
}

interface Basis {
  options: FigureOptions
  names: Map<string, string>
}

/** Settings (SLA policy, optional business-hours schedule), teams and names, and fresh facts. */
async function prepare(sql: SqlClient, req: FiguresReportRequest, now: number, ctx: FiguresContext) {
  const timings = ctx.timings
  const { rows } = await sql.query<{ value: unknown }>('SELECT value FROM settings WHERE id = 1')
  const settings = settingsFromValue(rows[0]?.value ?? null)
  const schedule = settings.businessSchedule
  let t = performance.now()
  const refreshed = await refreshFacts(sql, settings.sla)
  if (timings) Object.assign(timings, { refreshMs: performance.now() - t, refreshed: refreshed.refreshed })
  const agents = await sql.query<{ id: string; name: string; team: string | null }>('SELECT id, name, team FROM agents')
  const teams = new Map<string, string>()
  const names = new Map<string, string>()
  for (const a of agents.rows) {
    names.set(a.id, a.name)
    if (a.team) teams.set(a.id, a.team)
  }
  const period = { from: Date.parse(req.from), to: Date.parse(req.to) }
  const options: FigureOptions = { period, by: req.by, teams, now, schedule, ...(req.filter ? { filter: req.filter } : {}) }
  // A superset of the relevant items (SQL on each item's time span, and open items): extra items are harmless.
  t = performance.now()
  const facts = await relevantFacts(sql, period, ctx.hold === undefined ? {} : { hold: ctx.hold })
  if (timings) Object.assign(timings, { readMs: performance.now() - t, facts: facts.length })
  return { basis: { options, names } satisfies Basis, facts }
}

const TIER_LABEL: Record<string, string> = { tier1: 'Tier 1', tier2: 'Tier 2', tier3: 'Tier 3', none: 'No tier' }

/** The display name of a group: the agent's name, the team, "Support", "Chat", "Tier 2", ... */
export function labelOf(by: Cut, key: string | null, names: ReadonlyMap<string, string>): string {
  switch (by) {
    case 'agent':
      return key === null || key === NO_AGENT_KEY ? 'No agent' : (names.get(key) ?? key)
    case 'team':
      return key === null || key === NO_TEAM_KEY ? 'No team' : key
    case 'kind':
      return key === null ? 'No kind' : (KIND_LABEL[key as ItemKind] ?? key)
    case 'channel':
      return key === null ? 'No channel' : (CHANNEL_LABEL[key as Channel] ?? key)
    case 'tier':
      return key === null ? 'No tier' : (TIER_LABEL[key] ?? key)
  }
}

const iso = (ms: number) => new Date(ms).toISOString()

/** The report: one row per group, every figure, over the server's store. */
export async function figuresReport(sql: SqlClient, req: FiguresReportRequest, ctx: FiguresContext = {}): Promise<FiguresReportResponse> {
  const now = ctx.now ?? Date.now()
  const { basis, facts } = await prepare(sql, req, now, ctx)
  const t = performance.now()
  let rows: FigureRow[] = computeFigures(facts, basis.options)
  if (ctx.timings) ctx.timings.computeMs = performance.now() - t
  if (ctx.onlyAgent !== undefined) rows = rows.filter((r) => r.key === ctx.onlyAgent)
  const labelled = rows.map((r) => ({ key: r.key, label: labelOf(req.by, r.key, basis.names), figures: r.figures }))
  labelled.sort((a, b) => (a.key === null ? 1 : 0) - (b.key === null ? 1 : 0) || a.label.localeCompare(b.label) || (a.key ?? '').localeCompare(b.key ?? ''))
  return { asOf: iso(now), from: iso(basis.options.period.from), to: iso(basis.options.period.to), by: req.by, rows: labelled }
}

interface DrillRow {
  id: string
  subject: string
  kind: FiguresItemsResponse['items'][number]['kind']
  channel: FiguresItemsResponse['items'][number]['channel']
  status: FiguresItemsResponse['items'][number]['status']
  priority: FiguresItemsResponse['items'][number]['priority']
  created_at: string
}

/** The items behind one number of the report (newest first, at most MAX_DRILL_ITEMS) and how many there are. */
export async function figuresDrill(sql: SqlClient, req: FiguresItemsRequest, ctx: FiguresContext = {}): Promise<FiguresItemsResponse> {
  const now = ctx.now ?? Date.now()
  const { basis, facts } = await prepare(sql, req, now, ctx)
  const ids = [...new Set(figureItems(facts, basis.options, req.key, req.figure))]
  if (ids.length === 0) return { total: 0, items: [] }
  const { rows } = await sql.query<DrillRow>(
    `SELECT id, subject, kind, channel, status, priority, created_at FROM items WHERE id = ANY($1::text[]) ORDER BY created_at DESC, id DESC LIMIT ${MAX_DRILL_ITEMS}`,
    [ids]
  )
  return {
    total: ids.length,
    items: rows.map((r) => ({ id: r.id, subject: r.subject, kind: r.kind, channel: r.channel, status: r.status, priority: r.priority, createdAt: iso(Date.parse(r.created_at)) }))
  }
}
