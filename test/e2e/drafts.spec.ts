import type { Page } from '@playwright/test'
import { test, expect } from './fixtures'

const inbox = (page: Page) => page.getByRole('grid', { name: 'Inbox' })
const bodyRows = (page: Page) => inbox(page).locator('[role="row"][aria-rowindex]')
const itemPane = (page: Page) => page.getByRole('region', { name: 'Item' })
const message = (page: Page) => page.getByRole('textbox', { name: 'Message' })

/** Issue 13: what the agent types is kept in the console's database, so a reload (or a crash) loses nothing. */
test('a draft survives a reload of the page, per mode, and goes when it is sent', async ({ page, harness, openDb }) => {
  // An open item whose subject no other item has, so finding it again is unambiguous.
  const db = openDb()
  const { subject } = db
    .prepare(
      `SELECT i.subject FROM items i WHERE i.status IN ('new', 'open', 'pending')
         AND (SELECT count(*) FROM items y WHERE y.subject = i.subject) = 1 ORDER BY i.subject LIMIT 1`
    )
    .get() as { subject: string }
  db.close()

  const openItem = async () => {
    await page.getByRole('combobox', { name: 'Filter by status' }).selectOption({ label: 'Any status' })
    await page.getByRole('combobox', { name: 'Filter by assignee' }).selectOption({ label: 'Anyone' })
    await page.getByRole('searchbox', { name: 'Search' }).fill(subject)
    await bodyRows(page).filter({ hasText: subject }).first().click()
    await expect(itemPane(page).getByRole('heading', { level: 2 })).toHaveText(subject)
  }

  await page.goto(harness.url)
  await expect(bodyRows(page).first()).toBeVisible()
  await openItem()

  const reply = 'Hello, I am looking into the double charge and will'
  await page.getByRole('radio', { name: 'Reply' }).check()
  await message(page).pressSequentially(reply)
  await expect(page.getByText('Draft saved')).toBeVisible()
  const note = 'Ask billing about the refund'
  await page.getByRole('radio', { name: 'Internal note' }).check()
  await expect(message(page)).toHaveValue('')
  await message(page).fill(note)
  await expect(page.getByText('Draft saved')).toBeVisible()

  await page.reload()
  await expect(bodyRows(page).first()).toBeVisible()
  await openItem()
  await page.getByRole('radio', { name: 'Reply' }).check()
  await expect(message(page)).toHaveValue(reply)
  await page.getByRole('radio', { name: 'Internal note' }).check()
  await expect(message(page)).toHaveValue(note)

  // Sent: the draft goes, and stays gone after another reload.
  await page.getByRole('button', { name: 'Add note' }).click()
  await expect(page.getByRole('list', { name: 'Thread' })).toContainText(note)
  await expect(message(page)).toHaveValue('')
  await page.reload()
  await expect(bodyRows(page).first()).toBeVisible()
  await openItem()
  await page.getByRole('radio', { name: 'Internal note' }).check()
  await expect(message(page)).toHaveValue('')
  await page.getByRole('radio', { name: 'Reply' }).check()
  await expect(message(page)).toHaveValue(reply)

  const check = openDb()
  expect(check.prepare(`SELECT mode, body FROM drafts`).all()).toEqual([{ mode: 'reply', body: reply }])
  check.close()
})
