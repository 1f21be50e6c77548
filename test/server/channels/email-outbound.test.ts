/**
 * Email out: a reply composed for a customer, sent through a real SMTP listener (smtp-server on
 * 127.0.0.1), and the relay's refusals as typed errors a delivery queue can act on.
 */
import { simpleParser } from 'mailparser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  composeReply,
  handoffMessageId,
  handoffMessageIdToUuid,
  replySubject,
  threadKeyFromSubject,
  type ReplyInput
} from '../../../src/server/channels/email/compose'
import { parseInboundEmail } from '../../../src/server/channels/email/parse'
import { createSmtpSender, SmtpError } from '../../../src/server/channels/email/smtp'
import { freePort } from '../../support/dovecot'
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink'

const uuid = '5b1f0c1e-8d0e-4a53-9c39-2f8f2a1d3c4b'

const reply = (over: Partial<ReplyInput> = {}): ReplyInput => ({
  agentName: 'Ann Agent',
  workspaceName: 'Acme',
  supportAddress: 'support@acme.test',
  to: { name: 'Bob Customer', address: 'bob@example.com' },
  subject: 'Printer broken',
  threadKey: 'H-1234',
  messageId: handoffMessageId(uuid, 'acme.test'),
  inReplyTo: '<c2@example.com>',
  references: ['<c1@example.com>'],
  text: 'Hello Bob,\nplease try turning it off and on.\n\nAnn',
  ...over
})

/** Header lines of a raw message, unfolded, by lower-case name. */
function headerLines(raw: Buffer): Map<string, string> {
  const head = raw.toString('latin1').split(/\r?\n\r?\n/)[0] ?? ''
  const map = new Map<string, string>()
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':')
    if (colon > 0) map.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim())
  }
  return map
}

describe('subjects and ids that thread the answer', () => {
  it('adds one "Re:" and one key, however many the subject carries', () => {
    expect(replySubject('Printer broken', 'H-1')).toBe('Re: Printer broken [#H-1]')
    expect(replySubject('Re: RE: re[2]: Printer broken [#H-1]', 'H-1')).toBe('Re: Printer broken [#H-1]')
    expect(replySubject('AW: Re: [#H-9] Drucker kaputt', 'H-1')).toBe('Re: Drucker kaputt [#H-1]')
    expect(replySubject('Fwd: Invoice', 'H-1')).toBe('Re: Fwd: Invoice [#H-1]')
    expect(replySubject('  ', 'H-1')).toBe('Re: [#H-1]')
    expect(() => replySubject('x', 'H 1]')).toThrow(TypeError)
    // A subject is one header line: a huge one is cut, not carried.
    expect(replySubject('Re: '.repeat(300) + 'y'.repeat(5000), 'H-1').length).toBeLessThan(1000)
  })

  it('finds the key in an answer\'s subject', () => {
    expect(threadKeyFromSubject('Re: Printer broken [#H-1234]')).toBe('H-1234')
    expect(threadKeyFromSubject('Re: [#H-1] then [#H-2]')).toBe('H-2')
    expect(threadKeyFromSubject('Printer broken #H-1234')).toBeNull()
    expect(threadKeyFromSubject(replySubject('Re: x', 'H-77'))).toBe('H-77')
  })

  it('round-trips Handoff\'s Message-ID to its uuid and ignores everyone else\'s', () => {
    const id = handoffMessageId(uuid.toUpperCase(), 'acme.test')
    expect(id).toBe(`<handoff.${uuid}@acme.test>`)
    expect(handoffMessageIdToUuid(id)).toBe(uuid)
    expect(handoffMessageIdToUuid(id.slice(1, -1))).toBe(uuid)
    expect(handoffMessageIdToUuid('<c1@example.com>')).toBeNull()
    expect(handoffMessageIdToUuid(`<handoff.${uuid}x@acme.test>`)).toBeNull()
  })

  it('refuses what would make a broken or forged message', async () => {
    await expect(composeReply(reply({ messageId: 'no-brackets@acme.test' }))).rejects.toThrow(TypeError)
    await expect(composeReply(reply({ supportAddress: 'support@acme.test>\r\nBcc: x@evil.test' }))).rejects.toThrow(TypeError)
    await expect(composeReply(reply({ to: { address: 'not an address' } }))).rejects.toThrow(TypeError)
    await expect(composeReply(reply({ references: ['<ok@x>', 'bad'] }))).rejects.toThrow(TypeError)
  })
})

describe('composeReply', () => {
  it('escapes the agent\'s text into the HTML part instead of passing markup through', async () => {
    const composed = await composeReply(reply({ text: 'Use <script>alert(1)</script> & "quotes"\nline two' }))
    const parsed = await simpleParser(composed.raw)
    expect(parsed.text).toBe('Use <script>alert(1)</script> & "quotes"\nline two')
    expect(parsed.html).toContain('Use &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;<br>\nline two')
    expect(parsed.html).not.toContain('<script>')
  })

  it('is not marked as automated: an agent wrote it', async () => {
    const composed = await composeReply(reply())
    expect(headerLines(composed.raw).has('auto-submitted')).toBe(false)
    expect((await parseInboundEmail(composed.raw)).automated).toBeNull()
  })

  it('keeps the first and the latest references of a long thread', async () => {
    const references = Array.from({ length: 30 }, (_, i) => `<r${i}@example.com>`)
    const composed = await composeReply(reply({ references, inReplyTo: '<last@example.com>' }))
    const parsed = await parseInboundEmail(composed.raw)
    expect(parsed.references).toHaveLength(20)
    expect(parsed.references[0]).toBe('<r0@example.com>')
    expect(parsed.references.at(-1)).toBe('<last@example.com>')
  })
})

