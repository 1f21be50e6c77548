import { CREDENTIAL_PATTERN } from '../../shared/sync/protocol'

/**
 * The credential of an `Authorization: Bearer hf1.…` header, or null when there is none or it is
 * malformed. The scheme is case-insensitive (RFC 9110 §11.1): `bearer` and `BEARER` are accepted.
 */
export function bearerCredential(header: string | undefined): string | null {
  if (typeof header !== 'string') return null
  const match = /^Bearer +([^\s]+)$/i.exec(header.trim())
  const credential = match?.[1]
  return credential && CREDENTIAL_PATTERN.test(credential) ? credential : null
}

export interface AttemptLimits {
  /** Credential checks that may fail per client address within a window. */
  perAddress: number
  /** Credential checks that may fail per agent id within a window (guesses spread over many addresses). */
  perAgent: number
  /** The window, in ms. */
  windowMs: number
}

export const DEFAULT_ATTEMPT_LIMITS: AttemptLimits = { perAddress: 20, perAgent: 10, windowMs: 60_000 }

interface Window {
  startedAt: number
  /** Checks begun in the window that have not succeeded (failed, or still running). */
  count: number
}

/**
 * Rate limit of failed credential checks, per client address and per agent id, in memory.
 * A small limiter of our own rather than @fastify/rate-limit: that plugin counts every request by
 * one key, where this must count only checks that cost a scrypt and fail, by two keys (the
 * address, and the agent id inside the credential), and forgive a check that succeeds.
 *
 * A check is counted when it begins, not when it fails: a hundred parallel guesses would all be
 * running their scrypt before the first failure is known. A success gives its count back.
 *
 * Per process: with several server processes an attacker gets the limit once per process, which
 * still bounds the work each process does. Fixed windows: a limited key is free again when its
 * window ends.
 */
export class AttemptLimiter {
  private readonly byAddress = new Map<string, Window>()
  private readonly byAgent = new Map<string, Window>()

  constructor(
    private readonly limits: AttemptLimits = DEFAULT_ATTEMPT_LIMITS,
    private readonly now: () => number = Date.now
  ) {}

  /**
   * Begins a check: null when it may run (and it is counted), else the seconds until it may
   * (nothing is counted).
   */
  begin(address: string, agentId: string): { retryAfterSeconds: number } | null {
    const now = this.now()
    const a = this.current(this.byAddress, address, now)
    const g = this.current(this.byAgent, agentId, now)
    const waits: number[] = []
    if (a.count >= this.limits.perAddress) waits.push(a.startedAt + this.limits.windowMs - now)
    if (g.count >= this.limits.perAgent) waits.push(g.startedAt + this.limits.windowMs - now)
    if (waits.length > 0) return { retryAfterSeconds: Math.max(1, Math.ceil(Math.max(...waits) / 1000)) }
    a.count++
    g.count++
    return null
  }

  /** The check begun for these keys succeeded: it does not count against them. */
  succeeded(address: string, agentId: string): void {
    for (const [map, key] of [
      [this.byAddress, address],
      [this.byAgent, agentId]
    ] as const) {
      const w = map.get(key)
      if (w && w.count > 0) w.count--
    }
  }

  private current(map: Map<string, Window>, key: string, now: number): Window {
    let w = map.get(key)
    if (!w || now - w.startedAt >= this.limits.windowMs) {
      if (!w && map.size >= 100_000) this.prune(map, now) // bounded memory under a spray of addresses
      w = { startedAt: now, count: 0 }
      map.set(key, w)
    }
    return w
  }

  private prune(map: Map<string, Window>, now: number): void {
    for (const [key, w] of map) if (now - w.startedAt >= this.limits.windowMs || w.count === 0) map.delete(key)
    // Still full of live windows: forget the oldest half rather than grow without bound.
    if (map.size >= 100_000) [...map.keys()].slice(0, map.size / 2).forEach((k) => map.delete(k))
  }
}
