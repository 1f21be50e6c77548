/**
 * When a delivery that failed for a temporary reason is tried again: exponential backoff with
 * jitter, and a cap on the attempts after which it is failed for good. Pure: the random source is
 * passed in, so the numbers can be checked.
 *
 * The delay after attempt n (1-based) is base * 2^(n-1), at most maxDelay, of which a random half
 * is taken off ("equal jitter"): never sooner than half the step, so a busy relay gets its pause,
 * and many replies that failed together do not all come back at the same instant.
 */
export interface BackoffPolicy {
  /** The step after the first attempt. */
  baseMs: number
  /** No wait is longer than this. */
  maxDelayMs: number
  /** Attempts in all; a temporary failure of the last one fails the delivery for good. */
  maxAttempts: number
}

/**
 * The defaults: 30 s, 1 min, 2 min, … up to 1 h between attempts, 10 attempts, so a relay that
 * stays away gets 2.3 to 3 hours (with the jitter) before the reply is failed for good (the agent may then Retry).
 */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 30_000, maxDelayMs: 3_600_000, maxAttempts: 10 }

export type RetryDecision = { retry: true; delayMs: number } | { retry: false }

/** After `attempts` attempts (the last one failed temporarily): when to try again, or give up. */
export function nextRetry(attempts: number, policy: BackoffPolicy, random: () => number = Math.random): RetryDecision {
  if (!Number.isInteger(attempts) || attempts < 1) throw new RangeError(`attempts must be a positive integer (got ${attempts})`)
  if (attempts >= policy.maxAttempts) return { retry: false }
  // 2^(n-1) grows past any cap quickly; the exponent is bounded so the number stays finite.
  const step = Math.min(policy.maxDelayMs, policy.baseMs * 2 ** Math.min(attempts - 1, 40))
  const r = Math.min(Math.max(random(), 0), 1)
  return { retry: true, delayMs: Math.round(step / 2 + (r * step) / 2) }
}
