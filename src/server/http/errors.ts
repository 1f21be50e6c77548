import type { SyncErrorCode } from '../../shared/sync/protocol'

/**
 * An error a route answers with its protocol status and `{ error: { code, message } }` (the app's
 * error handler sends it). Its own module so that route files, which the app imports, can throw
 * it without importing the app.
 */
export class HttpError extends Error {
  constructor(
    readonly code: SyncErrorCode,
    message: string,
    readonly expectedSeq?: number
  ) {
    super(message)
    this.name = 'HttpError'
  }
}

/** The HTTP status of each protocol error code (docs/sync-protocol.md). */
export const STATUS: Record<SyncErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  sequence_gap: 409,
  client_conflict: 409,
  gone: 410,
  too_large: 413,
  rate_limited: 429,
  internal: 500,
  unavailable: 503
}
