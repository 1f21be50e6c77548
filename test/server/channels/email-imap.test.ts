/**
 * Email in over IMAP, against a real Dovecot on 127.0.0.1 (test/support/dovecot.ts): messages are
 * handed over then moved or flagged, with IDLE and by polling, and nothing is lost when the
 * connection drops mid-fetch or between hand-over and move (a message may be handed twice:
 * the caller dedupes by Message-ID).
 *
 * One server serves the whole file; each test reads its own mailbox so tests never share mail.
 * Poll intervals are long where a test proves that IDLE, not a poll, brought the message.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createImapReader, ImapError, type ImapConfig, type ImapReader } from '../../../src/server/channels/email/imap'
import { startDovecot, startTcpProxy, type Dovecot, type TcpProxy } from '../../support/dovecot'
import { until } from '../../support/until'

const SOON = 15_000
const NEVER_POLL = 10 * 60_000

function message(id: string, body = 'Hello from a customer.'): Buffer {
  return Buffer.from(['From: Bob <bob@example.com>', 'To: support@acme.test', `Subject: test ${id}`, `Message-ID: <${id}@example.com>`, 'Date: Tue, 1 Jul 2025 10:00:00 +0000', '', body, ''].join('\r\n'))
}

const messageIdOf = (raw: Buffer): string => /^Message-ID: (<[^>]+>)/im.exec(raw.toString('latin1'))?.[1] ?? '?'

interface Handed {
  raw: Buffer
  uid: number
  id: string
}

describe('IMAP reader against Dovecot', () => {
  let dovecot: Dovecot
  const readers: ImapReader[] = []
  const proxies: TcpProxy[] = []
  let n = 0
  /** A fresh mailbox and processed folder for each test. */
  const fresh = async () => {
    n++
    await dovecot.createMailbox(`In${n}`)
    return { mailbox: `In${n}`, processed: `Done${n}` }
  }
  const config = (over: Partial<ImapConfig>): ImapConfig => ({
    host: dovecot.host,
    port: dovecot.port,
    security: 'none',
    user: dovecot.user,
    password: dovecot.password,
    pollIntervalMs: NEVER_POLL,
    backoff: { initialMs: 50, maxMs: 500 },
    ...over
  })
  const reader = (cfg: ImapConfig, handed: Handed[], onMessage?: (raw: Buffer, uid: number) => Promise<void>) => {
    const r = createImapReader(cfg, async (raw, uid) => {
      if (onMessage) await onMessage(raw, uid)
      handed.push({ raw, uid, id: messageIdOf(raw) })
    })
    readers.push(r)
    return r
  }

  beforeAll(async () => {
    dovecot = await startDovecot()
  })
  afterEach(async () => {
    for (const r of readers.splice(0)) await r.stop()
    for (const p of proxies.splice(0)) await p.close()
  })
  afterAll(async () => {
    await dovecot?.stop()
  })

  it('with IDLE: hands over a message that arrives, moves it only after the hand-over, and a second one too', async () => {
    const { mailbox, processed } = await fresh()
    await dovecot.deliver(message('seed'), mailbox)
    const handed: Handed[] = []
    const seenInMailboxDuringHandover: string[][] = []
    const r = reader(config({ mailbox, after: { move: processed } }), handed, async () => {
      seenInMailboxDuringHandover.push(await dovecot.messageIds(mailbox))
    })
    r.start()
    await until('the message already there', () => handed.length === 1, SOON)
    await until('connected with IDLE', () => r.health().mode === 'idle', SOON)

    await dovecot.deliver(message('a1'), mailbox)
    await until('the first new message', () => handed.length === 2, SOON)
    await dovecot.deliver(message('a2'), mailbox)
    await until('the second new message', () => handed.length === 3, SOON)

    expect(handed.map((h) => h.id)).toEqual(['<seed@example.com>', '<a1@example.com>', '<a2@example.com>'])
    expect(handed[1]?.raw.equals(message('a1'))).toBe(true)
    // Still in the mailbox while being handed over: a crash then leaves it there, not lost.
    expect(seenInMailboxDuringHandover[1]).toContain('<a1@example.com>')
    await until('all moved', async () => (await dovecot.count(mailbox)) === 0, SOON)
    expect(await dovecot.messageIds(processed)).toEqual(['<seed@example.com>', '<a1@example.com>', '<a2@example.com>'])
    const health = r.health()
    expect(health).toMatchObject({ running: true, connected: true, connects: 1, taken: 3, lastError: null })
    expect(health.lastPollAt).not.toBeNull()
  })

  it('takes what was waiting, oldest first', async () => {
    const { mailbox, processed } = await fresh()
    for (const id of ['w1', 'w2', 'w3']) await dovecot.deliver(message(id), mailbox)
    const handed: Handed[] = []
    reader(config({ mailbox, after: { move: processed } }), handed).start()
    await until('three messages', () => handed.length === 3, SOON)
    expect(handed.map((h) => h.id)).toEqual(['<w1@example.com>', '<w2@example.com>', '<w3@example.com>'])
    expect(handed.map((h) => h.uid)).toEqual([...handed.map((h) => h.uid)].sort((a, b) => a - b))
  })

  it('the connection cut in the middle of a FETCH: reconnects, and the message arrives whole', async () => {
    const { mailbox, processed } = await fresh()
    const proxy = await startTcpProxy(dovecot.port)
    proxies.push(proxy)
    const handed: Handed[] = []
    const r = reader(config({ port: proxy.port, mailbox, after: { move: processed } }), handed)
    r.start()
    await until('connected', () => r.health().connected, SOON)

    const big = message('big', ('line of a long message '.repeat(3) + '\r\n').repeat(5000))
    const cut = proxy.cutWhen({ clientSends: /(BODY|BINARY)\.PEEK\[\]/i, afterServerBytes: 4096 })
    await dovecot.deliver(big, mailbox)
    await cut
    await until('the message, after reconnecting', () => handed.length >= 1, SOON)
    await dovecot.deliver(message('after'), mailbox)
    await until('the next message', () => handed.some((h) => h.id === '<after@example.com>'), SOON)

    // Never a partial message, and nothing lost.
    for (const h of handed.filter((h) => h.id === '<big@example.com>')) expect(h.raw.equals(big)).toBe(true)
    expect(handed.filter((h) => h.id === '<big@example.com>').length).toBeGreaterThanOrEqual(1)
    expect(r.health().connects).toBeGreaterThanOrEqual(2)
    expect(proxy.connections).toBeGreaterThanOrEqual(2)
    expect(r.health().lastError).not.toBeNull()
    await until('all moved', async () => (await dovecot.count(mailbox)) === 0, SOON)
    expect(await dovecot.messageIds(processed)).toEqual(['<big@example.com>', '<after@example.com>'])
  })

  it('the connection cut between hand-over and move: the message is handed again, never lost', async () => {
    const { mailbox, processed } = await fresh()
    const proxy = await startTcpProxy(dovecot.port)
    proxies.push(proxy)
    const handed: Handed[] = []
    const r = reader(config({ port: proxy.port, mailbox, after: { move: processed } }), handed)
    r.start()
    await until('connected', () => r.health().connected, SOON)
    const cut = proxy.cutWhen({ clientSends: /UID MOVE/i, afterServerBytes: 0 })
    await dovecot.deliver(message('twice'), mailbox)
    await cut
    await until('moved after reconnecting', async () => (await dovecot.messageIds(processed)).length === 1, SOON)
    // At least once: the caller sees the same Message-ID twice and keeps one.
    expect(handed.map((h) => h.id)).toEqual(['<twice@example.com>', '<twice@example.com>'])
    expect(await dovecot.count(mailbox)).toBe(0)
    expect(await dovecot.messageIds(processed)).toEqual(['<twice@example.com>'])
  })

  it('kicked off by the server while idling: reconnects and keeps taking mail', async () => {
    const { mailbox, processed } = await fresh()
    const handed: Handed[] = []
    const r = reader(config({ mailbox, after: { move: processed } }), handed)
    r.start()
    await until('idling', () => r.health().mode === 'idle', SOON)
    expect(dovecot.kick()).toBe(true)
    await until('reconnected', () => r.health().connects >= 2 && r.health().connected, SOON)
    await dovecot.deliver(message('k1'), mailbox)
    await until('the message', () => handed.length === 1, SOON)
    expect(handed[0]?.id).toBe('<k1@example.com>')
  })

  it('a hand-over that fails leaves the message in place and retries it on the next poll', async () => {
    const { mailbox, processed } = await fresh()
    await dovecot.deliver(message('retry'), mailbox)
    const handed: Handed[] = []
    let attempts = 0
    let inMailboxOnSecondAttempt = -1
    const r = reader(config({ mailbox, after: { move: processed }, pollIntervalMs: 100 }), handed, async () => {
      attempts++
      if (attempts === 1) throw new Error('database unavailable')
      inMailboxOnSecondAttempt = await dovecot.count(mailbox)
    })
    r.start()
    await until('taken on a later attempt', () => handed.length === 1, SOON)
    expect(attempts).toBe(2)
    // Left in place by the failure, so it could be handed again.
    expect(inMailboxOnSecondAttempt).toBe(1)
    expect(r.health().lastError).toContain('database unavailable')
    await until('moved', async () => (await dovecot.count(processed)) === 1, SOON)
  })

  it('flagging instead of moving: \\Seen marks what is taken, and a restarted reader does not take it again', async () => {
    const { mailbox } = await fresh()
    await dovecot.deliver(message('f1'), mailbox)
    const handed: Handed[] = []
    const first = reader(config({ mailbox, after: { flag: '\\Seen' } }), handed)
    first.start()
    await until('taken', () => first.health().taken === 1, SOON)
    await first.stop()
    expect(first.health()).toMatchObject({ running: false, connected: false })

    await dovecot.deliver(message('f2'), mailbox)
    const second = reader(config({ mailbox, after: { flag: '\\Seen' } }), handed)
    second.start()
    await until('the new one', () => handed.length === 2, SOON)
    await until('taken', () => second.health().taken === 1, SOON)
    expect(handed.map((h) => h.id)).toEqual(['<f1@example.com>', '<f2@example.com>'])
    expect(await dovecot.count(mailbox)).toBe(2)
  })

  it('idle: false polls even on a server that offers IDLE', async () => {
    const { mailbox, processed } = await fresh()
    const handed: Handed[] = []
    const r = reader(config({ mailbox, after: { move: processed }, idle: false, pollIntervalMs: 100 }), handed)
    r.start()
    await until('polling', () => r.health().mode === 'poll', SOON)
    await dovecot.deliver(message('p0'), mailbox)
    await until('the message', () => handed.length === 1, SOON)
  })

  it('stop() while idling ends the session and hands nothing more over', async () => {
    const { mailbox } = await fresh()
    const handed: Handed[] = []
    const r = reader(config({ mailbox }), handed)
    r.start()
    await until('idling', () => r.health().mode === 'idle', SOON)
    await r.stop()
    expect(r.health()).toMatchObject({ running: false, connected: false, mode: null })
    await until('its session gone from the server', () => !dovecot.kick(), SOON)
    await dovecot.deliver(message('late'), mailbox)
    expect(handed).toEqual([])
    expect(await dovecot.count(mailbox)).toBe(1)
  })

  it('test(): counts the mailbox; a wrong password or mailbox is a typed error without the password in it', async () => {
    const { mailbox } = await fresh()
    await dovecot.deliver(message('t1'), mailbox)
    await dovecot.deliver(message('t2'), mailbox)
    const probe = createImapReader(config({ mailbox }), async () => undefined)
    expect(await probe.test()).toEqual({ mailbox, messages: 2, idle: true })
    // test() only looks: nothing was taken.
    expect(await dovecot.count(mailbox)).toBe(2)

    const missing = await createImapReader(config({ mailbox: 'NoSuchFolder' }), async () => undefined)
      .test()
      .catch((e: unknown) => e)
    expect(missing).toMatchObject({ name: 'ImapError', code: 'mailbox' })

    // Last in this file: Dovecot makes logins from the same address wait after a failed one.
    const secret = `wrong-${randomUUID()}`
    const denied = await createImapReader(config({ password: secret }), async () => undefined)
      .test()
      .catch((e: unknown) => e)
    expect(denied).toBeInstanceOf(ImapError)
    expect(denied).toMatchObject({ code: 'auth' })
    expect((denied as Error).message).not.toContain(secret)
  })

  it('a reader that cannot log in keeps trying, says why in its health, and never shows the password', async () => {
    const secret = `wrong-${randomUUID()}`
    const r = reader(config({ password: secret }), [])
    r.start()
    await until('an error', () => r.health().lastError !== null, SOON)
    const health = r.health()
    expect(health).toMatchObject({ running: true, connected: false, connects: 0 })
    expect(JSON.stringify(health)).not.toContain(secret)
    await r.stop()
    expect(r.health().running).toBe(false)
  })
})