describe('sending through a real SMTP listener', () => {
  let sink: SmtpSink
  beforeAll(async () => {
    sink = await startSmtpSink()
  })
  afterAll(async () => {
    await sink.stop()
  })
  const sender = () => createSmtpSender({ host: sink.host, port: sink.port, security: 'none', user: sink.user, password: sink.password })

  it('delivers a composed reply with the exact threading headers and both parts', async () => {
    const composed = await composeReply(reply({ subject: 'RE: Printer broken [#H-1234]' }))
    const before = sink.messages.length
    const result = await sender().send(composed.raw, composed.envelope)
    expect(result.accepted).toEqual(['bob@example.com'])
    expect(result.rejected).toEqual([])
    expect(result.response).toMatch(/^250/)

    expect(sink.messages).toHaveLength(before + 1)
    const received = sink.messages[before]!
    expect(received.envelope).toEqual({ from: 'support@acme.test', to: ['bob@example.com'] })
    expect(received.user).toBe(sink.user)

    const headers = headerLines(received.raw)
    expect(headers.get('from')).toBe('Ann Agent via Acme <support@acme.test>')
    expect(headers.get('reply-to')).toBe('support@acme.test')
    expect(headers.get('message-id')).toBe(`<handoff.${uuid}@acme.test>`)
    expect(headers.get('in-reply-to')).toBe('<c2@example.com>')
    expect(headers.get('references')).toBe('<c1@example.com> <c2@example.com>')
    expect(headers.get('subject')).toBe('Re: Printer broken [#H-1234]')

    const parsed = await simpleParser(received.raw)
    expect(parsed.text).toBe('Hello Bob,\nplease try turning it off and on.\n\nAnn')
    expect(parsed.html).toContain('Hello Bob,<br>\nplease try turning it off and on.<br>\n<br>\nAnn')
    expect(parsed.from?.value).toEqual([{ name: 'Ann Agent via Acme', address: 'support@acme.test' }])
  })

  it('encodes a display name that is not ASCII and reads back the same', async () => {
    const composed = await composeReply(reply({ agentName: 'Zoë "Z" Ångström', workspaceName: 'Acme, Inc.' }))
    await sender().send(composed.raw, composed.envelope)
    const parsed = await simpleParser(sink.messages.at(-1)!.raw)
    expect(parsed.from?.value).toEqual([{ name: 'Zoë "Z" Ångström via Acme, Inc.', address: 'support@acme.test' }])
  })

  it('a 4xx refusal is a temporary SmtpError, then a 5xx a permanent one, then it goes through once', async () => {
    const composed = await composeReply(reply())
    const s = sender()
    const before = sink.messages.length
    sink.refuseNext(1, { code: 451, text: 'Greylisted, try again later' })
    sink.refuseNext(1, { code: 554, text: 'Message rejected' })

    const first = await s.send(composed.raw, composed.envelope).catch((e: unknown) => e)
    expect(first).toBeInstanceOf(SmtpError)
    expect(first).toMatchObject({ temporary: true, code: 451, command: 'DATA' })
    expect((first as SmtpError).response).toContain('Greylisted')

    const second = await s.send(composed.raw, composed.envelope).catch((e: unknown) => e)
    expect(second).toMatchObject({ name: 'SmtpError', temporary: false, code: 554 })

    await s.send(composed.raw, composed.envelope)
    expect(sink.messages).toHaveLength(before + 1)
  })

  it('a refused recipient: temporary for 450, permanent for 550, and only the refused one when others are taken', async () => {
    const composed = await composeReply(reply())
    sink.refuseNext(1, { code: 450, at: 'rcpt' })
    await expect(sender().send(composed.raw, composed.envelope)).rejects.toMatchObject({ temporary: true, code: 450, command: 'RCPT TO' })
    sink.refuseNext(1, { code: 550, at: 'rcpt' })
    await expect(sender().send(composed.raw, composed.envelope)).rejects.toMatchObject({ temporary: false, code: 550 })

    sink.refuseNext(1, { code: 550, at: 'rcpt' })
    const partial = await sender().send(composed.raw, { from: 'support@acme.test', to: ['gone@example.com', 'bob@example.com'] })
    expect(partial.accepted).toEqual(['bob@example.com'])
    expect(partial.rejected).toEqual(['gone@example.com'])
  })

  it('verify() logs in; a wrong password is a permanent error that does not repeat the password', async () => {
    await expect(sender().verify()).resolves.toBeUndefined()
    const secret = 'wrong-secret-5f2a9c'
    const error = await createSmtpSender({ host: sink.host, port: sink.port, security: 'none', user: sink.user, password: secret })
      .verify()
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'SmtpError', temporary: false, code: 535 })
    expect(JSON.stringify({ ...(error as object), message: (error as Error).message })).not.toContain(secret)
  })

  it('no listener at all is temporary, with no reply code', async () => {
    const port = await freePort()
    const error = await createSmtpSender({ host: '127.0.0.1', port, security: 'none', connectionTimeoutMs: 5000 })
      .send(Buffer.from('Subject: x\r\n\r\nx\r\n'), { from: 'support@acme.test', to: ['bob@example.com'] })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'SmtpError', temporary: true, code: null })
  })

  it('refuses to send in the clear when STARTTLS is required and the relay does not offer it', async () => {
    const error = await createSmtpSender({ host: sink.host, port: sink.port, security: 'starttls', user: sink.user, password: sink.password })
      .verify()
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SmtpError)
    expect(error).toMatchObject({ reason: 'ETLS', command: 'STARTTLS' })
  })
})
