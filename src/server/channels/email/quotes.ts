/**
 * The reply alone: an answer's text without the quoted history mail clients append under it
 * ("On … wrote:" and its localized forms, a trailing block of "> " lines, Outlook's
 * "-----Original Message-----" and "From:/Sent:/To:" header blocks) and without a standard
 * signature ("-- ", "Sent from my …").
 *
 * Hand-written rather than email-reply-parser: that library's patterns backtrack cubically on
 * crafted text unless the native re2 module is installed (16 kB took over a minute), and these
 * checks run on every inbound message. Every check here is a string test on one line or on a few
 * joined lines of bounded length, so the time is linear in the text.
 */

// A header line is short; longer "lines" are prose that happens to start with "On ".
const MAX_HEADER_CHARS = 400
// Gmail wraps a long "On … wrote:" line, at most over three lines.
const MAX_HEADER_LINES = 3
// How far below "From:" Outlook's Sent:/To:/Subject: lines may be.
const OUTLOOK_BLOCK_LINES = 5

/** "On <date>, <name> wrote:" in the languages mail clients write it in. */
function isAttributionLine(line: string): boolean {
  const s = line.trim().replace(/\s+/g, ' ')
  if (s.length > MAX_HEADER_CHARS || !s.endsWith(':')) return false
  const lower = s.toLowerCase()
  const starts = (prefix: string) => lower.startsWith(prefix)
  return (
    (starts('on ') && lower.endsWith(' wrote:')) ||
    (starts('le ') && (lower.endsWith(' a écrit :') || lower.endsWith(' a écrit:'))) ||
    (starts('am ') && lower.includes(' schrieb ')) ||
    (starts('el ') && lower.endsWith(' escribió:')) ||
    (starts('il ') && lower.endsWith(' scritto:')) ||
    (starts('em ') && lower.endsWith(' escreveu:')) ||
    (starts('op ') && lower.includes(' schreef ')) ||
    (starts('den ') && lower.includes(' skrev ')) ||
    (starts('w dniu ') && (lower.endsWith(' pisze:') || lower.endsWith(' napisał:')))
  )
}

const ORIGINAL_MESSAGE = /^-{2,}\s*(?:original message|ursprüngliche nachricht|message d'origine|mensaje original|messaggio originale|oorspronkelijk bericht|oprindelig besked|opprinnelig melding|ursprungligt meddelande)\s*-{2,}$/i
const FROM_LINE = /^\*?(?:from|von|de|van|da|fra|från)\s*:/i
const HEADER_LINE = /^\*?(?:sent|date|to|subject|cc|gesendet|datum|an|betreff|envoyé|à|objet|enviado|para|asunto|inviato|oggetto|verzonden|aan|onderwerp|sendt|til|emne|skickat|ämne)\s*:/i
const RULE = /^_{10,}$/
const SIGNATURE = /^(?:sent from my \S.*|get outlook for \S.*)$/i

/** The index of the first line of quoted history or signature, or -1 when there is none. */
function cutIndex(lines: readonly string[]): number {
  // Where the trailing run of quoted (or blank) lines starts.
  let quotedFrom = lines.length
  while (quotedFrom > 0 && /^\s*(?:>|$)/.test(lines[quotedFrom - 1] as string)) quotedFrom--
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string
    const trimmed = line.trim()
    if (line === '-- ' || SIGNATURE.test(trimmed) || ORIGINAL_MESSAGE.test(trimmed)) return i
    if (/^(on|le|am|el|il|em|op|den|w dniu) /i.test(trimmed)) {
      let joined = ''
      for (let k = 0; k < MAX_HEADER_LINES && i + k < lines.length; k++) {
        const part = (lines[i + k] as string).trim()
        joined += (k > 0 ? ' ' : '') + part
        if (joined.length > MAX_HEADER_CHARS) break
        if (part.endsWith(':') && isAttributionLine(joined)) return i
      }
    }
    if (FROM_LINE.test(trimmed)) {
      const block = lines.slice(i + 1, i + 1 + OUTLOOK_BLOCK_LINES)
      if (block.some((l) => HEADER_LINE.test(l.trim()))) {
        // Outlook draws a rule above its header block; it belongs to the history too.
        const previous = lines.slice(0, i).findLastIndex((l) => l.trim() !== '')
        return previous >= 0 && RULE.test((lines[previous] as string).trim()) ? previous : i
      }
    }
    // A block of quoted lines that runs to the end (blank lines allowed) is history; quotes
    // answered in between are left alone.
    if (i >= quotedFrom && trimmed.startsWith('>')) return i
  }
  return -1
}

/**
 * `text` without quoted history and signature where they are recognisable. A message that is
 * nothing but a quote is returned whole rather than as nothing.
 */
export function trimQuotedText(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n')
  const cut = cutIndex(lines)
  if (cut < 0) return text.trim()
  const reply = lines.slice(0, cut).join('\n').trim()
  return reply || text.trim()
}