describe('IMAP reader against a Dovecot without IDLE', () => {
  let dovecot: Dovecot
  let r: ImapReader | undefined
  beforeAll(async () => {
    dovecot = await startDovecot({ idle: false })
  })
  afterAll(async () => {
    await r?.stop()
    await dovecot?.stop()
  })

  it('polls, and takes what arrives', async () => {
    const handed: string[] = []
    r = createImapReader(
      { host: dovecot.host, port: dovecot.port, security: 'none', user: dovecot.user, password: dovecot.password, pollIntervalMs: 100, after: { move: 'Handoff/Processed' } },
      async (raw) => {
        handed.push(messageIdOf(raw))
      }
    )
    expect(await r.test()).toMatchObject({ mailbox: 'INBOX', idle: false })
    r.start()
    await until('polling', () => r?.health().mode === 'poll', SOON)
    await dovecot.deliver(message('n1'))
    await until('the first message', () => handed.length === 1, SOON)
    await dovecot.deliver(message('n2'))
    await until('the second message', () => handed.length === 2, SOON)
    expect(handed).toEqual(['<n1@example.com>', '<n2@example.com>'])
    expect(await dovecot.messageIds('Handoff/Processed')).toEqual(['<n1@example.com>', '<n2@example.com>'])
    expect(r.health().connects).toBe(1)
  })
})
