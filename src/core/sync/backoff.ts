/** Retry delays while the server cannot be reached: exponential backoff with full jitter. */
export const BACKOFF_BASE_MS = 500
export const BACKOFF_CAP_MS = 30_000

/**
 * The wait before retry number `attempt` (0 for the first retry): a uniformly random time in
 * [0, min(cap, base * 2^attempt)). Full jitter (AWS architecture blog, "Exponential Backoff And
 * Jitter") spreads the retries of many consoles coming back after an outage. `random` is in [0, 1).
 */
export function backoffDelay(attempt: number, random: () => number, base = BACKOFF_BASE_MS, cap = BACKOFF_CAP_MS): number {
  const ceiling = Math.min(cap, base * 2 ** Math.min(Math.max(0, attempt), 30))
  return Math.floor(random() * ceiling)
}
