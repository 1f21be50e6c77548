import type { Page } from '@playwright/test'
import { test, expect } from './fixtures'

const inbox = (page: Page) => page.getByRole('grid', { name: 'Inbox' })
const bodyRows = (page: Page) => inbox(page).locator('[role="row"][aria-rowindex]')
const itemPane = (page: Page) => page.getByRole('region', { name: 'Item' })

test('a frontline agent filters, searches and works an item; the SQLite file holds every change with its outbox row', async ({ page, harness, openDb }) => {
  await page.goto(harness.url)
  await expect(bodyRows(page).first()).toBeVisible()

  // Filter by channel: every visible row is an email.
  await page.getByRole('combobox', { name: 'Filter by channel' }).selectOption({ label: 'Email' })
  await expect(async () => {
    const channels = await bodyRows(page).locator('[role="gridcell"]:nth-child(2)').allInnerTexts()
    expect(channels.length).toBeGreaterThan(0)
    expect(new Set(channels)).toEqual(new Set(['Email']))
  }).toPass()
  await page.getByRole('combobox', { name: 'Filter by channel' }).selectOption({ label: 'Any channel' })
  await page.getByRole('combobox', { name: 'Filter by status' }).selectOption({ label: 'Any status' })
  await page.getByRole('combobox', { name: 'Filter by assignee' }).selectOption({ label: 'Anyone' })

  // Search by a customer's name taken from the file: all of that customer's items are found.
  // (A customer with a unique name and an open item whose subject is unique among theirs, so the
  // reply below is allowed and the row is unambiguous.)
  const db = openDb()
  const customer = db
    .prepare(
      `SELECT c.id, c.name, (SELECT count(*) FROM items x WHERE x.customer_id = c.id) AS items, i.subject
       FROM customers c JOIN items i ON i.customer_id = c.id
       WHERE (SELECT count(*) FROM customers d WHERE d.name = c.name) = 1
         AND i.status IN ('new', 'open', 'pending')
         AND (SELECT count(*) FROM items y WHERE y.customer_id = c.id AND y.subject = i.subject) = 1
       ORDER BY c.name LIMIT 1`
    )
    .get() as { name: string; items: number; subject: string }
  db.close()
  expect(customer.items).toBeGreaterThan(0)
  await page.getByRole('searchbox', { name: 'Search' }).fill(customer.name)
  await expect(async () => {
    const names = await bodyRows(page).locator('[role="gridcell"]:nth-child(3)').allInnerTexts()
    expect(names.filter((n) => n.trim() === customer.name)).toHaveLength(customer.items)
  }).toPass()

  // Open the open one.
  const subject = customer.subject
  await bodyRows(page).filter({ hasText: customer.name }).filter({ hasText: subject }).click()
  await expect(itemPane(page).getByRole('heading', { level: 2 })).toHaveText(subject)
  await expect(page.getByRole('complementary', { name: 'Customer' })).toContainText(customer.name)

  // Reply.
  const reply = `Thanks for your patience — your replacement ships today (${Date.now()}).`
  await page.getByRole('radio', { name: 'Reply' }).check()
  await page.getByRole('textbox', { name: 'Message' }).fill(reply)
  await page.getByRole('button', { name: 'Send reply' }).click()
  await expect(page.getByRole('list', { name: 'Thread' })).toContainText(reply)
  await expect(page.getByRole('textbox', { name: 'Message' })).toHaveValue('')

  // Internal note.
  const note = `Checked the warehouse system: parcel scanned at depot ${Date.now()}.`
  await page.getByRole('radio', { name: 'Internal note' }).check()
  await page.getByRole('textbox', { name: 'Message' }).fill(note)
  await page.getByRole('button', { name: 'Add note' }).click()
  await expect(page.getByRole('list', { name: 'Thread' })).toContainText(note)

  // An empty reply is refused with a message, nothing sent.
  await page.getByRole('radio', { name: 'Reply' }).check()
  await page.getByRole('textbox', { name: 'Message' }).fill('   ')
  await page.getByRole('button', { name: 'Send reply' }).click()
  await expect(page.getByRole('alert').filter({ hasText: 'Reply cannot be empty.' })).toBeVisible()

  // Change status to pending (or resolved if it already was pending).
  const status = itemPane(page).getByRole('combobox', { name: 'Status', exact: true })
  const current = await status.inputValue()
  const next = current === 'pending' ? 'resolved' : 'pending'
  await status.selectOption(next)
  await expect(status).toHaveValue(next)

  // Log a phone call as a new interaction for a new customer.
  const callSubject = `Phone: delivery address change ${Date.now()}`
  await page.getByRole('button', { name: 'Log call' }).click()
  const logDialog = page.getByRole('dialog', { name: 'Log contact' })
  await logDialog.getByRole('radio', { name: 'New customer' }).check()
  await logDialog.getByRole('textbox', { name: 'Customer name' }).fill('Priya Natarajan')
  await logDialog.getByRole('combobox', { name: 'Category' }).selectOption({ label: 'Order help' })
  await logDialog.getByRole('textbox', { name: 'Subject' }).fill(callSubject)
  await logDialog.getByRole('textbox', { name: 'Summary' }).fill('Customer moved house; updated the delivery address on the open order.')
  await logDialog.getByRole('combobox', { name: 'Outcome' }).selectOption({ label: 'Resolved' })
  await logDialog.getByRole('button', { name: 'Log contact' }).click()
  await expect(logDialog).toBeHidden()
  await expect(itemPane(page).getByRole('heading', { level: 2 })).toHaveText(callSubject)

  // Record the caller's CSAT answer on the new item: 7 is refused, 5 is kept.
  await itemPane(page).getByRole('button', { name: 'Record rating' }).click()
  const ratingDialog = page.getByRole('dialog', { name: 'Record rating' })
  await ratingDialog.getByRole('combobox', { name: 'Survey' }).selectOption({ index: 0 })
  await ratingDialog.getByRole('spinbutton', { name: 'Score' }).fill('7')
  await ratingDialog.getByRole('button', { name: 'Save rating' }).click()
  await expect(ratingDialog.getByRole('alert')).toContainText('A CSAT answer is 1 to 5.')
  await ratingDialog.getByRole('spinbutton', { name: 'Score' }).fill('5')
  await ratingDialog.getByRole('button', { name: 'Save rating' }).click()
  await expect(ratingDialog).toBeHidden()

  // The status bar counts the local changes waiting for sync: reply, note, status, call, rating.
  await expect(page.getByRole('contentinfo', { name: 'Status bar' })).toContainText('5 changes waiting to sync')

  // What the file holds, after the harness has shut the core down cleanly.
  await harness.stop()
  const file = openDb()
  const messages = file.prepare(`SELECT kind, body FROM messages WHERE body IN (?, ?)`).all(reply, note) as { kind: string; body: string }[]
  expect(messages.map((m) => m.kind).sort()).toEqual(['note', 'reply'])
  const outbox = file.prepare(`SELECT name FROM outbox ORDER BY seq`).all() as { name: string }[]
  expect(outbox.map((o) => o.name)).toEqual(['item.reply', 'item.addNote', 'item.setStatus', 'item.logContact', 'item.recordRating'])
  const rating = file.prepare(`SELECT kind, score FROM ratings ORDER BY created_at DESC LIMIT 1`).get() as { kind: string; score: number }
  expect(rating).toEqual({ kind: 'csat', score: 5 })
  const call = file.prepare(`SELECT status, channel FROM items WHERE subject = ?`).get(callSubject) as { status: string; channel: string }
  expect(call).toEqual({ status: 'resolved', channel: 'phone' })
  expect((file.prepare(`SELECT status FROM items WHERE subject = ? AND customer_name = ?`).get(subject, customer.name) as { status: string }).status).toBe(next)
})
