/**
 * What a message carries besides its text reaches consoles within the wire's limits, whatever a
 * stranger sent or a relay answered: a value over a limit would make every console in scope refuse
 * the same pull page for ever. And a workspace without any email channel sends nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore, type ServerStore } from '../../../src/server/store'
import { WIRE } from '../../../src/server/store/message-extras'
import { pullResponse } from '../../../src/shared/sync/protocol'
import { Console } from './support/delivery'

describe('message extras on the wire', () => {
  let store: ServerStore
  let ann: Console
  beforeAll(async () => {
    store = await openStore()
    const { agent } = await store.addAgent({ id: 'ann', name: 'Ann Agent', email: 'ann@acme.test', role: 'service', tiers: [], admin: false })
    ann = new Console(store, agent)
  })
  afterAll(async () => {
    await store?.close()
  })

  const newEmailItem = () =>
    ann.do('item.create', { kind: 'service', category: 'order', channel: 'email', subject: 'Parcel question', body: 'Where is it?', customer: { type: 'new', name: 'Carla', email: 'carla@customer.example' } })

  it('a workspace without any email channel queues no delivery for a reply on an email item', async () => {
    const itemId = await newEmailItem()
    const replyId = await ann.reply(itemId, 'No channel here')
    expect((await store.sql.query('SELECT 1 FROM deliveries WHERE message_id = $1', [replyId])).rows).toEqual([])
    const onWire = (await ann.pullAll()).flatMap((p) => p.messages).find((m) => m.id === replyId)
    expect(onWire).toBeDefined()
    expect(onWire!.delivery).toBeUndefined()
  })

  it('cuts 120 attachments, 60 problems, long names and a 5 kB relay answer to what a console accepts, and says what was left out', async () => {
    const itemId = await newEmailItem()
    const { rows } = await store.sql.query<{ id: string }>(`SELECT id FROM messages WHERE item_id = $1 AND kind = 'customer'`, [itemId])
    const messageId = rows[0]!.id
    const problems = Array.from({ length: 60 }, (_, i) => `Problem ${i}: ${'x'.repeat(i === 0 ? 900 : 10)}`)
    await store.sql.query('UPDATE messages SET problems = $2::jsonb WHERE id = $1', [messageId, JSON.stringify(problems)])
    for (let i = 0; i < 120; i++) {
      await store.sql.query(
        `INSERT INTO attachments (id, message_id, item_id, position, filename, content_type, size, content, refused) VALUES ($1, $2, $3, $4, $5, $6, 1, NULL, $7)`,
        [`att-${i}`, messageId, itemId, i, i === 0 ? `${'n'.repeat(400)}.pdf` : `file-${i}.txt`, i === 0 ? `application/${'y'.repeat(300)}` : 'text/plain', i === 0 ? 'r'.repeat(800) : null]
      )
    }
    const replyId = await ann.reply(itemId, 'A reply the relay refused')
    await store.sql.query(`INSERT INTO deliveries (message_id, item_id, state, attempts, last_error) VALUES ($1, $2, 'failed', 3, $3)`, [replyId, itemId, `550 ${'z'.repeat(5000)}`])
    await store.sql.query(`INSERT INTO changes (entity, entity_id) VALUES ('item', $1)`, [itemId])

    const pages = await ann.pullAll()
    for (const page of pages) expect(pullResponse.safeParse(page).success).toBe(true)
    const wire = pages.flatMap((p) => p.messages)
    const customer = wire.filter((m) => m.id === messageId).at(-1)!
    expect(customer.attachments).toHaveLength(WIRE.attachments)
    expect(customer.attachments![0]!.name.length).toBeLessThanOrEqual(WIRE.nameChars)
    expect(customer.attachments![0]!.contentType.length).toBeLessThanOrEqual(WIRE.typeChars)
    expect(customer.attachments![0]!.refused!.length).toBeLessThanOrEqual(WIRE.refusedChars)
    expect(customer.problems).toHaveLength(WIRE.problems)
    expect(customer.problems![0]!.length).toBeLessThanOrEqual(WIRE.problemChars)
    expect(customer.problems!.at(-1)).toBe('12 more problems are not listed.')
    expect(customer.problems).toContain('Problem 48: xxxxxxxxxx')
    // "20 more attachments are not listed." was the 61st line: folded into the last one with the others.
    const reply = wire.filter((m) => m.id === replyId).at(-1)!
    expect(reply.delivery!.error!.length).toBeLessThanOrEqual(2000)
    expect(reply.delivery!.error!.startsWith('550 zzz')).toBe(true)
  })
})
