import { describe, expect, it } from 'vitest'
import { NumberBuffer, medianAndP90, medianAndP90InPlace, medianOfSorted, p90OfSorted, p90Rank, pctOf, selectKth } from '../../src/shared/domain/figures'

/** domain.md: median of an even count is the mean of the two middle values; p90 is the ceil(0.9 n)-th smallest. */
describe('median', () => {
  it('median of an odd count is the middle value', () => {
    expect(medianAndP90([5, 1, 3]).median).toBe(3)
  })

  it('median of an even count is the mean of the two middle values', () => {
    expect(medianAndP90([10, 40, 20, 30]).median).toBe(25)
    expect(medianAndP90([1, 2]).median).toBe(1.5)
  })

  it('median of one value is that value', () => {
    expect(medianAndP90([7]).median).toBe(7)
  })

  it('median of nothing is null (no data), never 0', () => {
    expect(medianOfSorted(new Float64Array(0))).toBeNull()
  })
})

describe('90th percentile, nearest rank', () => {
  const oneTo = (n: number) => Array.from({ length: n }, (_, i) => (n - i) * 1000) // descending: the sort matters

  it('p90 of 10 values is the 9th smallest', () => {
    expect(p90Rank(10)).toBe(9)
    expect(medianAndP90(oneTo(10)).p90).toBe(9000)
  })

  it('p90 of 11 values is the 10th smallest', () => {
    expect(p90Rank(11)).toBe(10)
    expect(medianAndP90(oneTo(11)).p90).toBe(10000)
  })

  it('p90 of 1 value is that value; of 2 values the larger', () => {
    expect(medianAndP90([4]).p90).toBe(4)
    expect(medianAndP90([4, 2]).p90).toBe(4)
  })

  it('p90 rank is ceil(0.9 n) for exact multiples and just above them', () => {
    expect(p90Rank(70)).toBe(63)
    expect(p90Rank(71)).toBe(64)
    expect(p90Rank(100)).toBe(90)
    expect(p90Rank(101)).toBe(91)
  })

  it('p90 of nothing is null (no data)', () => {
    expect(p90OfSorted([])).toBeNull()
  })
})

describe('NumberBuffer', () => {
  it('grows past its capacity and sorts numerically, not as strings', () => {
    const b = new NumberBuffer(2)
    for (const v of [100, 9, 20, 3, 1000]) b.push(v)
    expect(Array.from(b.sorted())).toEqual([3, 9, 20, 100, 1000])
    expect(b.length).toBe(5)
  })
})

describe('pctOf', () => {
  it('is unrounded and null when the denominator is 0', () => {
    expect(pctOf(1, 3)).toBeCloseTo(33.3333333, 6)
    expect(pctOf(0, 4)).toBe(0)
    expect(pctOf(0, 0)).toBeNull()
  })
})

describe('selection instead of sorting', () => {
  it('median and p90 by selection equal those of a full sort, over many sizes, duplicates and orders', () => {
    let s = 12345
    const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32)
    for (const n of [1, 2, 3, 4, 5, 9, 10, 11, 99, 100, 601, 602, 1000, 5001]) {
      for (const shape of ['random', 'few-values', 'ascending', 'descending'] as const) {
        const values = Array.from({ length: n }, (_, i) =>
          shape === 'random' ? Math.floor(rnd() * 1e9) : shape === 'few-values' ? Math.floor(rnd() * 3) * 1000 : shape === 'ascending' ? i : n - i
        )
        const expected = medianAndP90(values)
        expect(medianAndP90InPlace(Float64Array.from(values)), `${shape} n=${n}`).toEqual(expected)
      }
    }
  })

  it('selectKth puts the k-th smallest at k with no larger value before it', () => {
    const a = Float64Array.from([9, 1, 8, 2, 7, 3, 6, 4, 5, 0])
    selectKth(a, 3)
    expect(a[3]).toBe(3)
    for (let i = 0; i < 3; i++) expect(a[i]).toBeLessThanOrEqual(3)
    for (let i = 4; i < a.length; i++) expect(a[i]).toBeGreaterThanOrEqual(3)
  })

  it('median and p90 of nothing by selection are null', () => {
    expect(medianAndP90InPlace(new Float64Array(0))).toEqual({ median: null, p90: null })
  })
})
