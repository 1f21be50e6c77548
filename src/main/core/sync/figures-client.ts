import type { z } from 'zod'
import {
  figuresItemsResponse,
  figuresReportResponse,
  type FiguresItemsRequest,
  type FiguresItemsResponse,
  type FiguresReportRequest,
  type FiguresReportResponse
} from '../../../shared/sync/figures-protocol'
import { syncErrorBody } from '../../../shared/sync/protocol'
import type { ServerAccess } from './controller'
import { SyncTransportError, normalizeServerUrl } from './transport'

/**
 * The console's client of the server's figures routes (docs/sync-protocol.md), outside the sync
 * loop: one request per call, with the stored credential, its answer validated with the shared
 * schemas. Failures are SyncTransportErrors, like the sync transport's (network / http / invalid).
 */
export interface FiguresClient {
  report(request: FiguresReportRequest): Promise<FiguresReportResponse>
  items(request: FiguresItemsRequest): Promise<FiguresItemsResponse>
}

/** A supervisor waits for figures, but not as long as a sync push may take. */
export const FIGURES_TIMEOUT_MS = 20_000

export function figuresClient(access: ServerAccess, timeoutMs = FIGURES_TIMEOUT_MS): FiguresClient {
  const base = normalizeServerUrl(access.serverUrl)

  async function post<S extends z.ZodType>(path: string, body: unknown, schema: S): Promise<z.output<S>> {
    let response: Response
    try {
      response = await access.fetch(`${base}${path}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${access.credential}`, Accept: 'application/json', 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs)
      })
    } catch (e) {
      throw new SyncTransportError('network', `Could not reach ${base}: ${describe(e)}`)
    }
    let json: unknown
    try {
      json = await response.json()
    } catch (e) {
      if (!response.ok) throw new SyncTransportError('http', `The server answered ${response.status}.`, { status: response.status })
      if (e instanceof SyntaxError) throw new SyncTransportError('invalid', `${base} did not answer like a Handoff server.`, { status: response.status })
      throw new SyncTransportError('network', `The connection to ${base} broke: ${describe(e)}`)
    }
    if (!response.ok) {
      const error = syncErrorBody.safeParse(json)
      if (!error.success) throw new SyncTransportError('http', `The server answered ${response.status}.`, { status: response.status })
      throw new SyncTransportError('http', error.data.error.message, { status: response.status, code: error.data.error.code })
    }
    const parsed = schema.safeParse(json)
    if (!parsed.success) throw new SyncTransportError('invalid', `${base} did not answer like a Handoff server (protocol mismatch at ${path}).`, { status: response.status })
    return parsed.data
  }

  return {
    report: (request) => post('/v1/figures/report', request, figuresReportResponse),
    items: (request) => post('/v1/figures/items', request, figuresItemsResponse)
  }
}

function describe(e: unknown): string {
  if (e instanceof Error) {
    if (e.name === 'TimeoutError') return 'no answer in time'
    const cause = (e as Error & { cause?: unknown }).cause
    if (cause instanceof Error && cause.message) return cause.message
    return e.message
  }
  return String(e)
}
