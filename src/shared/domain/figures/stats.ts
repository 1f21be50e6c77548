/**
 * The order statistics of domain.md, on plain duration buffers: the median (mean of the two middle
 * values for an even count) and the nearest-rank 90th percentile (the ceil(0.9 n)-th smallest).
 * Durations are collected into a growable Float64Array and sorted once, numerically.
 */

/** A growable buffer of numbers (durations in ms), cheap to append to and to sort. */
export class NumberBuffer {
  private data: Float64Array
  length = 0

  constructor(capacity = 16) {
    this.data = new Float64Array(Math.max(1, capacity))
  }

  push(value: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2)
      next.set(this.data)
      this.data = next
    }
    this.data[this.length++] = value
  }

  /** The values, sorted ascending (a view over the buffer; valid until the next push). */
  sorted(): Float64Array {
    const view = this.data.subarray(0, this.length)
    view.sort()
    return view
  }
}

/** Median of ascending values; null for none. Even count: the mean of the two middle values. */
export function medianOfSorted(sorted: ArrayLike<number>): number | null {
  const n = sorted.length
  if (n === 0) return null
  const mid = n >> 1
  const hi = sorted[mid] as number
  return n % 2 === 1 ? hi : ((sorted[mid - 1] as number) + hi) / 2
}

/** The 1-based rank of the nearest-rank 90th percentile of n values: ceil(0.9 n), in integers. */
export const p90Rank = (n: number): number => Math.ceil((9 * n) / 10)

/** Nearest-rank 90th percentile of ascending values (the ceil(0.9 n)-th smallest); null for none. */
export function p90OfSorted(sorted: ArrayLike<number>): number | null {
  const n = sorted.length
  if (n === 0) return null
  return sorted[p90Rank(n) - 1] as number
}

/** Median and p90 of unsorted values (for tests and small inputs). */
export function medianAndP90(values: readonly number[]): { median: number | null; p90: number | null } {
  const sorted = Float64Array.from(values).sort()
  return { median: medianOfSorted(sorted), p90: p90OfSorted(sorted) }
}

/** A percentage, unrounded; null ("no data") when there is nothing to divide by. */
export const pctOf = (count: number, of: number): number | null => (of === 0 ? null : (count * 100) / of)
