/**
 * GET /v1/channels over real HTTP, on PostgreSQL and PGlite: supervisors see every channel's
 * health, its delivery queue and its last day of inbound mail, counted from the tables the
 * runner and the ingest write; nothing of the config leaks; any other agent gets 403.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ingestEmail, recordRefused } from '../../src/server/channels/ingest'
import { parseInboundEmail } from '../../src/server/channels/email/parse'
import { addChannel, saveHealth, type EmailChannelConfig } from '../../src/server/channels/registry'
import { channelsResponse, type ChannelsResponse } from '../../src/shared/sync/channels-protocol'
import { call } from './support/http'
import { BACKENDS, TEAM, addAgents, startTestServer, type TestServer } from './support/servers'

const config = (user: string): EmailChannelConfig => ({
  imap: { host: 'imap.secret-host.example', port: 993, security: 'tls', user, password: { env: 'SECRET_IMAP_VAR' }, mailbox: 'INBOX', processedFolder: 'Done' },
  smtp: { host: 'smtp.secret-host.example', port: 587, security: 'starttls', user, password: { file: '/etc/secret-smtp-file' } },
  maxAttachmentBytes: 1000
})

let n = 0
const mail = (headers: string[] = []) =>
  parseInboundEmail(
    Buffer.from(
      [`From: Ann <ann${n}@customer.example>`, 'To: support@handoff.example', 'Subject: Hello', `Message-ID: <h${n++}@customer.example>`, ...headers, '', 'Hi there', ''].join('\r\n')
    )
  )

describe.each(BACKENDS)('GET /v1/channels (%s)', (backend) => {
  let server: TestServer
  let cred: Record<string, string>

  beforeAll(async () => {
    server = await startTestServer(backend)
    cred = await addAgents(server.store, TEAM)
    const sql = server.store.sql
    await addChannel(sql, { id: 'support', name: 'Support', address: 'support@handoff.example', config: config('secret-user-1') })
    await addChannel(sql, { id: 'sales', name: 'Sales', address: 'sales@handoff.example', config: config('secret-user-2') })
    await sql.query(`UPDATE channels SET disabled = true WHERE id = 'sales'`)
    await saveHealth(sql, 'support', { connected: true, lastPollAt: '2026-03-02T09:00:00.000Z', lastError: 'IMAP: connection reset', lastErrorAt: '2026-03-02T08:59:00.000Z' })

    // Support's day: two items, one auto-reply ignored, six refusals (one of them two days old).
    const support = { id: 'support' }
    const items: string[] = []
    for (let i = 0; i < 2; i++) {
      const out = await ingestEmail(server.store, support, await mail())
      if (out.status !== 'item') throw new Error(out.status)
      items.push(out.messageId)
    }
    expect((await ingestEmail(server.store, support, await mail(['Auto-Submitted: auto-replied']))).status).toBe('ignored')
    for (let i = 1; i <= 6; i++) await recordRefused(sql, support, `<broken${i}@x>`, `Unreadable message ${i}`)
    await sql.query(`UPDATE inbound_messages SET received_at = now() - interval '2 days' WHERE external_id = '<broken1@x>'`)
    for (let i = 2; i <= 6; i++) await sql.query(`UPDATE inbound_messages SET received_at = now() - make_interval(mins => $2) WHERE external_id = $1`, [`<broken${i}@x>`, 60 - i])

    // Its delivery queue: queued and sending count as queued; then failed and unconfirmed.
    const states = ['queued', 'sending', 'failed', 'failed', 'failed', 'unconfirmed', 'sent', 'sent']
    for (const [i, state] of states.entries()) {
      await sql.query('INSERT INTO deliveries (message_id, item_id, channel_id, state) VALUES ($1, $2, $3, $4)', [`reply-${i}`, 'item-x', 'support', state])
    }
    await sql.query(`INSERT INTO deliveries (message_id, item_id, channel_id, state) VALUES ('reply-other', 'item-y', 'sales', 'unconfirmed')`)
  })
  afterAll(async () => server?.stop())

  it('gives a supervisor each channel with its health, queue counts, last day of inbound mail and latest refusals', async () => {
    const res = await call<ChannelsResponse>(server.url, '/v1/channels', { credential: cred.lee! })
    expect(res.status).toBe(200)
    const body = channelsResponse.parse(res.body)
    expect(body.channels.map((c) => c.id)).toEqual(['sales', 'support'])
    const support = body.channels.find((c) => c.id === 'support')!
    expect(support).toEqual({
      id: 'support',
      kind: 'email',
      name: 'Support',
      address: 'support@handoff.example',
      disabled: false,
      connected: true,
      lastPollAt: '2026-03-02T09:00:00.000Z',
      lastError: 'IMAP: connection reset',
      lastErrorAt: '2026-03-02T08:59:00.000Z',
      deliveries: { queued: 2, failed: 3, unconfirmed: 1 },
      inbound: { items: 2, ignored: 1, refused: 5 },
      recentRefusals: [6, 5, 4, 3, 2].map((i) => ({ at: expect.any(String) as string, reason: `Unreadable message ${i}` }))
    })
    expect(body.channels.find((c) => c.id === 'sales')).toMatchObject({
      disabled: true,
      connected: false,
      lastPollAt: null,
      lastError: null,
      deliveries: { queued: 0, failed: 0, unconfirmed: 1 },
      inbound: { items: 0, ignored: 0, refused: 0 },
      recentRefusals: []
    })
    // Never the config: no servers, user names or where passwords are.
    const text = JSON.stringify(res.body)
    for (const secret of ['secret-host', 'secret-user', 'SECRET_IMAP_VAR', 'secret-smtp-file', 'config']) expect(text).not.toContain(secret)
  })

  it('refuses every other agent with 403, and a caller without a credential with 401', async () => {
    for (const who of ['dana', 'sam', 'mei']) {
      const res = await call(server.url, '/v1/channels', { credential: cred[who]! })
      expect(res.status).toBe(403)
      expect(res.body).toEqual({ error: { code: 'forbidden', message: 'Only a supervisor can see the channels.' } })
    }
    expect((await call(server.url, '/v1/channels', {})).status).toBe(401)
  })
})
