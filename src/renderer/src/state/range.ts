/**
 * The supervisor view's periods, kept free of the renderer's client so tests can import them.
 */

/** 7 and 30 days end now; a custom range runs from the start of its first day to the end of its last (local dates). */
export type RangeChoice = { preset: '7d' } | { preset: '30d' } | { preset: 'custom'; from: string; to: string }

const DAY = 86_400_000

/** `YYYY-MM-DD` of a local date. */
export function localDate(ms: number): string {
  const d = new Date(ms)
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}

function localMidnight(date: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date)
  if (!m) return null
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
  return Number.isNaN(d.getTime()) ? null : d.getTime()
}

/** [from, to) of a range choice as ISO times, or why it is not a range. */
export function rangeOf(range: RangeChoice, now = Date.now()): { from: string; to: string } | { problem: string } {
  switch (range.preset) {
    case '7d':
    case '30d': {
      // A whole minute ahead, so what just happened counts and repeated asks within a minute are one request.
      const to = Math.ceil((now + 1) / 60_000) * 60_000
      return { from: new Date(to - (range.preset === '7d' ? 7 : 30) * DAY).toISOString(), to: new Date(to).toISOString() }
    }
    case 'custom': {
      const from = localMidnight(range.from)
      const last = localMidnight(range.to)
      if (from === null || last === null) return { problem: 'Enter both dates of the range.' }
      if (last < from) return { problem: 'The first day of the range is after its last day.' }
      const end = new Date(last)
      end.setDate(end.getDate() + 1)
      return { from: new Date(from).toISOString(), to: end.toISOString() }
    }
  }
}

