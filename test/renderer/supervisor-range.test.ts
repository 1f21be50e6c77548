/**
 * The supervisor view's periods (src/renderer/src/features/supervisor/range.ts): 7 and 30 days end on
 * the next whole minute (so repeated asks within a minute are one cached request, and the offline
 * fallback finds the latest answer of the same length); a custom range runs from the start of its
 * first local day to the end of its last; a reversed or half-filled range says why.
 */
import { describe, expect, it } from 'vitest'
import { localDate, rangeOf } from '../../src/renderer/src/state/range'

const NOW = Date.parse('2026-11-23T14:37:12.345Z')
const DAY = 86_400_000

describe('rangeOf', () => {
  it('ends 7 and 30 days on the next whole minute, with exactly that length', () => {
    for (const [preset, days] of [['7d', 7], ['30d', 30]] as const) {
      const r = rangeOf({ preset }, NOW)
      if ('problem' in r) throw new Error(r.problem)
      expect(r.to).toBe('2026-11-23T14:38:00.000Z')
      expect(Date.parse(r.to) - Date.parse(r.from)).toBe(days * DAY)
    }
    // Two asks within the same minute are the same request.
    expect(rangeOf({ preset: '7d' }, NOW + 30_000)).toEqual(rangeOf({ preset: '7d' }, NOW))
  })

  it('runs a custom range from the first local midnight to the midnight after the last day', () => {
    const r = rangeOf({ preset: 'custom', from: '2026-11-02', to: '2026-11-04' }, NOW)
    if ('problem' in r) throw new Error(r.problem)
    expect(r.from).toBe(new Date(2026, 10, 2).toISOString())
    expect(r.to).toBe(new Date(2026, 10, 5).toISOString())
    // One day is a whole day.
    const one = rangeOf({ preset: 'custom', from: '2026-11-04', to: '2026-11-04' }, NOW)
    if ('problem' in one) throw new Error(one.problem)
    expect(one.to).toBe(new Date(2026, 10, 5).toISOString())
  })

  it('says why a custom range is not one', () => {
    expect(rangeOf({ preset: 'custom', from: '2026-11-05', to: '2026-11-04' }, NOW)).toEqual({ problem: 'The first day of the range is after its last day.' })
    expect(rangeOf({ preset: 'custom', from: '', to: '2026-11-04' }, NOW)).toEqual({ problem: 'Enter both dates of the range.' })
  })

  it('writes local dates as YYYY-MM-DD', () => {
    expect(localDate(new Date(2026, 0, 9, 23, 59).getTime())).toBe('2026-01-09')
  })
})
