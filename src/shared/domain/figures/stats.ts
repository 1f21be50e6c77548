/**
 * The order statistics of domain.md, on plain duration buffers: the median (mean of the two middle
 * values for an even count) and the nearest-rank 90th percentile (the ceil(0.9 n)-th smallest).
 * Durations are collected into a growable Float64Array; the figures need only those two ranks, so
 * they are found by selection (Floyd-Rivest, linear on average) rather than a full sort.
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

  /** The values, unsorted (a view over the buffer; valid until the next push). */
  values(): Float64Array {
    return this.data.subarray(0, this.length)
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

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i] as number
  a[i] = a[j] as number
  a[j] = t
}

/**
 * Rearranges a[left..right] so that a[k] is the value a full ascending sort would put there, all
 * before it no larger and all after it no smaller (Floyd-Rivest selection, after V. Agafonkin's
 * quickselect, ISC). Values must not be NaN.
 */
export function selectKth(a: Float64Array, k: number, left = 0, right = a.length - 1): void {
  while (right > left) {
    if (right - left > 600) {
      const n = right - left + 1
      const m = k - left + 1
      const z = Math.log(n)
      const s = 0.5 * Math.exp((2 * z) / 3)
      const sd = 0.5 * Math.sqrt((z * s * (n - s)) / n) * (m - n / 2 < 0 ? -1 : 1)
      const newLeft = Math.max(left, Math.floor(k - (m * s) / n + sd))
      const newRight = Math.min(right, Math.floor(k + ((n - m) * s) / n + sd))
      selectKth(a, k, newLeft, newRight)
    }
    const t = a[k] as number
    let i = left
    let j = right
    swap(a, left, k)
    if ((a[right] as number) > t) swap(a, left, right)
    while (i < j) {
      swap(a, i, j)
      i++
      j--
      while ((a[i] as number) < t) i++
      while ((a[j] as number) > t) j--
    }
    if (a[left] === t) swap(a, left, j)
    else {
      j++
      swap(a, j, right)
    }
    if (j <= k) left = j + 1
    if (k <= j) right = j - 1
  }
}

/**
 * Median and nearest-rank p90 of the values, reordering them in place (no copy, no full sort).
 * Null for none.
 */
export function medianAndP90InPlace(a: Float64Array): { median: number | null; p90: number | null } {
  const n = a.length
  if (n === 0) return { median: null, p90: null }
  const mid = n >> 1
  selectKth(a, mid)
  const hi = a[mid] as number
  let median = hi
  if (n % 2 === 0) {
    // the (mid-1)-th smallest is the largest of the part before mid
    let lo = a[0] as number
    for (let i = 1; i < mid; i++) if ((a[i] as number) > lo) lo = a[i] as number
    median = (lo + hi) / 2
  }
  const k = p90Rank(n) - 1
  if (k > mid) selectKth(a, k, mid + 1, n - 1)
  return { median, p90: a[k] as number }
}
