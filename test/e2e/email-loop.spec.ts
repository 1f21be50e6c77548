/**
 * Issue 12 end to end, with every part real: a customer's email put into a Dovecot mailbox
 * becomes an item in a signed-in console (harness + Chromium) against `npm run server`; the
 * agent's reply reaches the customer through an SMTP listener with Handoff's threading headers;
 * the customer's answer lands on the same item; and a reply written while the server is down
 * waits in the outbox and is delivered exactly once when it is back, the thread saying "Sent".
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { simpleParser, type ParsedMail } from 'mailparser'
import { startHarness } from '../../scripts/harness/process'
import { runCli, startServerProcess } from '../../scripts/harness/server-process'
import { startDovecot } from '../support/dovecot'
import { startSmtpSink } from '../support/smtp-sink'
import { expect, test } from './fixtures'

interface Added {
  agent: { id: string }
  credential: string
}

const thread = (page: Page) => page.getByRole('list', { name: 'Thread' })
const entry = (page: Page, text: string) => thread(page).getByRole('listitem').filter({ hasText: text })
const inboxRows = (page: Page, subject: string) => page.getByRole('grid', { name: 'Inbox' }).locator('[role="row"][aria-rowindex]').filter({ hasText: subject })

const customerEmail = (o: { id: string; subject: string; body: string; inReplyTo?: string; references?: string[] }) =>
  [
    'From: Ada Lovelace <ada@customer.example>',
    'To: Acme Support <support@acme.example>',
    `Subject: ${o.subject}`,
    `Message-ID: ${o.id}`,
    ...(o.inReplyTo ? [`In-Reply-To: ${o.inReplyTo}`] : []),
    ...(o.references ? [`References: ${o.references.join(' ')}`] : []),
    `Date: ${new Date().toUTCString()}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    o.body,
    ''
  ].join('\r\n')

const references = (mail: ParsedMail): string[] => (mail.references === undefined ? [] : Array.isArray(mail.references) ? mail.references : [mail.references])

test('a customer’s email becomes an item, the reply reaches the customer threaded, the answer lands on the same item, and an offline reply is delivered once', async ({ browser }) => {
  test.setTimeout(180_000)
  const dir = await mkdtemp(join(tmpdir(), 'handoff-e2e-email-'))
  const store = { data: join(dir, 'server') }
  const cleanups: (() => Promise<unknown>)[] = [() => rm(dir, { recursive: true, force: true })]
  try {
    const dovecot = await startDovecot()
    cleanups.unshift(() => dovecot.stop())
    const sink = await startSmtpSink()
    cleanups.unshift(() => sink.stop())
    // The server process inherits these: the store keeps only their names.
    process.env.HANDOFF_E2E_IMAP_PASSWORD = dovecot.password
    process.env.HANDOFF_E2E_SMTP_PASSWORD = sink.password
    const dana = await runCli<Added>(store, ['agent', 'add', '--id', 'dana', '--name', 'Dana Reyes', '--email', 'dana@acme.example', '--role', 'service'])
    await runCli(store, [
      'channel', 'add', 'email', '--id', 'support', '--name', 'Acme Support', '--address', 'support@acme.example',
      '--imap-host', dovecot.host, '--imap-port', String(dovecot.port), '--imap-security', 'none', '--imap-user', dovecot.user, '--imap-password-env', 'HANDOFF_E2E_IMAP_PASSWORD',
      '--smtp-host', sink.host, '--smtp-port', String(sink.port), '--smtp-security', 'none', '--smtp-user', sink.user, '--smtp-password-env', 'HANDOFF_E2E_SMTP_PASSWORD'
    ])
    let server = await startServerProcess(store)
    cleanups.unshift(() => server.stop())

    const harness = await startHarness(await mkdtemp(join(dir, 'console-')), { empty: true })
    cleanups.unshift(() => harness.stop())
    const context = await browser.newContext()
    cleanups.unshift(() => context.close())
    const page = await context.newPage()
    await page.goto(harness.url)
    await page.getByRole('button', { name: 'Connect to a server' }).click()
    await page.getByRole('textbox', { name: 'Server address' }).fill(server.url)
    await page.getByLabel('Credential').fill(dana.credential)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect(page.getByRole('status').filter({ hasText: 'Online' }).first()).toBeVisible({ timeout: 30_000 })
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Frontline queue' }).click()

    // The customer writes to the support address.
    const subject = 'Kettle arrived broken'
    const first = '<kettle-1@customer.example>'
    await dovecot.deliver(customerEmail({ id: first, subject, body: 'The kettle I ordered arrived with a cracked lid. Can I get a new one?' }))
    await expect(inboxRows(page, subject)).toHaveCount(1, { timeout: 20_000 })
    await inboxRows(page, subject).click()
    await expect(page.getByRole('region', { name: 'Item' }).getByRole('heading', { level: 2 })).toHaveText(subject)
    await expect(thread(page)).toContainText('arrived with a cracked lid')

    // Dana answers; the customer's mailbox (the SMTP listener) gets it, threaded.
    const reply = 'Sorry about that, Ada. A new kettle is on its way today.'
    await page.getByRole('radio', { name: 'Reply' }).check()
    await page.getByRole('textbox', { name: 'Message' }).fill(reply)
    await page.getByRole('button', { name: 'Send reply' }).click()
    await expect(entry(page, reply).getByRole('status', { name: /^Delivery: Sent/ })).toBeVisible({ timeout: 30_000 })
    expect(sink.messages).toHaveLength(1)
    const sent = await simpleParser(sink.messages[0]!.raw)
    expect(sink.messages[0]!.envelope.to).toEqual(['ada@customer.example'])
    expect(sent.from?.value[0]).toMatchObject({ name: 'Dana Reyes via Acme Support', address: 'support@acme.example' })
    expect(sent.inReplyTo).toBe(first)
    expect(references(sent)).toContain(first)
    expect(sent.subject).toMatch(/^Re: Kettle arrived broken \[#[0-9a-f]{32}\]$/)
    expect(sent.text).toContain(reply)
    expect(sent.messageId).toMatch(/^<handoff\./)

    // Ada answers that email: the answer joins the same item.
    const answer = 'Thank you! I will keep the old one until the new one is here.'
    await dovecot.deliver(
      customerEmail({ id: '<kettle-2@customer.example>', subject: `Re: ${sent.subject}`, body: answer, inReplyTo: sent.messageId!, references: [first, sent.messageId!] })
    )
    await expect(thread(page)).toContainText(answer, { timeout: 20_000 })
    await expect(inboxRows(page, subject)).toHaveCount(1)

    // The server goes away; Dana replies anyway: the reply waits in the outbox.
    const port = Number(new URL(server.url).port)
    await server.stop()
    const offline = 'Written while our server was down: the courier comes tomorrow morning.'
    await page.getByRole('radio', { name: 'Reply' }).check()
    await page.getByRole('textbox', { name: 'Message' }).fill(offline)
    await page.getByRole('button', { name: 'Send reply' }).click()
    await expect(entry(page, offline).getByRole('status', { name: 'Delivery: Waiting to sync' })).toBeVisible()
    await expect(page.getByRole('status').filter({ hasText: 'Offline' }).first()).toBeVisible({ timeout: 20_000 })

    // Back (same address): the reply goes up, is delivered once, and the thread says so.
    server = await startServerProcess(store, { port })
    await expect(entry(page, offline).getByRole('status', { name: /^Delivery: Sent/ })).toBeVisible({ timeout: 60_000 })
    await expect(page.getByText('All changes synced')).toBeVisible({ timeout: 15_000 })
    expect(sink.messages).toHaveLength(2)
    const second = await simpleParser(sink.messages[1]!.raw)
    expect(second.text).toContain(offline)
    expect(second.inReplyTo).toBe('<kettle-2@customer.example>')
    expect(second.messageId).not.toBe(sent.messageId)
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined)
  }
})
