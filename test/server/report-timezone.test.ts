/** `cli report --tz`: date-only bounds are whole local days of a time zone, DST included. */
import { describe, expect, it } from 'vitest'
import { parseReportArgs } from '../../src/server/cli/report'
import { UsageError } from '../../src/server/cli/commands'

describe('report --tz', () => {
  it('reads date-only bounds as local midnights of the zone, across a DST change', () => {
    // New York leaves daylight time on 1 November 2026: that day starts at UTC-4, December at UTC-5.
    expect(parseReportArgs(['--from', '2026-11-01', '--to', '2026-11-30', '--tz', 'America/New_York']).request).toMatchObject({
      from: '2026-11-01T04:00:00.000Z',
      to: '2026-12-01T05:00:00.000Z'
    })
    expect(parseReportArgs(['--from', '2026-11-23', '--to', '2026-11-23', '--tz', 'Asia/Tokyo']).request).toMatchObject({
      from: '2026-11-22T15:00:00.000Z',
      to: '2026-11-23T15:00:00.000Z'
    })
  })

  it('is UTC without --tz, and leaves full ISO times as written', () => {
    expect(parseReportArgs(['--from', '2026-11-01', '--to', '2026-11-01']).request).toMatchObject({ from: '2026-11-01T00:00:00.000Z', to: '2026-11-02T00:00:00.000Z' })
    expect(parseReportArgs(['--from', '2026-11-01T09:00:00+01:00', '--to', '2026-11-02', '--tz', 'Asia/Tokyo']).request).toMatchObject({
      from: '2026-11-01T08:00:00.000Z',
      to: '2026-11-02T15:00:00.000Z'
    })
  })

  it('refuses a zone that does not exist, naming the flag', () => {
    expect(() => parseReportArgs(['--from', '2026-11-01', '--to', '2026-11-02', '--tz', 'Mars/Olympus'])).toThrow(UsageError)
    expect(() => parseReportArgs(['--from', '2026-11-01', '--to', '2026-11-02', '--tz', 'Mars/Olympus'])).toThrow(/--tz "Mars\/Olympus" is not a time zone/)
  })
})
