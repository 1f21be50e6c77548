/** Inbound email -> items on the server store (PostgreSQL and PGlite), through the real MIME parser. */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ingestEmail, itemIdOfKey, itemKey, recordRefused } from '../../../src/server/channels/ingest'
import { parseInboundEmail } from '../../../src/server/channels/email/parse'
import { handoffMessageId } from '../../../src/server/channels/email/compose'
import { openStore, type ServerStore } from '../../../src/server/store'
import { freshDatabase } from '../../support/pg-database'

const channel = { id: 'support' }
const T0 = Date.parse('2026-03-02T09:00:00.000Z')
const DAY = 86_400_000
const at = (days: number) => new Date(T0 + days * DAY)

let n = 0
function raw(opts: { from?: string; subject?: string; body?: string; messageId?: string; inReplyTo?: string; headers?: string[] } = {}): Buffer {
  const id = opts.messageId ?? `<m${n++}.${Date.now()}@customer.example>`
  const lines = [
    `From: ${opts.from ?? 'Carla Customer <Carla@Customer.example>'}`,
    'To: support@handoff.example',
    `Subject: ${opts.subject ?? 'My order is late'}`,
    `Message-ID: ${id}`,
    ...(opts.inReplyTo ? [`In-Reply-To: ${opts.inReplyTo}`, `References: ${opts.inReplyTo}`] : []),
    'Date: Mon, 02 Mar 2026 09:00:00 +0000',
    ...(opts.headers ?? []),
    'Content-Type: text/plain; charset=utf-8',
    '',
    opts.body ?? 'Where is my parcel?',
    ''
  ]
  return Buffer.from(lines.join('\r\n'))
}
const email = async (opts: Parameters<typeof raw>[0] = {}) => parseInboundEmail(raw(opts))

const backends = [
  { name: 'postgres', url: () => freshDatabase('ingest') },
  { name: 'pglite', url: async () => undefined }
] as const

