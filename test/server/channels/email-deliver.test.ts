/**
 * Email out: an agent's reply, pushed through the store as a console pushes it, is queued in its
 * own transaction and delivered once by the delivery worker to a real SMTP listener, with the
 * threading headers the customer's mail client needs; the pull carries its delivery state. On
 * PostgreSQL and PGlite.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { simpleParser } from 'mailparser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDeliveries, type DeliveryEvent, type DeliveryWorker } from '../../../src/server/channels/email/deliver'
import { parseInboundEmail } from '../../../src/server/channels/email/parse'
import { ingestEmail, itemKey } from '../../../src/server/channels/ingest'
import { importFile, importedItemId, parseMapping } from '../../../src/server/import'
import { NO_ADDRESS_REASON } from '../../../src/server/store/delivery-enqueue'
import { openStore, type ServerStore } from '../../../src/server/store'
import { freshDatabase } from '../../support/pg-database'
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink'
import { until } from '../../support/until'
import { Console, addSinkChannel, deliveryRow, headerLines, receivedIds } from './support/delivery'

const backends = [
  { name: 'postgres', url: () => freshDatabase('deliver') },
  { name: 'pglite', url: async () => undefined }
] as const

let n = 0
/** A customer's email as it arrives (parsed by the real MIME parser). */
const inbound = (opts: { messageId: string; inReplyTo?: string; references?: string; subject?: string; from?: string }) =>
  parseInboundEmail(
    Buffer.from(
      [
        `From: ${opts.from ?? 'Carla Customer <carla@customer.example>'}`,
        'To: support@acme.test',
        `Subject: ${opts.subject ?? 'My order is late'}`,
        `Message-ID: ${opts.messageId}`,
        ...(opts.inReplyTo ? [`In-Reply-To: ${opts.inReplyTo}`] : []),
        ...(opts.references ? [`References: ${opts.references}`] : []),
        'Content-Type: text/plain; charset=utf-8',
        '',
        `Where is my parcel? (${n++})`,
        ''
      ].join('\r\n')
    )
  )

