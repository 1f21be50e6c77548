/** The mailbox runner against a real Dovecot and the store on PGlite: mail in the inbox becomes items. */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startChannels, type ChannelRunner } from '../../../src/server/channels/email/run'
import { addChannel, listChannels } from '../../../src/server/channels/registry'
import { openStore, type ServerStore } from '../../../src/server/store'
import { pullResponse } from '../../../src/shared/sync/protocol'
import { startDovecot, type Dovecot } from '../../support/dovecot'
import { until } from '../../support/until'

const mail = (id: string, body: string, extra: string[] = []) =>
  [`From: Dora <dora@customer.example>`, 'To: support@handoff.example', 'Subject: Broken kettle', `Message-ID: ${id}`, ...extra, 'Content-Type: text/plain; charset=utf-8', '', body, ''].join('\r\n')

describe('email runner', () => {
  let dovecot: Dovecot
  let store: ServerStore
  let runner: ChannelRunner | null = null
  beforeAll(async () => {
    dovecot = await startDovecot()
    store = await openStore()
    process.env.HANDOFF_TEST_IMAP_PASSWORD = dovecot.password
    const server = { host: dovecot.host, port: dovecot.port, security: 'none' as const, user: dovecot.user, password: { env: 'HANDOFF_TEST_IMAP_PASSWORD' } }
    await addChannel(store.sql, { id: 'support', name: 'Support', address: 'support@handoff.example', config: { imap: { ...server, mailbox: 'INBOX', processedFolder: 'Processed' }, smtp: server } })
  })
  afterAll(async () => {
    await runner?.stop()
    await store?.close()
    await dovecot?.stop()
  })

  const count = async (sql: string) => (await store.sql.query<{ n: number }>(sql)).rows[0]!.n

  it('ingests delivered mail once, refuses a malformed message with a reason and goes on, and records health', async () => {
    await dovecot.deliver(mail('<run-1@customer.example>', 'The kettle leaks.'))
    await dovecot.deliver(mail('<run-1@customer.example>', 'The kettle leaks.'))
    await dovecot.deliver(Buffer.from('\u0000\u0001 not a mail at all'))
    await dovecot.deliver(mail('<run-2@customer.example>', 'And the lid is stuck.', ['In-Reply-To: <run-1@customer.example>']))
    // A frontline console has synced before the mail arrives; it gets the item through the feed.
    const { agent } = await store.addAgent({ id: 'fran', name: 'Fran', email: 'fran@handoff.example', role: 'service', tiers: [], admin: false })
    const clientId = randomUUID()
    const first = pullResponse.parse(await store.pull(agent, { clientId, cursor: null, limit: 500, rejectionsAfter: 0 }))
    expect(first.items).toEqual([])
    runner = await startChannels(store.sql, { imap: { pollIntervalMs: 200 }, healthEveryMs: 100 })
    await until('the mailbox is emptied', async () => (await dovecot.count('INBOX')) === 0, 20_000, 100)
    await until('both messages stored', async () => (await count(`SELECT count(*)::int AS n FROM messages WHERE external_id IS NOT NULL`)) === 2, 10_000, 100)

    const { rows: items } = await store.sql.query<{ id: string; channel: string; queue: string }>('SELECT id, channel, queue FROM items')
    expect(items).toHaveLength(1)
    expect(items[0]).toMatchObject({ channel: 'email', queue: 'service' })
    const { rows: msgs } = await store.sql.query<{ body: string }>('SELECT body FROM messages WHERE item_id = $1 ORDER BY created_at, id', [items[0]!.id])
    expect(msgs.map((m) => m.body)).toEqual(['The kettle leaks.', 'And the lid is stuck.'])
    const later = pullResponse.parse(await store.pull(agent, { clientId, cursor: first.cursor, limit: 500, rejectionsAfter: 0 }))
    expect(later.items.map((i) => i.id)).toEqual([items[0]!.id])
    expect(later.messages.filter((m) => m.itemId === items[0]!.id).map((m) => m.body)).toEqual(['The kettle leaks.', 'And the lid is stuck.'])
    const { rows: refused } = await store.sql.query<{ reason: string }>(`SELECT reason FROM inbound_messages WHERE status = 'refused'`)
    expect(refused).toHaveLength(1)
    expect(refused[0]!.reason).toMatch(/\S/)
    expect(await dovecot.count('Processed')).toBe(4)

    await until('health saved', async () => (await listChannels(store.sql))[0]!.health.lastPollAt !== null, 10_000, 100)
    const [channel] = await listChannels(store.sql)
    expect(channel!.health.connected).toBe(true)
    expect(channel!.health.lastError).toBeNull()
    expect(JSON.stringify(channel)).not.toContain(dovecot.password)
  })

  it('parses with the channel’s attachment limit: a file over it is listed as refused, one under it kept', async () => {
    await runner?.stop()
    await store.sql.query(`UPDATE channels SET config = jsonb_set(config, '{maxAttachmentBytes}', '100') WHERE id = 'support'`)
    const file = (name: string, bytes: number) => [
      '--b',
      `Content-Type: application/octet-stream; name="${name}"`,
      `Content-Disposition: attachment; filename="${name}"`,
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.alloc(bytes, 5).toString('base64')
    ]
    await dovecot.deliver(
      [
        'From: Dora <dora@customer.example>',
        'To: support@handoff.example',
        'Subject: Photos of the kettle',
        'Message-ID: <run-files@customer.example>',
        'Content-Type: multipart/mixed; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Two files.',
        ...file('small.bin', 60),
        ...file('large.bin', 500),
        '--b--',
        ''
      ].join('\r\n')
    )
    runner = await startChannels(store.sql, { imap: { pollIntervalMs: 200 }, healthEveryMs: 100 })
    await until('the files stored', async () => (await count(`SELECT count(*)::int AS n FROM attachments`)) === 2, 20_000, 100)
    const { rows } = await store.sql.query<{ filename: string; size: number; refused: string | null; kept: boolean }>(
      'SELECT filename, size::int AS size, refused, content IS NOT NULL AS kept FROM attachments ORDER BY position'
    )
    expect(rows).toEqual([
      { filename: 'small.bin', size: 60, refused: null, kept: true },
      { filename: 'large.bin', size: 500, refused: '500 B is over the 100 B limit', kept: false }
    ])
  })
})
