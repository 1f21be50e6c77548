import type { Database } from 'better-sqlite3'
import { HandoffError, type Handlers, type ParsedArgs, type TeamFigures, type TeamItems } from '../../shared/contract'
import type { Cut, FigureFilter } from '../../shared/domain/figures/types'
import { figuresReportResponse, type FiguresReportRequest, type FiguresReportResponse } from '../../shared/sync/figures-protocol'
import { agentById } from '../people/directory'
import { plucked, prepared } from '../infra/statements'
import type { ServerAccess, SyncController } from '../sync/controller'
import { FIGURES_TIMEOUT_MS, figuresClient } from '../sync/figures-client'
import { isSyncTransportError, type SyncTransportError } from '../sync/transport'

/**
 * The supervisor view's operations. The figures over every agent are the server's (it holds
 * everyone's work; this workspace may not): figures.team asks POST /v1/figures/report with the
 * stored credential and keeps each answer in team_figures_cache (schema-v5.ts), so that offline
 * the console still shows the last answer with the time the server computed it. figures.teamItems
 * (the drill-down) asks POST /v1/figures/items and is online only.
 *
 * Who may ask: a supervisor of a workspace bound to a server. A local workspace is told to
 * connect (not_signed_in); any other agent is refused (rejected / forbidden) before any request.
 */
export type TeamFigureHandlers = Pick<Handlers, 'figures.team' | 'figures.teamItems'>

/** Answers kept in the cache; older ones go. */
export const TEAM_FIGURES_CACHE_ROWS = 200

/** While the sync engine finds the server unreachable, a figures request waits this long before the cache answers. */
export const OFFLINE_TIMEOUT_MS = 4_000

const forbidden = (message = 'Team figures are for supervisors: you can see your own figures in your personal panel.') =>
  new HandoffError({ code: 'rejected', rejection: 'forbidden', message })

/** The server's request for the validated arguments: UTC times, the filter's keys in one order (so equal requests have one cache key). */
export function reportRequestOf(args: ParsedArgs<'figures.team'>): FiguresReportRequest & { filter: FigureFilter } {
  const f = args.filter
  const filter: FigureFilter = {
    ...(f.kind !== undefined ? { kind: f.kind } : {}),
    ...(f.channel !== undefined ? { channel: f.channel } : {}),
    ...(f.tier !== undefined ? { tier: f.tier } : {}),
    ...(f.team !== undefined ? { team: f.team } : {})
  }
  return { from: new Date(args.from).toISOString(), to: new Date(args.to).toISOString(), by: args.by, filter }
}

interface CacheRow {
  response: string
}

