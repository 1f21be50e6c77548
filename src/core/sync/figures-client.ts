import {
  figuresItemsResponse,
  figuresReportResponse,
  type FiguresItemsRequest,
  type FiguresItemsResponse,
  type FiguresReportRequest,
  type FiguresReportResponse
} from '../../shared/sync/figures-protocol'
import type { ServerAccess } from './controller'
import { normalizeServerUrl, requestJson, type ServerEndpoint } from './transport'

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
  const endpoint: ServerEndpoint = { base: normalizeServerUrl(access.serverUrl), credential: access.credential, fetchImpl: access.fetch, timeoutMs }
  return {
    report: (request) => requestJson(endpoint, 'POST', '/v1/figures/report', request, figuresReportResponse),
    items: (request) => requestJson(endpoint, 'POST', '/v1/figures/items', request, figuresItemsResponse)
  }
}
