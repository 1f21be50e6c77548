/**
 * A fetch that misbehaves like a bad network, reproducibly (seeded): it drops requests before
 * they leave, loses responses after the server has acted on them, sends requests twice (the copy
 * arriving later, so requests are also reordered), delays them, and fails everything while the
 * client is "offline". The event stream (GET /v1/events) is only cut by offline periods.
 */
export interface Faults {
  dropRequest: number
  dropResponse: number
  duplicate: number
  /** Probability of a delay, and its maximum (ms). */
  delay: number
  maxDelayMs: number
}

export const NO_FAULTS: Faults = { dropRequest: 0, dropResponse: 0, duplicate: 0, delay: 0, maxDelayMs: 0 }

export interface FaultyFetch {
  fetch: typeof fetch
  faults: Faults
  offline: boolean
  /** Counts of what happened, for the test's report. */
  stats: { calls: number; droppedRequests: number; droppedResponses: number; duplicates: number; delayed: number; offlineFailures: number }
  /** Resolves when every background duplicate has been answered. */
  settle(): Promise<void>
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export function faultyFetch(random: () => number, faults: Faults = NO_FAULTS, realFetch: typeof fetch = fetch): FaultyFetch {
  const background = new Set<Promise<unknown>>()
  const state: FaultyFetch = {
    faults,
    offline: false,
    stats: { calls: 0, droppedRequests: 0, droppedResponses: 0, duplicates: 0, delayed: 0, offlineFailures: 0 },
    async settle() {
      while (background.size > 0) await Promise.allSettled([...background])
    },
    fetch: async (input, init) => {
      state.stats.calls++
      const url = String(input instanceof Request ? input.url : input)
      const stream = url.endsWith('/v1/events')
      if (state.offline) {
        state.stats.offlineFailures++
        throw new TypeError('fetch failed (offline)')
      }
      if (stream) return realFetch(input, init)
      const f = state.faults
      if (random() < f.delay) {
        state.stats.delayed++
        await sleep(Math.floor(random() * f.maxDelayMs))
      }
      if (random() < f.dropRequest) {
        state.stats.droppedRequests++
        throw new TypeError('fetch failed (request dropped)')
      }
      if (random() < f.duplicate) {
        state.stats.duplicates++
        const later = Math.floor(random() * (f.maxDelayMs + 1))
        // The copy has no abort signal: it outlives the caller's timeout, as a retransmission would.
        const { signal: _signal, ...rest } = init ?? {}
        const copy = sleep(later)
          .then(() => realFetch(input, rest))
          .then((r) => r.text())
          .catch(() => undefined)
        background.add(copy)
        void copy.finally(() => background.delete(copy))
      }
      const response = await realFetch(input, init)
      if (random() < f.dropResponse) {
        state.stats.droppedResponses++
        await response.text().catch(() => undefined) // the server did its work; the answer is lost
        throw new TypeError('fetch failed (response lost)')
      }
      return response
    }
  }
  return state
}
