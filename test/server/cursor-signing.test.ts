/**
 * Pull cursors are signed (HMAC-SHA256 with the store's key, server_meta.cursor_key): every
 * cursor that is not exactly one this store made, malformed, tampered, forged, unsigned (as
 * before V9) or ahead of the store, is a 400 'bad_request', never a 500. Issue 13.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore, type AgentRecord, type ServerStore } from '../../src/server/store'
import { cursorKey, encodeCursor, type Cursor, type FeedCursor } from '../../src/server/store/cursor'
import { pullResponse } from '../../src/shared/sync/protocol'
import { freshDatabase } from '../support/pg-database'

const backends = [
  { name: 'postgres', url: () => freshDatabase('cursors') },
  { name: 'pglite', url: async () => undefined }
] as const

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')
const signed = (payload: string, key: Uint8Array) => `${payload}.${createHmac('sha256', key).update(payload).digest('base64url')}`

describe.each(backends)('pull cursors on $name', ({ url }) => {
  let store: ServerStore
  let agent: AgentRecord
  let key: Uint8Array
  beforeAll(async () => {
    const databaseUrl = await url()
    store = await openStore(databaseUrl ? { databaseUrl } : {})
    agent = (await store.addAgent({ id: 'lee', name: 'Lee Park', email: 'lee@example.com', role: 'supervisor', tiers: [], admin: false })).agent
    key = await cursorKey(store.sql)
  })
  afterAll(async () => {
    await store.close()
  })
  const pull = async (cursor: string | null) => pullResponse.parse(await store.pull(agent, { clientId: randomUUID(), cursor, limit: 500, rejectionsAfter: 0 }))

  it('signs the cursors it hands out, and accepts them back', async () => {
    expect(key.length).toBe(32)
    const first = await pull(null)
    expect(first.cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/)
    const next = await pull(first.cursor)
    expect(next.more).toBe(false)
  })

  it('refuses every cursor it did not make with 400 bad_request', async () => {
    const real = (await pull(null)).cursor
    const [payload] = real.split('.') as [string, string]
    const content = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Cursor
    const feed: FeedCursor = { v: 1, s: store.serverId(), p: 'f', lo: '1', at: null }
    const otherKey = randomBytes(32)
    const cases: [string, string, RegExp][] = [
      ['unsigned (a cursor from before signing)', payload, /not one this server signed/],
      ['unsigned, lo: "abc"', b64({ ...feed, lo: 'abc' }), /not one this server signed/],
      ['tampered payload, old signature', `${b64({ ...content, done: 999 })}.${real.split('.')[1]}`, /not one this server signed/],
      ['forged with another key', signed(b64(feed), otherKey), /not one this server signed/],
      ['a truncated signature', real.slice(0, -1), /not one this server signed/],
      ['empty', '', /not one this server signed/],
      ['garbage', '!!!.???', /not one this server signed/],
      ['two dots', `${real}.x`, /not one this server signed/],
      // Signed with the store's own key, yet malformed: refused by the strict shape.
      ['lo: "abc"', signed(b64({ ...feed, lo: 'abc' }), key), /not one this server made/],
      ['lo a number', signed(b64({ ...feed, lo: 5 }), key), /not one this server made/],
      ['at of wrong types', signed(b64({ ...feed, at: [1, true] }), key), /not one this server made/],
      ['lo out of range', signed(b64({ ...feed, lo: '99999999999999999999' }), key), /not one this server made/],
      ['an unknown field', signed(b64({ ...feed, x: 1 }), key), /not one this server made/],
      ['not JSON', signed(b64('{"v":1,'), key), /not one this server made/],
      ['JSON null', signed(b64('null'), key), /not one this server made/],
      ['another store', encodeCursor({ ...feed, s: randomUUID() }, key), /another server store/],
      ['ahead of the store', encodeCursor({ ...feed, lo: '18446744073709551615' }, key), /ahead of this server/]
    ]
    for (const [what, cursor, message] of cases) {
      const error = await pull(cursor).then(
        () => null,
        (e: unknown) => e
      )
      expect(error, what).toMatchObject({ name: 'StoreError', code: 'bad_request' })
      expect((error as Error).message, what).toMatch(message)
    }
  })

  it('keeps its key: a cursor stays valid for a store opened again on the same database', async () => {
    const { rows } = await store.sql.query<{ cursor_key: Uint8Array }>('SELECT cursor_key FROM server_meta WHERE id = 1')
    expect(Buffer.from(rows[0]!.cursor_key).equals(Buffer.from(key))).toBe(true)
  })
})
