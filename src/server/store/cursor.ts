/**
 * Pull cursors: opaque base64url JSON with a version and the store's server id, validated
 * strictly (a tampered cursor, or one of another store, is a StoreError 'bad_request'). Two phases:
 *  - snapshot: the first sync pages the items in scope by id; `w` is the feed watermark taken
 *    at its start, `after` the last item id sent, `done`/`total` the progress.
 *  - feed: change rows from `lo` (a watermark: every transaction below it had finished), after
 *    the position (`tx`, `id`) when a page stopped inside [lo, hi).
 */
import { z } from 'zod'
import { StoreError } from './errors'

// xid8 is an unsigned 64-bit number, a change id a signed one: out-of-range values are refused here, not by PostgreSQL.
const xid = z.string().regex(/^\d{1,20}$/).refine((v) => BigInt(v) <= 18446744073709551615n, 'xid out of range')
const changeId = z.string().regex(/^\d{1,19}$/).refine((v) => BigInt(v) <= 9223372036854775807n, 'id out of range')
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

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url')
}

/** Decodes a cursor made by this store (`serverId`): another store's cursor is refused too. */
export function decodeCursor(text: string, serverId?: string): Cursor {
  let json: unknown
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(text)) throw new Error('not base64url')
    json = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
  } catch {
    throw new StoreError('bad_request', 'The cursor is not one this server made.')
  }
  const parsed = cursorSchema.safeParse(json)
  if (!parsed.success) throw new StoreError('bad_request', 'The cursor is not one this server made.')
  if (serverId !== undefined && parsed.data.s !== serverId) throw new StoreError('bad_request', 'The cursor belongs to another server store: sync again from the start.')
  return parsed.data
}

/** Compares two xid8 values given as decimal strings. */
export function compareXid(a: string, b: string): number {
  const [x, y] = [BigInt(a), BigInt(b)]
  return x < y ? -1 : x > y ? 1 : 0
}
