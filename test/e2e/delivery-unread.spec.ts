/**
 * Issue 12 in the console: each reply says where it stands on its way to the customer, a reply the
 * server gave up on (or could not confirm) can be sent again from the thread, by keyboard too; and
 * an item with a customer message the agent has not seen is marked unread until it is opened.
 *
 * The delivery states and the unread mark are what a pull from the server writes into the local
 * SQLite file; here they are written into it before the harness starts (the server side of the
 * email queue is another part's).
 */
import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { Page } from '@playwright/test'
import { createCore } from '../../src/core/core'
import type { Envelope } from '../../src/shared/contract'
import type { MessageDelivery } from '../../src/shared/domain/entities'
import { test, expect } from './fixtures'

const WORKED = 'Lamp arrived broken'
const UNREAD = 'Wrong size delivered'
const REPLIES = {
  sent: 'We have sent a replacement lamp.',
  retrying: 'Could you send a photo of the damage?',
  failed: 'Your refund is on its way.',
  unconfirmed: 'The courier will collect the broken lamp tomorrow.'
} as const

const ok = <T,>(envelope: Envelope<unknown>): T => {
  if (!envelope.ok) throw new Error(envelope.error.message)
  return envelope.value as T
}

async function prepare(dataDir: string): Promise<void> {
  const file = join(dataDir, 'handoff.sqlite')
  const core = createCore({ file })
  const messageIds: Record<string, string> = {}
  let unreadItem: string
  try {
    ok(core.dispatch('workspace.startEmpty', { name: 'Dana Ruiz', email: 'dana@example.com' }))
    const create = (subject: string) =>
      ok<{ itemId: string }>(
        core.dispatch('item.create', {
          kind: 'service',
          category: 'order',
          channel: 'email',
          customer: { type: 'new', name: 'Ada Lovelace', email: 'ada@example.com' },
          subject,
          body: `About: ${subject}`,
          assignToMe: true
        })
      ).itemId
    const worked = create(WORKED)
    for (const [state, body] of Object.entries(REPLIES)) {
      messageIds[state] = `${ok<{ mutationId: string }>(core.dispatch('item.reply', { itemId: worked, body })).mutationId}.m`
    }
    unreadItem = create(UNREAD)
  } finally {
    core.close()
  }
  // What pulls from the server would have written: the queue's states, and a customer's new message's mark.
  const db = new Database(file)
  const soon = new Date(Date.now() + 15 * 60_000).toISOString()
  const states: Record<keyof typeof REPLIES, MessageDelivery> = {
    sent: { state: 'sent', attempts: 1, nextAttemptAt: null, error: null, sentAt: new Date().toISOString() },
    retrying: { state: 'failed', attempts: 1, nextAttemptAt: soon, error: '451 4.7.1 greylisted, try again later', sentAt: null },
    failed: { state: 'failed', attempts: 5, nextAttemptAt: null, error: '550 5.1.1 mailbox unavailable', sentAt: null },
    unconfirmed: { state: 'unconfirmed', attempts: 1, nextAttemptAt: null, error: null, sentAt: null }
  }
  for (const [state, delivery] of Object.entries(states)) {
    db.prepare('UPDATE messages SET delivery = ? WHERE id = ?').run(JSON.stringify(delivery), messageIds[state])
  }
  db.prepare('INSERT INTO unread_items (item_rid, since) SELECT rid, ? FROM items WHERE id = ?').run(new Date().toISOString(), unreadItem)
  db.close()
}

test.use({ harnessOptions: { prepare } })

const inboxRow = (page: Page, subject: string) => page.getByRole('grid', { name: 'Inbox' }).locator('[role="row"][aria-rowindex]').filter({ hasText: subject })
const thread = (page: Page) => page.getByRole('list', { name: 'Thread' })
const entry = (page: Page, body: string) => thread(page).getByRole('listitem').filter({ hasText: body })

