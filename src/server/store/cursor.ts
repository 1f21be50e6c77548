/**
 * Pull cursors: base64url JSON with a version and the store's server id, then a dot and its
 * HMAC-SHA256 under the store's secret key (server_meta.cursor_key, made by migrate()), so a
 * client can neither forge nor alter one. Every cursor that is not exactly one this store made
 * (unsigned, as before V9; wrongly signed; malformed; of another store) is a StoreError
 * 'bad_request' (400): the console then syncs again from the start (docs/sync-protocol.md).
 * Two phases:
 *  - snapshot: the first sync pages the items in scope by id; `w` is the feed watermark taken
 *    at its start, `after` the last item id sent, `done`/`total` the progress.
 *  - feed: change rows from `lo` (a watermark: every transaction below it had finished), after
 *    the position (`tx`, `id`) when a page stopped inside [lo, hi).
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { z } from 'zod'
import { StoreError } from './errors'
import type { SqlClient } from './sql'

// xid8 is an unsigned 64-bit number, a change id a signed one: out-of-range values are refused here, not by PostgreSQL.
// zod runs a refinement even after the regex failed: each checks its own digits before BigInt
// (which throws on 'abc': that was a 500).
const digitsUpTo = (digits: number, max: bigint) => (v: string) => new RegExp(`^\\d{1,${digits}}$`).test(v) && BigInt(v) <= max
const xid = z.string().refine(digitsUpTo(20, 18446744073709551615n), 'not an xid')
const changeId = z.string().refine(digitsUpTo(19, 9223372036854775807n), 'not a change id')
const server = z.string().max(64)
const snapshotCursor = z
  .object({ v: z.literal(1), s: server, p: z.literal('s'), w: xid, after: z.string().min(1).max(200).nullable(), done: z.number().int().min(0), total: z.number().int().min(0) })
  .strict()
const feedCursor = z
  .object({ v: z.literal(1), s: server, p: z.literal('f'), lo: xid, at: z.tuple([xid, changeId]).nullable() })
  .strict()
const cursorSchema = z.discriminatedUnion('p', [snapshotCursor, feedCursor])

export type SnapshotCursor = z.infer<typeof snapshotCursor>
export type FeedCursor = z.infer<typeof feedCursor>
export type Cursor = z.infer<typeof cursorSchema>

const sign = (payload: string, key: Uint8Array): string => createHmac('sha256', key).update(payload).digest('base64url')

export function encodeCursor(c: Cursor, key: Uint8Array): string {
  const payload = Buffer.from(JSON.stringify(c)).toString('base64url')
  return `${payload}.${sign(payload, key)}`
}

/** The store's cursor key (read once per client of the database). */
const keys = new WeakMap<SqlClient, Promise<Uint8Array>>()
export function cursorKey(sql: SqlClient): Promise<Uint8Array> {
  let key = keys.get(sql)
  if (!key) {
    key = sql.query<{ cursor_key: Uint8Array | null }>('SELECT cursor_key FROM server_meta WHERE id = 1').then(({ rows }) => {
      const k = rows[0]?.cursor_key
      if (!k || k.length < 16) throw new Error('The store has no cursor key: it was not migrated (openStore migrates it).')
      return new Uint8Array(k)
    })
    key.catch(() => keys.delete(sql))
    keys.set(sql, key)
  }
  return key
}

/**
 * Decodes a cursor this store made (signed with `key`; of `serverId`): anything else is refused
 * with a StoreError 'bad_request', before its content is even parsed.
 */
export function decodeCursor(text: string, key: Uint8Array, serverId?: string): Cursor {
  const m = /^([A-Za-z0-9_-]{1,1900})\.([A-Za-z0-9_-]{43})$/.exec(text)
  if (!m) throw new StoreError('bad_request', 'The cursor is not one this server signed: sync again from the start.')
  const [payload, signature] = [m[1]!, Buffer.from(m[2]!, 'base64url')]
  const expected = Buffer.from(sign(payload, key), 'base64url')
  if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
    throw new StoreError('bad_request', 'The cursor is not one this server signed: sync again from the start.')
  }
  let json: unknown
  try {
    json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
  } catch {
    throw new StoreError('bad_request', 'The cursor is not one this server made.')
  }
  let parsed: ReturnType<typeof cursorSchema.safeParse>
  try {
    parsed = cursorSchema.safeParse(json)
  } catch {
    // A check that throws on what it was given is a refusal too, never a 500.
    throw new StoreError('bad_request', 'The cursor is not one this server made.')
  }
  if (!parsed.success) throw new StoreError('bad_request', 'The cursor is not one this server made.')
  if (serverId !== undefined && parsed.data.s !== serverId) throw new StoreError('bad_request', 'The cursor belongs to another server store: sync again from the start.')
  return parsed.data
}

/** Compares two xid8 values given as decimal strings. */
export function compareXid(a: string, b: string): number {
  const [x, y] = [BigInt(a), BigInt(b)]
  return x < y ? -1 : x > y ? 1 : 0
}
