/**
 * Two consoles, signed in as two agents, against one real server (`npm run server` on the
 * embedded store, agents made with `npm run cli`): a reply written in one console appears in
 * the other without a reload.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { startHarness, type HarnessProcess } from '../../scripts/harness/process'
import { runCli, startServerProcess, type ServerProcess } from '../../scripts/harness/server-process'
import { call, createItemArgs, mutation, newClientId } from '../sync/support/http'
import { expect, test } from './fixtures'

interface Added {
  agent: { id: string }
  credential: string
}

async function signIn(page: Page, harness: HarnessProcess, serverUrl: string, credential: string): Promise<void> {
  await page.goto(harness.url)
  await page.getByRole('button', { name: 'Connect to a server' }).click()
  await page.getByRole('textbox', { name: 'Server address' }).fill(serverUrl)
  await page.getByLabel('Credential').fill(credential)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'Online' }).first()).toBeVisible({ timeout: 30_000 })
}

test('a reply made in one console appears in the other without a reload, and one made offline follows when the server is back', async ({ browser }) => {
  test.setTimeout(150_000)
  const dir = await mkdtemp(join(tmpdir(), 'handoff-e2e-sync-'))
  const store = { data: join(dir, 'server') }
  const cleanups: (() => Promise<unknown>)[] = [() => rm(dir, { recursive: true, force: true })]
  try {
    // The administrator makes the team (the embedded store is the CLI's while the server is down).
    const dana = await runCli<Added>(store, ['agent', 'add', '--id', 'dana', '--name', 'Dana Reyes', '--email', 'dana@example.com', '--role', 'service'])
    const eli = await runCli<Added>(store, ['agent', 'add', '--id', 'eli', '--name', 'Eli Brooks', '--email', 'eli@example.com', '--role', 'service'])
    const lee = await runCli<Added>(store, ['agent', 'add', '--id', 'lee', '--name', 'Lee Park', '--email', 'lee@example.com', '--role', 'supervisor'])
    const server: ServerProcess = await startServerProcess(store)
    cleanups.unshift(() => server.stop())

    // A customer's email arrives on the server (made by the supervisor over the protocol).
    const subject = 'Parcel never arrived'
    const created = await call(server.url, '/v1/push', {
      credential: lee.credential,
      body: { clientId: newClientId(), mutations: [mutation(1, 'lee', 'item.create', createItemArgs(subject))] }
    })
    expect(created.status).toBe(200)

    const consoles: { page: Page; harness: HarnessProcess }[] = []
    for (const added of [dana, eli]) {
      const harness = await startHarness(await mkdtemp(join(dir, 'console-')), { empty: true })
      cleanups.unshift(() => harness.stop())
      const context = await browser.newContext()
      cleanups.unshift(() => context.close())
      const page = await context.newPage()
      await signIn(page, harness, server.url, added.credential)
      consoles.push({ page, harness })
    }
    const [danaConsole, eliConsole] = consoles as [(typeof consoles)[0], (typeof consoles)[0]]

    // Both see the item in the frontline queue and open it.
    for (const { page } of consoles) {
      await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Frontline queue' }).click()
      const row = page.getByRole('grid', { name: 'Inbox' }).getByRole('row').filter({ hasText: subject })
      await expect(row).toBeVisible({ timeout: 15_000 })
      await row.click()
      await expect(page.getByRole('region', { name: 'Item' }).getByRole('heading', { level: 2 })).toHaveText(subject)
    }

    // Dana replies; Eli's open item shows the reply without a reload.
    const reply = 'Hello Ada, I have asked the courier to trace your parcel and will update you by noon.'
    await danaConsole.page.getByRole('radio', { name: 'Reply' }).check()
    await danaConsole.page.getByRole('textbox', { name: 'Message' }).fill(reply)
    await danaConsole.page.getByRole('button', { name: 'Send reply' }).click()
    await expect(danaConsole.page.getByRole('list', { name: 'Thread' })).toContainText(reply)
    await expect(eliConsole.page.getByRole('list', { name: 'Thread' })).toContainText(reply, { timeout: 10_000 })

    // And back: Eli's internal note reaches Dana.
    const note = 'Courier confirms the parcel is at the depot.'
    await eliConsole.page.getByRole('radio', { name: 'Internal note' }).check()
    await eliConsole.page.getByRole('textbox', { name: 'Message' }).fill(note)
    await eliConsole.page.getByRole('button', { name: 'Add note' }).click()
    await expect(danaConsole.page.getByRole('list', { name: 'Thread' })).toContainText(note, { timeout: 10_000 })
    // Both consoles end with nothing waiting to sync.
    for (const { page } of consoles) await expect(page.getByText('All changes synced')).toBeVisible({ timeout: 10_000 })

    // The server goes away: Dana keeps working, and her change waits in the outbox.
    const port = Number(new URL(server.url).port)
    await server.stop()
    const offlineReply = 'Written while the server was down.'
    await danaConsole.page.getByRole('textbox', { name: 'Message' }).fill(offlineReply)
    await danaConsole.page.getByRole('radio', { name: 'Reply' }).check()
    await danaConsole.page.getByRole('button', { name: 'Send reply' }).click()
    await expect(danaConsole.page.getByRole('list', { name: 'Thread' })).toContainText(offlineReply)
    await expect(danaConsole.page.getByRole('status').filter({ hasText: 'Offline' }).first()).toBeVisible({ timeout: 20_000 })
    await expect(danaConsole.page.getByText('1 change waiting to sync')).toBeVisible()

    // It comes back (same address): the change goes up and reaches Eli.
    const restarted = await startServerProcess(store, { port })
    cleanups.unshift(() => restarted.stop())
    await expect(danaConsole.page.getByText('All changes synced')).toBeVisible({ timeout: 45_000 })
    await expect(eliConsole.page.getByRole('list', { name: 'Thread' })).toContainText(offlineReply, { timeout: 15_000 })
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined)
  }
})
