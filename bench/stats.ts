/** Small timing helpers for the benchmarks. Nearest-rank percentiles, milliseconds rounded to µs. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length))
  return sorted[rank - 1] as number
}

const round = (ms: number) => Math.round(ms * 1000) / 1000

export interface Summary {
  n: number
  p50_ms: number
  p95_ms: number
  max_ms: number
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b)
  return { n: sorted.length, p50_ms: round(percentile(sorted, 50)), p95_ms: round(percentile(sorted, 95)), max_ms: round(sorted[sorted.length - 1] ?? Number.NaN) }
}

export function time<T>(fn: () => T): [T, number] {
  const t0 = performance.now()
  const value = fn()
  return [value, performance.now() - t0]
}
