import type { Database } from 'better-sqlite3'
import { foldTerm, quoteTerm, searchTerms } from './search-text'
import { plucked } from '../infra/statements'

/**
 * FTS5 MATCH expressions for the inbox search: every word must occur in the item (its subject,
 * its customer's name or any message), the last one as a prefix so search works as you type.
 *
 * Prefixes of 2-3 characters use the index's prefix indexes and stream. A longer prefix would
 * make FTS5 merge the doclists of every matching word into memory before returning the first row
 * (~70 ms for "refun" at a million items), so it is expanded here into the words of the index
 * vocabulary that start with it ("refun" -> "refund" OR "refunded" OR "refunds"), which FTS5
 * streams in rowid order like any other word.
 */
const MIN_PREFIX = 2
const PREFIX_INDEX_MAX = 3
const MAX_EXPANSION = 48

const vocabReady = new WeakSet<Database>()
function ensureVocab(db: Database): void {
  if (vocabReady.has(db)) return
  db.exec('CREATE VIRTUAL TABLE IF NOT EXISTS temp.items_fts_vocab USING fts5vocab(main, items_fts, row)')
  vocabReady.add(db)
}

/**
 * Expansions already looked up, per connection: fts5vocab counts every listed word's documents,
 * a few milliseconds for common words. Any write to the index forgets them (a new word may
 * have appeared), so a cached expansion is never stale.
 */
const expansions = new WeakMap<Database, Map<string, string[] | null>>()
const MAX_CACHED_EXPANSIONS = 200

export function forgetSearchVocabulary(db: Database): void {
  expansions.delete(db)
}

/** The index's words starting with `prefix`, or null when there are too many to list. */
function expandPrefix(db: Database, prefix: string): string[] | null {
  const folded = foldTerm(prefix)
  let cache = expansions.get(db)
  const cached = cache?.get(folded)
  if (cached !== undefined) return cached
  ensureVocab(db)
  const words = plucked<[string, string, number], string>(db, 'SELECT term FROM temp.items_fts_vocab WHERE term >= ? AND term < ? LIMIT ?')
    .all(folded, folded + String.fromCodePoint(0x10ffff), MAX_EXPANSION + 1)
  const result = words.length > MAX_EXPANSION ? null : words
  if (!cache) {
    cache = new Map()
    expansions.set(db, cache)
  }
  if (cache.size >= MAX_CACHED_EXPANSIONS) cache.clear()
  cache.set(folded, result)
  return result
}

/** The MATCH expression for what the user typed, or null when it holds no word (no search filter). */
export function searchExpression(db: Database, text: string): string | null {
  const terms = searchTerms(text)
  const last = terms.pop()
  if (last === undefined) return null
  const parts = terms.map(quoteTerm)
  const length = [...last].length
  if (length < MIN_PREFIX) {
    parts.push(quoteTerm(last))
  } else if (length <= PREFIX_INDEX_MAX) {
    parts.push(`${quoteTerm(last)}*`)
  } else {
    const words = expandPrefix(db, last)
    // No listed word: FTS5's own prefix match (it also covers a word our folding would miss).
    parts.push(words === null || words.length === 0 ? `${quoteTerm(last)}*` : `(${words.map(quoteTerm).join(' OR ')})`)
  }
  return parts.join(' AND ')
}

/** Customer picker queries: every word a prefix (the customers index has 1-3 character prefix indexes). */
export function customerSearchExpression(text: string): string | null {
  const terms = searchTerms(text)
  if (terms.length === 0) return null
  return terms.map((t) => `${quoteTerm(t)}*`).join(' AND ')
}