describe.each(backends)('ingestEmail on $name', ({ url }) => {
  let store: ServerStore
  beforeAll(async () => {
    const databaseUrl = await url()
    store = await openStore(databaseUrl ? { databaseUrl } : {})
    await store.sql.query(`INSERT INTO channels (id, kind, name, address, config) VALUES ('support', 'email', 'Support', 'support@handoff.example', '{}')`)
  })
  afterAll(async () => {
    await store.close()
  })

  const item = async (id: string) => (await store.sql.query<{ status: string; channel: string; queue: string; subject: string; customer_id: string; resolved_at: string | null }>('SELECT * FROM items WHERE id = $1', [id])).rows[0]
  const messages = async (itemId: string) =>
    (await store.sql.query<{ id: string; kind: string; author_id: string | null; body: string; external_id: string | null }>('SELECT * FROM messages WHERE item_id = $1 ORDER BY created_at, id', [itemId])).rows
  const events = async (itemId: string) =>
    (await store.sql.query<{ type: string; from_value: string | null; to_value: string | null; actor_id: string | null; reason: string | null }>('SELECT * FROM item_events WHERE item_id = $1 ORDER BY created_at, id', [itemId])).rows
  const resolve = (id: string, when: Date) => store.sql.query(`UPDATE items SET status = 'resolved', resolved_at = $2 WHERE id = $1`, [id, when.toISOString()])

  it('makes a new frontline email item for a new customer, with a feed row and a customer message carrying the Message-ID', async () => {
    const e = await email({ subject: 'My order is late', body: 'Where is my parcel?\n\nOn Monday, Support wrote:\n> old text' })
    const out = await ingestEmail(store, channel, e, at(0))
    if (out.status !== 'item') throw new Error(out.status)
    expect(out.action).toBe('created')
    expect(await item(out.itemId)).toMatchObject({ status: 'new', channel: 'email', queue: 'service', subject: 'My order is late' })
    const [m] = await messages(out.itemId)
    expect(m).toMatchObject({ kind: 'customer', author_id: null, external_id: e.messageId })
    expect(m!.body).toContain('Where is my parcel?')
    const { rows: customers } = await store.sql.query<{ name: string; email: string }>('SELECT name, email FROM customers WHERE id = $1', [out.customerId])
    expect(customers[0]).toEqual({ name: 'Carla Customer', email: 'carla@customer.example' })
    const { rows: feed } = await store.sql.query('SELECT * FROM changes WHERE entity_id = $1', [out.itemId])
    expect(feed).toHaveLength(1)
    const { rows: inbound } = await store.sql.query('SELECT status, item_id, message_id FROM inbound_messages WHERE external_id = $1', [e.messageId])
    expect(inbound).toEqual([{ status: 'item', item_id: out.itemId, message_id: m!.id }])
  })

  it('stores the same Message-ID once', async () => {
    const e = await email({ messageId: '<twice@customer.example>' })
    const first = await ingestEmail(store, channel, e, at(0))
    expect(first.status).toBe('item')
    expect(await ingestEmail(store, channel, await email({ messageId: '<twice@customer.example>' }), at(0))).toEqual({ status: 'duplicate' })
    const { rows } = await store.sql.query(`SELECT id FROM messages WHERE external_id = '<twice@customer.example>'`)
    expect(rows).toHaveLength(1)
  })

  it('threads an answer by In-Reply-To (of an inbound message or of a Handoff message) and by the item key of the subject, for the same customer', async () => {
    const first = await ingestEmail(store, channel, await email({ messageId: '<thread-1@customer.example>' }), at(0))
    if (first.status !== 'item') throw new Error(first.status)
    const again = await ingestEmail(store, channel, await email({ inReplyTo: '<thread-1@customer.example>', body: 'Any news?' }), at(0.1))
    expect(again).toMatchObject({ status: 'item', action: 'appended', itemId: first.itemId, customerId: first.customerId })

    const replyId = '0190a000-0000-7000-8000-000000000001'
    await store.sql.query(`INSERT INTO messages (id, item_id, kind, author_id, channel, body, created_at) VALUES ($1, $2, 'reply', NULL, 'email', 'On its way', $3)`, [
      replyId,
      first.itemId,
      at(0.2).toISOString()
    ])
    const toReply = await ingestEmail(store, channel, await email({ inReplyTo: handoffMessageId(replyId, 'handoff.example') }), at(0.3))
    expect(toReply).toMatchObject({ action: 'appended', itemId: first.itemId })

    const key = itemKey(first.itemId)!
    expect(itemIdOfKey(key)).toBe(first.itemId)
    const byKey = await ingestEmail(store, channel, await email({ subject: `Re: My order is late [#${key}]` }), at(0.4))
    expect(byKey).toMatchObject({ action: 'appended', itemId: first.itemId })
    // Someone else quoting the key gets an item of their own.
    const stranger = await ingestEmail(store, channel, await email({ from: 'Mallory <mallory@evil.example>', subject: `Re: [#${key}]` }), at(0.5))
    expect(stranger).toMatchObject({ action: 'created' })
    expect((await messages(first.itemId)).filter((m) => m.kind === 'customer')).toHaveLength(4)
  })

  it('puts a pending item back to open when the customer answers', async () => {
    const first = await ingestEmail(store, channel, await email({ messageId: '<pending-1@customer.example>' }), at(0))
    if (first.status !== 'item') throw new Error(first.status)
    await store.sql.query(`UPDATE items SET status = 'pending' WHERE id = $1`, [first.itemId])
    await ingestEmail(store, channel, await email({ inReplyTo: '<pending-1@customer.example>' }), at(1))
    expect((await item(first.itemId))!.status).toBe('open')
    expect((await events(first.itemId)).at(-1)).toMatchObject({ type: 'status', from_value: 'pending', to_value: 'open', actor_id: null })
  })

  it('reopens a resolved item within 7 days; past them, makes a new item linked to the old one', async () => {
    const a = await ingestEmail(store, channel, await email({ messageId: '<reopen-a@customer.example>' }), at(0))
    const b = await ingestEmail(store, channel, await email({ messageId: '<reopen-b@customer.example>' }), at(0))
    if (a.status !== 'item' || b.status !== 'item') throw new Error('not items')
    await resolve(a.itemId, at(1))
    await resolve(b.itemId, at(1))

    const within = await ingestEmail(store, channel, await email({ inReplyTo: '<reopen-a@customer.example>', body: 'Still broken' }), at(7))
    expect(within).toMatchObject({ action: 'reopened', itemId: a.itemId })
    expect(await item(a.itemId)).toMatchObject({ status: 'open', resolved_at: null })
    expect((await events(a.itemId)).at(-1)).toMatchObject({ type: 'status', from_value: 'resolved', to_value: 'open', actor_id: null })

    const past = await ingestEmail(store, channel, await email({ inReplyTo: '<reopen-b@customer.example>', body: 'Broken again' }), at(9))
    if (past.status !== 'item') throw new Error(past.status)
    expect(past).toMatchObject({ action: 'created-linked', linkedTo: b.itemId })
    expect(past.itemId).not.toBe(b.itemId)
    expect((await item(b.itemId))!.status).toBe('resolved')
    expect((await events(past.itemId))[0]).toMatchObject({ type: 'created', reason: expect.stringContaining(b.itemId) as string })
    expect((await messages(past.itemId))[0]!.body).toBe('Broken again')
  })

  it('a closed item is never reopened: the answer makes a new linked item', async () => {
    const a = await ingestEmail(store, channel, await email({ messageId: '<closed-a@customer.example>' }), at(0))
    if (a.status !== 'item') throw new Error(a.status)
    await store.sql.query(`UPDATE items SET status = 'closed', resolved_at = $2 WHERE id = $1`, [a.itemId, at(0.5).toISOString()])
    expect(await ingestEmail(store, channel, await email({ inReplyTo: '<closed-a@customer.example>' }), at(1))).toMatchObject({ action: 'created-linked', linkedTo: a.itemId })
  })

  it('an auto-reply or a bounce creates nothing and reopens nothing', async () => {
    const a = await ingestEmail(store, channel, await email({ messageId: '<auto-a@customer.example>' }), at(0))
    if (a.status !== 'item') throw new Error(a.status)
    await resolve(a.itemId, at(1))
    const before = (await store.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM messages')).rows[0]!.n
    const auto = await ingestEmail(store, channel, await email({ inReplyTo: '<auto-a@customer.example>', headers: ['Auto-Submitted: auto-replied'] }), at(2))
    expect(auto).toEqual({ status: 'ignored', reason: 'automated: auto-reply' })
    const bounce = await ingestEmail(store, channel, await email({ from: 'MAILER-DAEMON@customer.example', subject: 'Undelivered Mail' }), at(2))
    expect(bounce).toEqual({ status: 'ignored', reason: 'automated: bounce' })
    expect((await store.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM messages')).rows[0]!.n).toBe(before)
    expect((await item(a.itemId))!.status).toBe('resolved')
    const { rows } = await store.sql.query(`SELECT status, reason FROM inbound_messages WHERE status = 'ignored' ORDER BY reason`)
    expect(rows).toEqual([
      { status: 'ignored', reason: 'automated: auto-reply' },
      { status: 'ignored', reason: 'automated: bounce' }
    ])
  })

  it('stores the attachments in order (bytes kept, or refused with why) and the problems on the message, and the pull carries them', async () => {
    const pdf = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x10, 0x80, 0x0d, 0x0a])
    const big = Buffer.alloc(3000, 7)
    const e = await parseInboundEmail(
      Buffer.from(
        [
          'From: Carla Customer <carla@customer.example>',
          'To: support@handoff.example',
          'Subject: Files for you',
          `Message-ID: <files.${Date.now()}@customer.example>`,
          'Content-Type: multipart/mixed; boundary="b1"',
          '',
          '--b1',
          'Content-Type: text/plain; charset=utf-8',
          '',
          'See the invoice and the photo.',
          '--b1',
          'Content-Type: application/pdf; name="invoice.pdf"',
          'Content-Disposition: attachment; filename="invoice.pdf"',
          'Content-Transfer-Encoding: base64',
          '',
          pdf.toString('base64'),
          '--b1',
          'Content-Type: image/png; name="photo.png"',
          'Content-Disposition: inline; filename="photo.png"',
          'Content-Transfer-Encoding: base64',
          '',
          big.toString('base64'),
          '--b1--',
          ''
        ].join('\r\n')
      ),
      { maxAttachmentBytes: 1000 }
    )
    const out = await ingestEmail(store, channel, e, at(0))
    if (out.status !== 'item') throw new Error(out.status)
    const { rows } = await store.sql.query<{ id: string; message_id: string; item_id: string; position: number; filename: string; content_type: string; size: string | number; inline: boolean; content: Uint8Array | null; refused: string | null }>(
      'SELECT * FROM attachments WHERE message_id = $1 ORDER BY position',
      [out.messageId]
    )
    expect(rows.map((r) => ({ ...r, size: Number(r.size), content: r.content === null ? null : Buffer.from(r.content), id: typeof r.id }))).toEqual([
      { id: 'string', message_id: out.messageId, item_id: out.itemId, position: 0, filename: 'invoice.pdf', content_type: 'application/pdf', size: pdf.length, inline: false, content: pdf, refused: null },
      { id: 'string', message_id: out.messageId, item_id: out.itemId, position: 1, filename: 'photo.png', content_type: 'image/png', size: 3000, inline: true, content: null, refused: '2.9 kB is over the 1000 B limit' }
    ])
    const { rows: msg } = await store.sql.query<{ problems: string[] | null }>('SELECT problems FROM messages WHERE id = $1', [out.messageId])
    expect(msg[0]!.problems).toEqual(['Attachment "photo.png" was not kept: 2.9 kB is over the 1000 B limit.'])

    // A clean email keeps problems NULL and has no attachment rows.
    const clean = await ingestEmail(store, channel, await email({ subject: 'Plain' }), at(0))
    if (clean.status !== 'item') throw new Error(clean.status)
    expect((await store.sql.query('SELECT problems FROM messages WHERE id = $1', [clean.messageId])).rows).toEqual([{ problems: null }])
    expect((await store.sql.query('SELECT id FROM attachments WHERE message_id = $1', [clean.messageId])).rows).toEqual([])

    // A supervisor's first pull lists the files (never their bytes) and the problems.
    const { agent } = await store.addAgent({ id: `sup${n++}`, name: 'Sue Pervisor', email: `sup${n}@example.com`, role: 'supervisor', tiers: [], admin: false })
    const page = await store.pull(agent, { clientId: randomUUID(), cursor: null, limit: 2000 })
    const wire = page.messages.find((m) => m.id === out.messageId)!
    expect(wire.problems).toEqual(['Attachment "photo.png" was not kept: 2.9 kB is over the 1000 B limit.'])
    expect(wire.attachments).toEqual([
      { id: rows[0]!.id, name: 'invoice.pdf', contentType: 'application/pdf', size: pdf.length, refused: null },
      { id: rows[1]!.id, name: 'photo.png', contentType: 'image/png', size: 3000, refused: '2.9 kB is over the 1000 B limit' }
    ])
    const plain = page.messages.find((m) => m.id === clean.messageId)!
    expect(plain).not.toHaveProperty('attachments')
    expect(plain).not.toHaveProperty('problems')
  })

  it('records a refused message once, by its key', async () => {
    expect(await recordRefused(store.sql, channel, 'sha256:abc', 'The message is empty.')).toBe(true)
    expect(await recordRefused(store.sql, channel, 'sha256:abc', 'The message is empty.')).toBe(false)
    const { rows } = await store.sql.query(`SELECT status, reason FROM inbound_messages WHERE external_id = 'sha256:abc'`)
    expect(rows).toEqual([{ status: 'refused', reason: 'The message is empty.' }])
  })
})
