/**
 * Text for the full-text index, and the words of what a user typed.
 *
 * The user's text is never passed to FTS5 as syntax. It is cut into words the way the index's
 * unicode61 tokenizer cuts text (runs of letters, digits and private-use characters); each word is
 * then quoted by the query builder (search-query.ts), so FTS5 operators (AND, OR, NOT, NEAR, *, -,
 * ^, :, quotes, parentheses) are just words or separators. Words are single tokens, as the
 * detail=none index requires.
 */
const WORD = /[\p{L}\p{N}\p{Co}]+/gu
const MAX_TERMS = 16

export function searchTerms(text: string): string[] {
  return (text.normalize('NFC').match(WORD) ?? []).slice(0, MAX_TERMS)
}

/** A word as the index stores it: lower case, diacritics removed ("Müller" -> "muller"), like unicode61 remove_diacritics 2. */
export function foldTerm(term: string): string {
  return term.normalize('NFD').replace(/\p{Mn}/gu, '').normalize('NFC').toLowerCase()
}

/** An FTS5 string literal: one token, quoted, so it can never be an operator. */
export const quoteTerm = (term: string) => `"${term.replaceAll('"', '""')}"`

/** The one full-text document of an item: what its subject, customer name and thread say. */
export function itemDocument(subject: string, customerName: string, bodies: readonly string[]): string {
  return [subject, customerName, ...bodies].join('\n').normalize('NFC')
}

export function customerDocument(name: string, email: string | null, phone: string | null): string {
  // The phone number also as bare digits, with and without a 1-3 digit country code, so that
  // "5550142" and "15550142" both find "+1 555-0142".
  const digits = phone ? phone.replace(/\D+/g, '') : ''
  const local = phone?.trim().startsWith('+') ? [1, 2, 3].map((n) => digits.slice(n)) : []
  return [name, email ?? '', phone ?? '', digits, ...local].join('\n').normalize('NFC')
}

/** FTS5 may still refuse a query if its tokenizer splits a word differently than WORD (an exotic script): treat as no match. */
export function isFtsQueryError(e: unknown): boolean {
  return e instanceof Error && (e as { code?: unknown }).code === 'SQLITE_ERROR' && /fts5/i.test(e.message)
}
