import { EventSource } from 'eventsource'
import type { z } from 'zod'
import {
  meResponse,
  pullResponse,
  pushResponse,
  syncErrorBody,
  type MeResponse,
  type PullRequest,
  type PullResponse,
  type PushRequest,
  type PushResponse,
  type SyncErrorCode
} from '../../shared/sync/protocol'

/**
 * How the engine talks to a sync server (docs/sync-protocol.md; shapes in shared/sync/protocol.ts).
 * httpTransport is the real one; tests give the engine an in-memory one.
 */
export interface SyncTransport {
  me(): Promise<MeResponse>
  push(request: PushRequest): Promise<PushResponse>
  pull(request: PullRequest): Promise<PullResponse>
  /**
   * Listens for the server's nudges (`event: changed`); `onConnected` each time the stream
   * (re)connects, when changes may have been missed. Returns the function that stops listening.
   */
  subscribe(onNudge: () => void, onConnected: () => void): () => void
}

/**
 * Why a request failed:
 * - network: no answer (refused, DNS, timeout, connection cut)
 * - http: the server answered with an error status; `code` (and `expectedSeq` for
 *   sequence_gap) from its error body when it sent one
 * - invalid: an answer that is not the protocol (not a Handoff server, or another version)
 */
export class SyncTransportError extends Error {
  readonly kind: 'network' | 'http' | 'invalid'
  readonly status: number | null
  readonly code: SyncErrorCode | null
  readonly expectedSeq: number | null
  constructor(kind: SyncTransportError['kind'], message: string, detail: { status?: number; code?: SyncErrorCode; expectedSeq?: number } = {}) {
    super(message)
    this.name = 'SyncTransportError'
    this.kind = kind
    this.status = detail.status ?? null
    this.code = detail.code ?? null
    this.expectedSeq = detail.expectedSeq ?? null
  }
  /** The server refused the credential. */
  get unauthorized(): boolean {
    return this.kind === 'http' && (this.status === 401 || this.code === 'unauthorized')
  }
}

export const isSyncTransportError = (e: unknown): e is SyncTransportError => e instanceof SyncTransportError

/** The longest a request may take before it counts as a network failure. */
const REQUEST_TIMEOUT_MS = 60_000

/** `serverUrl` without trailing slashes, so paths join cleanly. */
export const normalizeServerUrl = (url: string): string => url.trim().replace(/\/+$/, '')

/** Where and how a request goes: the server's base URL (normalized), its credential, the fetch. */
export interface ServerEndpoint {
  base: string
  credential: string
  fetchImpl: typeof fetch
  timeoutMs?: number
}

/**
 * One JSON request to the server, its answer validated with `schema`. Every failure is a
 * SyncTransportError: 'network' (unreachable, timed out, cut mid-body), 'http' (an error status,
 * with the server's code and message when it sent them) or 'invalid' (not a Handoff server's
 * answer). Used by the sync transport and by the figures client.
 */
export async function requestJson<S extends z.ZodType>(endpoint: ServerEndpoint, method: 'GET' | 'POST', path: string, body: unknown, schema: S): Promise<z.output<S>> {
  const { base } = endpoint
  let response: Response
  try {
    response = await endpoint.fetchImpl(`${base}${path}`, {
      method,
      headers: { Authorization: `Bearer ${endpoint.credential}`, Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(endpoint.timeoutMs ?? REQUEST_TIMEOUT_MS)
    })
  } catch (e) {
    throw new SyncTransportError('network', `Could not reach ${base}: ${describeNetworkError(e)}`)
  }
  let json: unknown
  try {
    json = await response.json()
  } catch (e) {
    if (!response.ok) throw new SyncTransportError('http', `The server answered ${response.status}.`, { status: response.status })
    // A connection cut mid-body is a network failure; a body that is not JSON is not our server.
    if (e instanceof SyntaxError) throw new SyncTransportError('invalid', `${base} did not answer like a Handoff server.`, { status: response.status })
    throw new SyncTransportError('network', `The connection to ${base} broke: ${describeNetworkError(e)}`)
  }
  if (!response.ok) {
    const error = syncErrorBody.safeParse(json)
    if (!error.success) throw new SyncTransportError('http', `The server answered ${response.status}.`, { status: response.status })
    const { code, message, expectedSeq } = error.data.error
    throw new SyncTransportError('http', message, { status: response.status, code, ...(expectedSeq === undefined ? {} : { expectedSeq }) })
  }
  const parsed = schema.safeParse(json)
  if (!parsed.success) throw new SyncTransportError('invalid', `${base} did not answer like a Handoff server (protocol mismatch at ${path}).`, { status: response.status })
  return parsed.data
}

export function httpTransport(baseUrl: string, credential: string, fetchImpl: typeof fetch = fetch): SyncTransport {
  const base = normalizeServerUrl(baseUrl)
  const authorization = `Bearer ${credential}`
  const endpoint: ServerEndpoint = { base, credential, fetchImpl }
  const request = <S extends z.ZodType>(method: 'GET' | 'POST', path: string, body: unknown, schema: S) => requestJson(endpoint, method, path, body, schema)

  return {
    me: () => request('GET', '/v1/me', undefined, meResponse),
    push: (body) => request('POST', '/v1/push', body, pushResponse),
    pull: (body) => request('POST', '/v1/pull', body, pullResponse),
    subscribe(onNudge, onConnected) {
      const source = new EventSource(`${base}/v1/events`, {
        fetch: (input, init) => fetchImpl(input, { ...init, headers: { ...init.headers, Authorization: authorization } })
      })
      source.addEventListener('changed', () => onNudge())
      source.addEventListener('open', () => onConnected())
      // Errors: EventSource reconnects by itself (with the server's retry delay); the engine's
      // own pulls and backoff carry the state, so nothing to do here.
      return () => source.close()
    }
  }
}

function describeNetworkError(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e as Error & { cause?: unknown }).cause
    if (e.name === 'TimeoutError') return 'no answer in time'
    if (cause instanceof Error && cause.message) return cause.message
    return e.message
  }
  return String(e)
}
