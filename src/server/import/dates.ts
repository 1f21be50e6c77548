/**
 * Reading the mapping's dates. date-fns `parse` (with the mapping's time zone) is the authority;
 * it costs about 0.2 ms a call with a zone, which is most of a 100,000-row import with three dates
 * a row. So a format made only of fixed-width numeric fields, English month and weekday
 * abbreviations and offsets is compiled into a regular expression: a text it matches with values
 * in range is read directly; anything else (other tokens, other widths, out-of-range values)
 * goes to date-fns, which decides. test/server/import-dates.test.ts checks both agree.
 */
import { tz, tzOffset } from '@date-fns/tz'
import { isValid, parse as parseDate, parseISO } from 'date-fns'

export type DateReader = (text: string) => number | null

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']

type Field = 'year' | 'month' | 'monthName' | 'day' | 'hour' | 'minute' | 'second' | 'ms' | 'weekday' | 'offset'
const TOKENS: [string, Field, string][] = [
  ['yyyy', 'year', '(\\d{4})'],
  ['MMM', 'monthName', `(${MONTHS.join('|')})`],
  ['MM', 'month', '(\\d{2})'],
  ['dd', 'day', '(\\d{2})'],
  ['HH', 'hour', '(\\d{2})'],
  ['mm', 'minute', '(\\d{2})'],
  ['ss', 'second', '(\\d{2})'],
  ['SSS', 'ms', '(\\d{3})'],
  ['EEE', 'weekday', `(?:${WEEKDAYS.join('|')})`],
  ['xxx', 'offset', '([+-]\\d{2}:\\d{2})'],
  ['xx', 'offset', '([+-]\\d{4})'],
  ['XXX', 'offset', '(Z|[+-]\\d{2}:\\d{2})'],
  ['XX', 'offset', '(Z|[+-]\\d{4})']
]

interface Compiled {
  re: RegExp
  fields: Field[]
}

/** The fast form of a format, or null when it has a token outside the table above. */
export function compileFormat(format: string): Compiled | null {
  let source = '^'
  const fields: Field[] = []
  let i = 0
  outer: while (i < format.length) {
    for (const [token, field, re] of TOKENS) {
      // A token is taken whole: "MM" is not the start of "MMMM", nor "xx" of a longer run of x.
      if (!format.startsWith(token, i) || format[i + token.length] === token[0]) continue
      source += re
      if (field !== 'weekday') fields.push(field)
      i += token.length
      continue outer
    }
    const ch = format[i]!
    if (/[A-Za-z']/.test(ch)) return null
    source += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    i++
  }
  return { re: new RegExp(source + '$'), fields }
}

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate()

function offsetMinutes(text: string): number {
  if (text === 'Z') return 0
  const sign = text[0] === '-' ? -1 : 1
  const digits = text.slice(1).replace(':', '')
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)))
}

/** Wall time in a zone -> epoch ms (the zone's offset at that instant; checked once more across a change). */
function zoned(wall: number, timeZone: string): number {
  if (timeZone === 'UTC') return wall
  let at = wall - tzOffset(timeZone, new Date(wall)) * 60_000
  const again = wall - tzOffset(timeZone, new Date(at)) * 60_000
  if (again !== at) at = again
  return at
}

function fast(compiled: Compiled, timeZone: string, text: string): number | null {
  const m = compiled.re.exec(text)
  if (!m) return null
  let year = NaN
  let month = NaN
  let day = NaN
  let hour = 0
  let minute = 0
  let second = 0
  let ms = 0
  let offset: number | null = null
  compiled.fields.forEach((f, k) => {
    const v = m[k + 1]!
    switch (f) {
      case 'year':
        year = Number(v)
        break
      case 'month':
        month = Number(v)
        break
      case 'monthName':
        month = MONTHS.indexOf(v) + 1
        break
      case 'day':
        day = Number(v)
        break
      case 'hour':
        hour = Number(v)
        break
      case 'minute':
        minute = Number(v)
        break
      case 'second':
        second = Number(v)
        break
      case 'ms':
        ms = Number(v)
        break
      case 'offset':
        offset = offsetMinutes(v)
        break
      case 'weekday':
        break
    }
  })
  if (!(year >= 1000 && month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month) && hour <= 23 && minute <= 59 && second <= 59)) return null
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, ms)
  return offset === null ? zoned(wall, timeZone) : wall - offset * 60_000
}

const ISO_WITH_OFFSET = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,3})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/

/** A reader of one format in one zone: epoch ms, or null when the text is not such a date. */
export function dateReader(format: string, timeZone: string): DateReader {
  const zone = tz(timeZone)
  if (format === 'ISO') {
    return (text) => {
      // With its offset written, an ISO time needs no zone: Date.parse reads it exactly.
      if (ISO_WITH_OFFSET.test(text)) return Date.parse(text)
      const d = parseISO(text, { in: zone })
      return isValid(d) ? d.getTime() : null
    }
  }
  const compiled = compileFormat(format)
  const slow = (text: string) => {
    const d = parseDate(text, format, new Date(0), { in: zone })
    return isValid(d) ? d.getTime() : null
  }
  if (!compiled || !compiled.fields.includes('year') || !compiled.fields.some((f) => f === 'month' || f === 'monthName') || !compiled.fields.includes('day')) return slow
  return (text) => fast(compiled, timeZone, text) ?? slow(text)
}