describe.each(backends)('email delivery on $name', ({ url }) => {
  let sink: SmtpSink
  let store: ServerStore
  let worker: DeliveryWorker
  let ann: Console
  const events: DeliveryEvent[] = []
  beforeAll(async () => {
    sink = await startSmtpSink()
    const databaseUrl = await url()
    store = await openStore(databaseUrl ? { databaseUrl } : {})
    await addSinkChannel(store, sink, { id: 'support', name: 'Acme Support', address: 'support@acme.test' })
    await addSinkChannel(store, sink, { id: 'sales', name: 'Acme Sales', address: 'sales@acme.test' })
    const { agent } = await store.addAgent({ id: 'ann', name: 'Ann Agent', email: 'ann@acme.test', role: 'service', tiers: [], admin: false })
    ann = new Console(store, agent)
    // Retries are made due by the test (see due()), so every state in between can be read.
    worker = await startDeliveries(store.sql, {
      pollIntervalMs: 50,
      leaseMs: 10_000,
      backoff: { baseMs: 60_000, maxDelayMs: 120_000, maxAttempts: 3 },
      smtp: { connectionTimeoutMs: 5_000, socketTimeoutMs: 10_000 },
      onEvent: (e) => events.push(e)
    })
  })
  afterAll(async () => {
    await worker?.stop()
    await store?.close()
    await sink?.stop()
  })

  const state = async (messageId: string) => (await deliveryRow(store, messageId))?.state
  const settled = (messageId: string, wanted: string) => until(`delivery ${messageId} ${wanted}`, async () => (await state(messageId)) === wanted, 15_000, 20)
  /** The backoff's wait is over: the failed delivery is due now. */
  const due = (messageId: string) => store.sql.query('UPDATE deliveries SET next_attempt_at = now() WHERE message_id = $1', [messageId])
  /** An email item from the customer, on a channel: two emails, the second answering the first. */
  async function emailItem(channel: string, id: string): Promise<string> {
    const first = await ingestEmail(store, { id: channel }, await inbound({ messageId: `<${id}-1@customer.example>` }))
    if (first.status !== 'item') throw new Error(first.status)
    await ingestEmail(store, { id: channel }, await inbound({ messageId: `<${id}-2@customer.example>`, inReplyTo: `<${id}-1@customer.example>`, references: `<${id}-1@customer.example>` }))
    return first.itemId
  }
  const newEmailItem = (customer: { name: string; email?: string | null }, channel = 'email') =>
    ann.do('item.create', { kind: 'service', category: 'order', channel, subject: 'Parcel question', body: 'Asked at the desk.', customer: { type: 'new', ...customer } })

  it('delivers a pushed reply once, from the agent via the channel it came in on, threaded to the customer\'s last email; the pull says sent', async () => {
    const itemId = await emailItem('sales', 'first')
    const before = sink.messages.length
    const replyId = await ann.reply(itemId, 'Hello Carla,\nit ships today.\n\nAnn')
    await settled(replyId, 'sent')

    expect(sink.messages).toHaveLength(before + 1)
    const received = sink.messages.at(-1)!
    expect(received.envelope).toEqual({ from: 'sales@acme.test', to: ['carla@customer.example'] })
    const headers = headerLines(received.raw)
    const messageId = `<handoff.${replyId}@acme.test>`
    expect(headers.get('from')).toBe('Ann Agent via Acme Sales <sales@acme.test>')
    expect(headers.get('reply-to')).toBe('sales@acme.test')
    expect(headers.get('message-id')).toBe(messageId)
    expect(headers.get('in-reply-to')).toBe('<first-2@customer.example>')
    expect(headers.get('references')).toBe('<first-1@customer.example> <first-2@customer.example>')
    expect(headers.get('subject')).toBe(`Re: My order is late [#${itemKey(itemId)}]`)
    expect((await simpleParser(received.raw)).text).toBe('Hello Carla,\nit ships today.\n\nAnn')

    expect(await deliveryRow(store, replyId)).toMatchObject({ channel_id: 'sales', attempts: 1, external_id: messageId, last_error: null, next_attempt_at: null })
    expect((await deliveryRow(store, replyId))!.sent_at).not.toBeNull()
    const pages = await ann.pullAll()
    const onWire = pages.flatMap((p) => p.messages).filter((m) => m.id === replyId).at(-1)
    expect(onWire?.delivery).toMatchObject({ state: 'sent', attempts: 1, error: null, nextAttemptAt: null })
    expect(onWire?.delivery?.sentAt).toMatch(/^\d{4}-/)

    // The customer's answer to the reply threads back to the item by its Message-ID.
    const answer = await ingestEmail(store, { id: 'sales' }, await inbound({ messageId: '<first-3@customer.example>', inReplyTo: messageId, subject: 'Re: thanks' }))
    expect(answer).toMatchObject({ status: 'item', action: 'appended', itemId })
    expect(receivedIds(sink).filter((id) => id === messageId)).toHaveLength(1)
  })

  it('queues nothing for a note, a handoff summary, a logged contact or a reply on a chat item', async () => {
    const itemId = await emailItem('support', 'quiet')
    const noteId = `${await ann.do('item.addNote', { itemId, body: 'Internal: customer is a VIP' })}.m`
    const contactItem = await ann.do('item.logContact', { channel: 'phone', category: 'order', subject: 'Called about parcel', summary: 'Explained delay', outcome: 'open', customer: { type: 'new', name: 'Phil', email: 'phil@customer.example' } })
    const handoffId = await ann.do('item.escalateToSupport', { itemId, reasonCode: 'technical', summary: 'Needs a specialist', assigneeId: null, expectedQueue: 'service', expectedTier: null, category: 'troubleshooting' })
    const chatItem = await newEmailItem({ name: 'Chad', email: 'chad@customer.example' }, 'chat')
    const chatReply = await ann.reply(chatItem, 'Hi from chat')

    const { rows: messages } = await store.sql.query<{ id: string; kind: string }>('SELECT id, kind FROM messages WHERE item_id = ANY($1::text[]) ORDER BY created_at', [[itemId, contactItem, chatItem]])
    expect(messages.map((m) => m.kind)).toEqual(expect.arrayContaining(['note', 'contact', 'handoff', 'reply']))
    const { rows: queued } = await store.sql.query<{ message_id: string }>('SELECT message_id FROM deliveries WHERE message_id = ANY($1::text[])', [[...messages.map((m) => m.id), noteId, handoffId, chatReply]])
    expect(queued).toEqual([])
  })

  it('a reply made while every email channel is disabled is not dropped: it waits, failed with why and a next attempt, and goes once the channel is back', async () => {
    const itemId = await newEmailItem({ name: 'Nina', email: 'nina@customer.example' })
    await store.sql.query('UPDATE channels SET disabled = true')
    const replyId = await ann.reply(itemId, 'Sent while the mailbox was switched off')
    await settled(replyId, 'failed')
    const failed = await deliveryRow(store, replyId)
    expect(failed).toMatchObject({ state: 'failed', attempts: 1 })
    expect(failed!.last_error).toMatch(/is disabled/)
    expect(failed!.next_attempt_at).not.toBeNull()
    await store.sql.query('UPDATE channels SET disabled = false')
    await due(replyId)
    await settled(replyId, 'sent')
    expect(sink.messages.filter((m) => m.envelope.to.includes('nina@customer.example'))).toHaveLength(1)
  })

  it('an import never sends: its historical replies on email items are not queued', async () => {
    await store.addAgent({ id: 'sam', name: 'Sam Okafor', email: 'sam@example.com', role: 'support', tiers: [1], admin: false })
    const file = join(mkdtempSync(join(tmpdir(), 'handoff-deliver-')), 'tickets.csv')
    writeFileSync(file, 'id,name,email,opened,answered,agent,text\n1,Ada,ada@example.com,2024-03-01 09:00,2024-03-01 09:30,sam@example.com,Printer on fire\n')
    const mapping = parseMapping(
      JSON.stringify({
        source: 'deliver-test',
        shape: 'item-per-row',
        dates: { format: 'yyyy-MM-dd HH:mm', timeZone: 'UTC' },
        fields: { externalId: 'id', customerName: 'name', customerEmail: 'email', subject: 'text', body: 'text', kind: { value: 'service' }, category: { value: 'order' }, channel: { value: 'email' }, status: { value: 'open' }, createdAt: 'opened', firstResponseAt: 'answered', agent: { column: 'agent', by: 'email', unknown: 'error' } }
      })
    )
    expect((await importFile(store, file, mapping)).items.new).toBe(1)
    const itemId = importedItemId('deliver-test', '1')
    const { rows } = await store.sql.query<{ id: string; kind: string }>('SELECT id, kind FROM messages WHERE item_id = $1', [itemId])
    expect(rows.map((r) => r.kind).sort()).toEqual(['customer', 'reply'])
    const { rows: queued } = await store.sql.query('SELECT * FROM deliveries WHERE item_id = $1', [itemId])
    expect(queued).toEqual([])
  })

  it('a customer without an email address: the reply is failed for good with a reason the agent understands', async () => {
    const itemId = await newEmailItem({ name: 'Walk-in Will' })
    const replyId = await ann.reply(itemId, 'We will call you')
    expect(await deliveryRow(store, replyId)).toMatchObject({ state: 'failed', next_attempt_at: null, last_error: NO_ADDRESS_REASON, attempts: 0, channel_id: 'support' })
  })

  it('an address a mail cannot be sent to fails for good, before anything reaches the relay', async () => {
    const itemId = await newEmailItem({ name: 'Odd', email: 'odd@customer.example' })
    await store.sql.query(`UPDATE customers SET email = 'odd@customer.example>\r\nBcc: x@evil.example' WHERE id = (SELECT customer_id FROM items WHERE id = $1)`, [itemId])
    const before = sink.messages.length
    const replyId = await ann.reply(itemId, 'Hello')
    await settled(replyId, 'failed')
    const row = (await deliveryRow(store, replyId))!
    expect(row).toMatchObject({ next_attempt_at: null, attempts: 1 })
    expect(row.last_error).toMatch(/^The reply could not be composed: to is not an email address/)
    expect(sink.messages).toHaveLength(before)
  })

  it('a relay that answers 4xx twice: failed with the next attempt and the reason each time, then sent, after 3 attempts', async () => {
    const itemId = await emailItem('support', 'grey')
    const before = sink.messages.length
    sink.refuseNext(2, { code: 451, text: 'Greylisted, try again later' })
    const replyId = await ann.reply(itemId, 'Your refund is on its way')

    for (const attempt of [1, 2]) {
      await until(`attempt ${attempt} failed`, async () => (await deliveryRow(store, replyId))?.attempts === attempt && (await state(replyId)) === 'failed', 15_000, 20)
      const row = (await deliveryRow(store, replyId))!
      expect(row.last_error).toContain('451')
      expect(row.last_error).toContain('Greylisted, try again later')
      // Backoff: 60 s after the first attempt, 120 s after the second, of which a random half is taken off.
      const waitMs = new Date(row.next_attempt_at!).getTime() - Date.now()
      expect(waitMs).toBeGreaterThan(attempt === 1 ? 20_000 : 50_000)
      const pulled = (await ann.pullAll()).flatMap((p) => p.messages).filter((m) => m.id === replyId).at(-1)
      expect(pulled?.delivery).toMatchObject({ state: 'failed', attempts: attempt, error: row.last_error })
      expect(pulled?.delivery?.nextAttemptAt).not.toBeNull()
      await due(replyId)
    }
    await settled(replyId, 'sent')
    expect(await deliveryRow(store, replyId)).toMatchObject({ attempts: 3, last_error: null })
    expect(sink.messages).toHaveLength(before + 1)
    expect(events.filter((e) => e.type === 'failed' && e.messageId === replyId)).toHaveLength(2)
  })

  it('a 5xx refusal fails for good with the relay\'s answer; Retry sends it, once', async () => {
    const itemId = await emailItem('support', 'reject')
    const before = sink.messages.length
    sink.refuseNext(1, { code: 554, text: 'Message rejected by policy' })
    const replyId = await ann.reply(itemId, 'Please see attached')
    await settled(replyId, 'failed')
    const failed = (await deliveryRow(store, replyId))!
    expect(failed).toMatchObject({ attempts: 1, next_attempt_at: null })
    expect(failed.last_error).toContain('554 Message rejected by policy')
    expect(sink.messages).toHaveLength(before)

    await ann.do('item.retryDelivery', { itemId, messageId: replyId })
    await settled(replyId, 'sent')
    expect(sink.messages).toHaveLength(before + 1)
    expect(receivedIds(sink).filter((id) => id === `<handoff.${replyId}@acme.test>`)).toHaveLength(1)
    // A second Retry of a sent reply changes nothing and sends nothing.
    await ann.do('item.retryDelivery', { itemId, messageId: replyId })
    await worker.runOnce()
    expect(await state(replyId)).toBe('sent')
    expect(sink.messages).toHaveLength(before + 1)
  })

  it('the cap: a relay that keeps answering 4xx fails the reply for good after the last attempt', async () => {
    const itemId = await emailItem('support', 'cap')
    const before = sink.messages.length
    sink.refuseNext(3, { code: 421, text: 'Service not available' })
    const replyId = await ann.reply(itemId, 'Trying hard')
    for (const attempt of [1, 2]) {
      await until(`attempt ${attempt} failed`, async () => (await deliveryRow(store, replyId))?.attempts === attempt && (await state(replyId)) === 'failed', 15_000, 20)
      await due(replyId)
    }
    await until('the third attempt failed', async () => (await deliveryRow(store, replyId))?.attempts === 3, 15_000, 20)
    await settled(replyId, 'failed')
    const row = (await deliveryRow(store, replyId))!
    expect(row.next_attempt_at).toBeNull()
    expect(row.last_error).toContain('421 Service not available')
    expect(row.last_error).toContain('gave up after 3 attempts')
    // Given up: nothing more happens by itself.
    await worker.runOnce()
    expect(await deliveryRow(store, replyId)).toMatchObject({ state: 'failed', attempts: 3 })
    expect(sink.messages).toHaveLength(before)
  })

  it('a relay that takes the message and drops the connection before answering: unconfirmed, not sent again', async () => {
    const itemId = await emailItem('support', 'drop')
    const before = sink.messages.length
    sink.dropAfterDataNext(1)
    const replyId = await ann.reply(itemId, 'Did this arrive?')
    await settled(replyId, 'unconfirmed')
    expect((await deliveryRow(store, replyId))!.last_error).toMatch(/may have arrived/)
    expect(sink.messages).toHaveLength(before + 1)
    await worker.runOnce()
    expect(await state(replyId)).toBe('unconfirmed')
    expect(sink.messages).toHaveLength(before + 1)
  })
})
