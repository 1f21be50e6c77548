/**
 * A customer's files and the channels' health end to end: a real server (`npm run server` on the
 * embedded store, agents and an email channel made with `npm run cli`) holds an email that came
 * in with two files, one over the channel's limit and so refused. A signed-in agent's console
 * lists both under the message with the notice of what could not be read, saves the kept one
 * (its exact bytes land in the workspace folder) and shows why the other is not there. A
 * supervisor sees the channel in Settings, with the error its mailbox reader hit; a local
 * workspace's supervisor is told channels need a server.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { startHarness, type HarnessProcess } from '../../scripts/harness/process'
import { runCli, startServerProcess, type ServerProcess } from '../../scripts/harness/server-process'
import { ingestEmail } from '../../src/server/channels/ingest'
import { parseInboundEmail } from '../../src/server/channels/email/parse'
import { openStore } from '../../src/server/store'
import { emailWithFiles } from '../sync/support/emails'
import { expect, test } from './fixtures'
import { runCommand } from './palette'

interface Added {
  agent: { id: string }
  credential: string
}

const INVOICE = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) % 256))])

async function signIn(page: Page, harness: HarnessProcess, serverUrl: string, credential: string): Promise<void> {
  await page.goto(harness.url)
  await page.getByRole('button', { name: 'Connect to a server' }).click()
  await page.getByRole('textbox', { name: 'Server address' }).fill(serverUrl)
  await page.getByLabel('Credential').fill(credential)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'Online' }).first()).toBeVisible({ timeout: 30_000 })
}

async function openSettings(page: Page) {
  await runCommand(page, 'Workspace settings')
  const dialog = page.getByRole('dialog', { name: 'Workspace settings' })
  await expect(dialog).toBeVisible()
  return dialog
}

test('an agent saves a customer’s attachment and sees why another was refused; a supervisor sees the channel’s health in Settings', async ({ browser }) => {
  test.setTimeout(150_000)
  const dir = await mkdtemp(join(tmpdir(), 'handoff-e2e-attachments-'))
  const store = { data: join(dir, 'server') }
  const cleanups: (() => Promise<unknown>)[] = [() => rm(dir, { recursive: true, force: true })]
  try {
    const dana = await runCli<Added>(store, ['agent', 'add', '--id', 'dana', '--name', 'Dana Reyes', '--email', 'dana@example.com', '--role', 'service'])
    const lee = await runCli<Added>(store, ['agent', 'add', '--id', 'lee', '--name', 'Lee Park', '--email', 'lee@example.com', '--role', 'supervisor'])
    // A mailbox whose password variable is not set: its reader cannot start, and says so.
    await runCli(store, [
      ...['channel', 'add', 'email', '--id', 'support', '--name', 'Support', '--address', 'support@handoff.example'],
      ...['--imap-host', '127.0.0.1', '--imap-port', '9', '--imap-user', 'support', '--imap-password-env', 'HANDOFF_E2E_NOT_SET'],
      ...['--smtp-host', '127.0.0.1', '--smtp-port', '9', '--smtp-user', 'support', '--smtp-password-env', 'HANDOFF_E2E_NOT_SET'],
      ...['--max-attachment-mb', '0.01']
    ])
    // The customer's email, ingested as the mailbox runner would (the embedded store is ours while the server is down).
    const serverStore = await openStore({ dataDir: join(store.data, 'pgdata') })
    try {
      const email = await parseInboundEmail(
        emailWithFiles({
          messageId: '<invoice@customer.example>',
          files: [
            { name: 'invoice.pdf', type: 'application/pdf', bytes: INVOICE },
            { name: 'scan.tiff', type: 'image/tiff', bytes: Buffer.alloc(20_000, 3) }
          ]
        }),
        { maxAttachmentBytes: 10_486 }
      )
      expect((await ingestEmail(serverStore, { id: 'support' }, email)).status).toBe('item')
    } finally {
      await serverStore.close()
    }
    const server: ServerProcess = await startServerProcess(store)
    cleanups.unshift(() => server.stop())

    // Dana's console: the item, its files, the notice.
    const harness = await startHarness(await mkdtemp(join(dir, 'dana-')), { empty: true })
    cleanups.unshift(() => harness.stop())
    const context = await browser.newContext()
    cleanups.unshift(() => context.close())
    const page = await context.newPage()
    await signIn(page, harness, server.url, dana.credential)
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Frontline queue' }).click()
    const row = page.getByRole('grid', { name: 'Inbox' }).getByRole('row').filter({ hasText: 'The files' })
    await expect(row).toBeVisible({ timeout: 15_000 })
    await row.click()
    const thread = page.getByRole('list', { name: 'Thread' })
    const files = thread.getByRole('list', { name: 'Attachments' })
    await expect(files.getByRole('listitem')).toHaveCount(2)
    const invoice = files.getByRole('listitem').filter({ hasText: 'invoice.pdf' })
    await expect(invoice).toContainText('2.9 kB · application/pdf')
    const scan = files.getByRole('listitem').filter({ hasText: 'scan.tiff' })
    await expect(scan).toContainText('Not kept by the server: 19.5 kB is over the 10.2 kB limit')
    await expect(scan.getByRole('button')).toHaveCount(0)
    await expect(thread.getByRole('note')).toHaveText('Part of this message could not be read: Attachment "scan.tiff" was not kept: 19.5 kB is over the 10.2 kB limit.')

    // Save, from the keyboard.
    const save = invoice.getByRole('button', { name: 'Save invoice.pdf' })
    await save.focus()
    await page.keyboard.press('Enter')
    const saved = invoice.getByRole('status')
    await expect(saved).toHaveText(/^Saved to .*invoice\.pdf$/)
    const path = (await saved.innerText()).replace(/^Saved to /, '')
    expect(path.startsWith(join(harness.dataDir, 'attachments'))).toBe(true)
    expect((await readFile(path)).equals(INVOICE)).toBe(true)

    // Lee's console: Settings lists the channel with its reader's error and the day's mail.
    const leeHarness = await startHarness(await mkdtemp(join(dir, 'lee-')), { empty: true })
    cleanups.unshift(() => leeHarness.stop())
    const leeContext = await browser.newContext()
    cleanups.unshift(() => leeContext.close())
    const leePage = await leeContext.newPage()
    await signIn(leePage, leeHarness, server.url, lee.credential)
    const settings = await openSettings(leePage)
    const table = settings.getByRole('table', { name: 'Channels' })
    const support = table.getByRole('row').filter({ has: leePage.getByRole('rowheader', { name: /Support/ }) })
    await expect(support).toContainText('support@handoff.example')
    await expect(support).toContainText('Not connected')
    await expect(support).toContainText('The environment variable HANDOFF_E2E_NOT_SET (a password) is not set.')
    await expect(support).toContainText('0 queued, 0 failed, 0 unconfirmed')
    await expect(support).toContainText('1 to items, 0 ignored, 0 refused')
    await settings.getByRole('button', { name: 'Refresh' }).click()
    await expect(support).toContainText('1 to items, 0 ignored, 0 refused')
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined)
  }
})

test('a supervisor of a local workspace is told channels need a server', async ({ page, harness }) => {
  await page.goto(harness.url)
  await page.getByRole('combobox', { name: 'Signed in as' }).selectOption({ label: 'Grace Mitchell' })
  await expect(page.getByText('Signed in as Grace Mitchell').first()).toBeVisible()
  const settings = await openSettings(page)
  await expect(settings.getByRole('heading', { name: 'Channels' })).toBeVisible()
  await expect(settings.getByText('Channels run on a sync server: connect this workspace to a server to see them.')).toBeVisible()
  await expect(settings.getByRole('table', { name: 'Channels' })).toHaveCount(0)
})
