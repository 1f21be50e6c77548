/**
 * Issue 12 against a real server (`npm run server` on the embedded store): a customer's message
 * that reaches the server after the console's first sync marks its item unread in the console at
 * once (no reload: items.changed through the harness's event stream), opening it clears the mark;
 * and a reply written while the server is away says "Waiting to sync" until it went up.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { startHarness } from '../../scripts/harness/process'
import { runCli, startServerProcess } from '../../scripts/harness/server-process'
import { call, createItemArgs, mutation, newClientId } from '../sync/support/http'
import { expect, test } from './fixtures'

interface Added {
  agent: { id: string }
  credential: string
}

const row = (page: Page, subject: string) => page.getByRole('grid', { name: 'Inbox' }).locator('[role="row"][aria-rowindex]').filter({ hasText: subject })

test('a customer’s message arriving after the first sync marks its item unread without a reload; a reply waits to sync while the server is away', async ({ browser }) => {
  test.setTimeout(150_000)
  const dir = await mkdtemp(join(tmpdir(), 'handoff-e2e-arrivals-'))
  const store = { data: join(dir, 'server') }
  const cleanups: (() => Promise<unknown>)[] = [() => rm(dir, { recursive: true, force: true })]
  try {
    const dana = await runCli<Added>(store, ['agent', 'add', '--id', 'dana', '--name', 'Dana Reyes', '--email', 'dana@example.com', '--role', 'service'])
    const lee = await runCli<Added>(store, ['agent', 'add', '--id', 'lee', '--name', 'Lee Park', '--email', 'lee@example.com', '--role', 'supervisor'])
    const server = await startServerProcess(store)
    cleanups.unshift(() => server.stop())
    const lees = { clientId: newClientId(), seq: 0 }
    const push = async (name: string, args: unknown) => {
      const answer = await call(server.url, '/v1/push', { credential: lee.credential, body: { clientId: lees.clientId, mutations: [mutation(++lees.seq, 'lee', name, args)] } })
      expect(answer.status).toBe(200)
    }

    // An item from before Dana's first sync: the past, not news.
    const old = 'Invoice address wrong'
    await push('item.create', createItemArgs(old))

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
    await expect(row(page, old)).toBeVisible({ timeout: 15_000 })
    await expect(row(page, old).getByRole('img', { name: 'unread' })).toHaveCount(0)

    // A customer's email comes in now: the row appears marked unread, without a reload.
    const fresh = 'Charged twice for one order'
    await push('item.create', createItemArgs(fresh))
    await expect(row(page, fresh).getByRole('img', { name: 'unread' })).toBeVisible({ timeout: 15_000 })
    await expect(row(page, fresh)).toHaveAccessibleName(/— unread$/)

    // Opening it clears the mark.
    await row(page, fresh).click()
    await expect(page.getByRole('region', { name: 'Item' }).getByRole('heading', { level: 2 })).toHaveText(fresh)
    await expect(row(page, fresh).getByRole('img', { name: 'unread' })).toHaveCount(0)

    // The server goes away: Dana's reply waits in the outbox, and the thread says so.
    const port = Number(new URL(server.url).port)
    await server.stop()
    const reply = 'We are refunding the second charge today.'
    await page.getByRole('radio', { name: 'Reply' }).check()
    await page.getByRole('textbox', { name: 'Message' }).fill(reply)
    await page.getByRole('button', { name: 'Send reply' }).click()
    const entry = page.getByRole('list', { name: 'Thread' }).getByRole('listitem').filter({ hasText: reply })
    await expect(entry.getByRole('status', { name: 'Delivery: Waiting to sync' })).toBeVisible()

    // Back (same address): the reply goes up, and no longer waits.
    const restarted = await startServerProcess(store, { port })
    cleanups.unshift(() => restarted.stop())
    await expect(page.getByText('All changes synced')).toBeVisible({ timeout: 45_000 })
    await expect(entry.getByRole('status', { name: 'Delivery: Waiting to sync' })).toHaveCount(0, { timeout: 15_000 })
    // Her own reply never marks the item unread.
    await expect(row(page, fresh).getByRole('img', { name: 'unread' })).toHaveCount(0)
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined)
  }
})
