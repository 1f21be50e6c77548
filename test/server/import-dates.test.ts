/**
 * The import's date reader: its fast path for fixed-width formats must read every text exactly as
 * date-fns `parse` does in the mapping's zone (the authority), and refuse what date-fns refuses.
 */
import { tz } from '@date-fns/tz'
import { format as formatDate, isValid, parse, parseISO } from 'date-fns'
import { describe, expect, it } from 'vitest'
import { compileFormat, dateReader } from '../../src/server/import/dates'

const authority = (fmt: string, zone: string) => (text: string) => {
  const d = fmt === 'ISO' ? parseISO(text, { in: tz(zone) }) : parse(text, fmt, new Date(0), { in: tz(zone) })
  return isValid(d) ? d.getTime() : null
}

const FORMATS = ['yyyy-MM-dd HH:mm:ss', 'EEE MMM dd HH:mm:ss xx yyyy', 'dd/MM/yyyy HH:mm', 'yyyy-MM-dd\'T\'HH:mm:ss.SSSXXX', 'MM/dd/yyyy', 'd.M.yyyy H:mm']
const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York']

describe('import dates', () => {
  it('compiles fixed-width formats and leaves the rest to date-fns', () => {
    expect(compileFormat('yyyy-MM-dd HH:mm:ss')).not.toBeNull()
    expect(compileFormat('EEE MMM dd HH:mm:ss xx yyyy')).not.toBeNull()
    expect(compileFormat('d.M.yyyy H:mm')).toBeNull()
    expect(compileFormat("yyyy-MM-dd'T'HH:mm")).toBeNull()
    expect(compileFormat('MMMM dd yyyy')).toBeNull()
  })

  it('reads what date-fns reads, to the millisecond, in several zones (400 random times per format and zone)', () => {
    let seed = 7
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    for (const fmt of FORMATS) {
      for (const zone of ZONES) {
        const read = dateReader(fmt, zone)
        const truth = authority(fmt, zone)
        for (let k = 0; k < 400; k++) {
          // Times from 1990 to 2035, away from the hour a clock change skips or repeats.
          const ms = Date.UTC(1990, 0, 1) + Math.floor(random() * 45 * 365.25 * 86_400_000)
          const text = formatDate(new Date(ms), fmt.replace('xx', "'+0000'"), { in: tz(fmt.includes('xx') ? 'UTC' : zone) })
          const d = new Date(ms)
          if (d.getUTCMonth() === 2 || d.getUTCMonth() === 9 || d.getUTCMonth() === 10 || d.getUTCMonth() === 3) {
            // March, April, October, November: skip the transition nights (their local hours are ambiguous).
            const day = d.getUTCDate()
            if (day >= 24 || day <= 7) continue
          }
          expect([fmt, zone, text, read(text)]).toEqual([fmt, zone, text, truth(text)])
        }
      }
    }
  })

  it('refuses what date-fns refuses', () => {
    const cases: [string, string][] = [
      ['yyyy-MM-dd HH:mm:ss', '2023-02-30 10:00:00'],
      ['yyyy-MM-dd HH:mm:ss', '2023-06-01 24:00:00'],
      ['yyyy-MM-dd HH:mm:ss', '2023-06-01 12:15'],
      ['yyyy-MM-dd HH:mm:ss', '01/06/2023 12:15:00'],
      ['yyyy-MM-dd HH:mm:ss', ''],
      ['EEE MMM dd HH:mm:ss xx yyyy', 'Tue Oct 31 22:10:47 2017'],
      ['EEE MMM dd HH:mm:ss xx yyyy', 'Tue Okt 31 22:10:47 +0000 2017'],
      ['ISO', '2023-06-01 12:15:00x'],
      ['ISO', '2023-13-01T00:00:00Z']
    ]
    for (const [fmt, text] of cases) {
      expect([fmt, text, dateReader(fmt, 'UTC')(text)]).toEqual([fmt, text, authority(fmt, 'UTC')(text)])
      expect(dateReader(fmt, 'UTC')(text)).toBeNull()
    }
  })

  it('also takes what date-fns takes beyond the fixed widths (it decides), and ISO with or without an offset', () => {
    const read = dateReader('yyyy-MM-dd HH:mm:ss', 'UTC')
    expect(read('2023-6-1 9:05:03')).toBe(authority('yyyy-MM-dd HH:mm:ss', 'UTC')('2023-6-1 9:05:03'))
    expect(read('2023-06-01 12:15:36')).toBe(Date.UTC(2023, 5, 1, 12, 15, 36))
    expect(dateReader('EEE MMM dd HH:mm:ss xx yyyy', 'Europe/Berlin')('Tue Oct 31 22:10:47 +0000 2017')).toBe(Date.UTC(2017, 9, 31, 22, 10, 47))
    expect(dateReader('ISO', 'Europe/Berlin')('2024-07-01T10:00:00+02:00')).toBe(Date.UTC(2024, 6, 1, 8))
    expect(dateReader('ISO', 'Europe/Berlin')('2024-07-01T10:00:00')).toBe(Date.UTC(2024, 6, 1, 8))
    expect(dateReader('yyyy-MM-dd HH:mm:ss', 'Europe/Berlin')('2024-01-15 10:00:00')).toBe(Date.UTC(2024, 0, 15, 9))
  })
})