test('a reply’s delivery state shows in the thread, Retry and Send again requeue it; an unread item is marked until opened', async ({ page, harness, openDb }) => {
  await page.goto(harness.url)

  // The unread item: a dot named "unread", a bold subject, and the row's name says so; the other is not.
  const unreadRow = inboxRow(page, UNREAD)
  await expect(unreadRow.getByRole('img', { name: 'unread' })).toBeVisible()
  await expect(unreadRow).toHaveAccessibleName(`${UNREAD} — Ada Lovelace — unread`)
  await expect(unreadRow.locator('strong')).toHaveText(UNREAD)
  await expect(inboxRow(page, WORKED).getByRole('img', { name: 'unread' })).toHaveCount(0)

  // The worked item's thread: each reply's state in words.
  await inboxRow(page, WORKED).click()
  await expect(page.getByRole('region', { name: 'Item' }).getByRole('heading', { level: 2 })).toHaveText(WORKED)
  await expect(entry(page, REPLIES.sent).getByRole('status', { name: /^Delivery: Sent \d/ })).toBeVisible()
  await expect(entry(page, REPLIES.retrying).getByRole('status')).toHaveAccessibleName(/^Delivery: Failed: 451 4\.7\.1 greylisted, try again later — retrying at \d\d:\d\d$/)
  await expect(entry(page, REPLIES.retrying).getByRole('button')).toHaveCount(0)
  await expect(entry(page, REPLIES.failed).getByRole('status')).toHaveAccessibleName('Delivery: Failed: 550 5.1.1 mailbox unavailable')
  await expect(entry(page, REPLIES.unconfirmed).getByRole('status')).toHaveAccessibleName(
    'Delivery: Unconfirmed: the server stopped while sending; it may have arrived'
  )
  // A local workspace has no server to wait for: no reply says "Waiting to sync" though all are in the outbox.
  await expect(thread(page).getByRole('status', { name: 'Delivery: Waiting to sync' })).toHaveCount(0)

  // By keyboard: from the failed reply's chip, Tab reaches Retry; Enter requeues it.
  const failedChip = entry(page, REPLIES.failed).getByRole('status')
  await failedChip.focus()
  await expect(failedChip).toBeFocused()
  await page.keyboard.press('Tab')
  const retry = entry(page, REPLIES.failed).getByRole('button', { name: 'Retry' })
  await expect(retry).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(entry(page, REPLIES.failed).getByRole('status')).toHaveAccessibleName('Delivery: Queued')
  await expect(entry(page, REPLIES.failed).getByRole('button')).toHaveCount(0)

  // Send again: the agent's word for a reply that may have arrived.
  await entry(page, REPLIES.unconfirmed).getByRole('button', { name: 'Send again' }).click()
  await expect(entry(page, REPLIES.unconfirmed).getByRole('status')).toHaveAccessibleName('Delivery: Queued')

  // The file: two retries in the outbox, the replies queued again.
  const db = openDb()
  expect(db.prepare("SELECT count(*) FROM outbox WHERE name = 'item.retryDelivery'").pluck().get()).toBe(2)
  const states = db.prepare("SELECT json_extract(delivery, '$.state') FROM messages WHERE body IN (?, ?)").pluck().all(REPLIES.failed, REPLIES.unconfirmed)
  expect(states).toEqual(['queued', 'queued'])
  expect(db.prepare('SELECT count(*) FROM unread_items').pluck().get()).toBe(1)
  db.close()

  // Opening the unread item clears its mark, on screen and in the file, and it stays cleared after a reload.
  await unreadRow.click()
  await expect(page.getByRole('region', { name: 'Item' }).getByRole('heading', { level: 2 })).toHaveText(UNREAD)
  await expect(unreadRow.getByRole('img', { name: 'unread' })).toHaveCount(0)
  await expect(unreadRow).toHaveAccessibleName(`${UNREAD} — Ada Lovelace`)
  await expect.poll(() => {
    const again = openDb()
    try {
      return again.prepare('SELECT count(*) FROM unread_items').pluck().get()
    } finally {
      again.close()
    }
  }).toBe(0)
  await page.reload()
  await expect(inboxRow(page, UNREAD)).toBeVisible()
  await expect(inboxRow(page, UNREAD).getByRole('img', { name: 'unread' })).toHaveCount(0)
})
