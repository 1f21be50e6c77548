import type { Database } from 'better-sqlite3'
import { forgetSearchVocabulary } from './search-query'
import { customerDocument, itemDocument } from './search-text'
import { META, getMeta, setMeta } from '../infra/meta'
import { plucked, prepared } from '../infra/statements'

/**
 * Keeps the full-text indexes in step with items, messages and customers: lazily, never stale.
 *
 * Writing an FTS5 row costs little; committing it costs a lot (every commit writes a new index
 * segment and merges older ones), and most mutations add a message. So a mutation does not touch
 * the index; every reader of the index first calls flushSearchIndex, which rewrites, in one
 * transaction, the documents of every item with a message newer than the last one indexed, every
 * customer newer than the last one indexed, and whatever search_dirty names (an item whose
 * subject or customer changed). Message and customer rowids only grow, so two high-water marks
 * in meta say what is new. A crash loses nothing: the marks move with the index.
 */
const TABLE = { item: 0, customer: 1 } as const
type Indexed = keyof typeof TABLE

/** Marks a document whose text changed other than by a new message or customer. */
export function markForIndexing(db: Database, what: Indexed, rid: number | bigint): void {
  prepared(db, 'INSERT INTO search_dirty (tbl, rid) VALUES (?, CAST(? AS INTEGER)) ON CONFLICT DO NOTHING').run(TABLE[what], rid)
}

const maxRid = (db: Database, table: 'messages' | 'customers') => plucked<[], number | null>(db, `SELECT max(rid) FROM ${table}`).get() ?? 0
const mark = (db: Database, key: typeof META.searchMessages | typeof META.searchCustomers) => Number(getMeta(db, key) ?? 0)

/** Records that everything written so far is indexed (the seed indexes as it writes). */
export function markSearchIndexCurrent(db: Database): void {
  setMeta(db, META.searchMessages, String(maxRid(db, 'messages')))
  setMeta(db, META.searchCustomers, String(maxRid(db, 'customers')))
  prepared(db, 'DELETE FROM search_dirty').run()
}

/** Rewrites every document that changed since the last flush; returns how many. A read-only connection leaves them to the writer. */
export function flushSearchIndex(db: Database): number {
  if (db.readonly) return 0
  const messages = maxRid(db, 'messages')
  const customers = maxRid(db, 'customers')
  const marked = plucked<[], number>(db, 'SELECT EXISTS (SELECT 1 FROM search_dirty)').get() === 1
  if (!marked && messages <= mark(db, META.searchMessages) && customers <= mark(db, META.searchCustomers)) return 0
  const written = db.transaction(() => {
    const items = new Set(plucked<[number], number>(db, 'SELECT DISTINCT item_rid FROM messages WHERE rid > ?').all(mark(db, META.searchMessages)))
    const newCustomers = new Set(plucked<[number], number>(db, 'SELECT rid FROM customers WHERE rid > ?').all(mark(db, META.searchCustomers)))
    for (const { tbl, rid } of prepared<[], { tbl: number; rid: number }>(db, 'SELECT tbl, rid FROM search_dirty').all()) {
      ;(tbl === TABLE.item ? items : newCustomers).add(rid)
    }
    for (const rid of items) reindexItem(db, rid)
    for (const rid of newCustomers) reindexCustomer(db, rid)
    markSearchIndexCurrent(db)
    return items.size + newCustomers.size
  }).immediate()
  forgetSearchVocabulary(db)
  return written
}

// better-sqlite3 binds JavaScript numbers as REAL; FTS5 wants its rowids as INTEGER.

/** An item's one document: its subject, its customer's name and every message of its thread. */
function reindexItem(db: Database, rid: number): void {
  prepared<[number]>(db, 'DELETE FROM items_fts WHERE rowid = CAST(? AS INTEGER)').run(rid)
  const item = prepared<[number], { subject: string; customer_name: string }>(db, 'SELECT subject, customer_name FROM items WHERE rid = ?').get(rid)
  if (!item) return
  const bodies = plucked<[number], string>(db, 'SELECT body FROM messages WHERE item_rid = ? ORDER BY rid').all(rid)
  prepared<[number, string]>(db, 'INSERT INTO items_fts (rowid, doc) VALUES (CAST(? AS INTEGER), ?)').run(rid, itemDocument(item.subject, item.customer_name, bodies))
}

function reindexCustomer(db: Database, rid: number): void {
  prepared<[number]>(db, 'DELETE FROM customers_fts WHERE rowid = CAST(? AS INTEGER)').run(rid)
  const c = prepared<[number], { name: string; email: string | null; phone: string | null }>(db, 'SELECT name, email, phone FROM customers WHERE rid = ?').get(rid)
  if (!c) return
  prepared<[number, string]>(db, 'INSERT INTO customers_fts (rowid, doc) VALUES (CAST(? AS INTEGER), ?)').run(rid, customerDocument(c.name, c.email, c.phone))
}