export function teamFigureHandlers(db: Database, clock: () => Date, sync: SyncController, cacheRows = TEAM_FIGURES_CACHE_ROWS): TeamFigureHandlers {
  const requireSupervisor = (): void => {
    const agentId = sync.boundAgentId()
    if (agentId === null) {
      throw new HandoffError({ code: 'not_signed_in', message: 'Team figures come from the server: connect this workspace to a server to see them.' })
    }
    if (agentById(db, agentId)?.role !== 'supervisor') throw forbidden()
  }

  // The server may be back before the engine's next retry, so it is asked anyway; but briefly.
  const client = (access: ServerAccess) => figuresClient(access, sync.engine()?.state === 'offline' ? OFFLINE_TIMEOUT_MS : FIGURES_TIMEOUT_MS)

  const remember = (request: FiguresReportRequest & { filter: FigureFilter }, answer: FiguresReportResponse): void => {
    db.transaction(() => {
      prepared(
        db,
        `INSERT INTO team_figures_cache (request_key, cut, filter, span_ms, as_of, fetched_at, response) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (request_key) DO UPDATE SET as_of = excluded.as_of, fetched_at = excluded.fetched_at, response = excluded.response`
      ).run(cacheKey(request), request.by, JSON.stringify(request.filter), spanOf(request), answer.asOf, clock().toISOString(), JSON.stringify(answer))
      prepared(
        db,
        `DELETE FROM team_figures_cache WHERE request_key IN (SELECT request_key FROM team_figures_cache ORDER BY fetched_at DESC, request_key LIMIT -1 OFFSET ?)`
      ).run(cacheRows)
    })()
  }

  /** The cached answer for this request, or else the newest for the same cut, filter and period length. */
  const cached = (request: FiguresReportRequest & { filter: FigureFilter }): FiguresReportResponse | null => {
    const exact = prepared<[string], CacheRow>(db, 'SELECT response FROM team_figures_cache WHERE request_key = ?').get(cacheKey(request))
    const candidates = [
      ...(exact ? [exact] : []),
      ...prepared<[Cut, string, number], CacheRow>(
        db,
        'SELECT response FROM team_figures_cache WHERE cut = ? AND filter = ? AND span_ms = ? ORDER BY fetched_at DESC LIMIT 5'
      ).all(request.by, JSON.stringify(request.filter), spanOf(request))
    ]
    for (const row of candidates) {
      // Written by this code from a validated answer; checked again, as anything read from disk.
      const parsed = figuresReportResponse.safeParse(safeJson(row.response))
      if (parsed.success) return parsed.data
    }
    return null
  }

  const fromCache = (request: FiguresReportRequest & { filter: FigureFilter }, reason: string): TeamFigures => {
    const answer = cached(request)
    if (!answer) {
      throw new HandoffError({ code: 'unreachable', message: `${reason} No team figures for this period have been saved on this computer yet.` })
    }
    return { from: answer.from, to: answer.to, by: answer.by, filter: request.filter, rows: answer.rows, asOf: answer.asOf, source: 'cache', offlineReason: reason }
  }

  return {
    'figures.team': async (args) => {
      requireSupervisor()
      const request = reportRequestOf(args)
      const access = await sync.serverAccess()
      if (!access) return fromCache(request, 'You are signed out of the server: sign in again to refresh the figures.')
      let answer: FiguresReportResponse
      try {
        answer = await client(access).report(request)
      } catch (e) {
        if (!isSyncTransportError(e)) throw e
        refuseOnAnswer(e)
        return fromCache(request, e.kind === 'network' ? 'The server cannot be reached.' : `The server could not give the figures (${e.message}).`)
      }
      remember(request, answer)
      return { from: answer.from, to: answer.to, by: answer.by, filter: request.filter, rows: answer.rows, asOf: answer.asOf, source: 'server', offlineReason: null }
    },
    'figures.teamItems': async (args) => {
      requireSupervisor()
      const request = reportRequestOf(args)
      const access = await sync.serverAccess()
      if (!access) throw new HandoffError({ code: 'unreachable', message: 'The items behind a figure come from the server: sign in again to see them.' })
      let answer
      try {
        answer = await client(access).items({ ...request, key: args.key, figure: args.figure })
      } catch (e) {
        if (!isSyncTransportError(e)) throw e
        refuseOnAnswer(e)
        throw new HandoffError({ code: 'unreachable', message: `The items behind a figure come from the server, which could not answer: ${e.message}` })
      }
      const ids = answer.items.map((i) => i.id)
      const here = new Set(
        ids.length === 0 ? [] : plucked<[string], string>(db, 'SELECT id FROM items WHERE id IN (SELECT value FROM json_each(?))').all(JSON.stringify(ids))
      )
      const result: TeamItems = { total: answer.total, items: answer.items.map((i) => ({ ...i, local: here.has(i.id) })) }
      return result
    }
  }
}

/** Answers that are the server's verdict on the request, not a failure to reach it: no cache for them. */
function refuseOnAnswer(e: SyncTransportError): void {
  if (e.unauthorized) throw new HandoffError({ code: 'unauthorized', message: 'The server no longer accepts your credential. Sign in again.' })
  if (e.kind !== 'http') return
  if (e.status === 403 || e.code === 'forbidden') throw forbidden(e.message)
  if (e.status === 400 || e.code === 'bad_request') throw new HandoffError({ code: 'invalid_argument', message: e.message })
}

const cacheKey = (r: FiguresReportRequest & { filter: FigureFilter }): string => JSON.stringify([r.from, r.to, r.by, r.filter])
const spanOf = (r: FiguresReportRequest): number => Date.parse(r.to) - Date.parse(r.from)

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return null
  }
}
