import { test, expect } from './fixtures'

test.use({ harnessOptions: { empty: true } })

test('an empty database offers the demo workspace, which opens a living console', async ({ page, harness, openDb }) => {
  await page.goto(harness.url)
  await expect(page.getByRole('heading', { name: 'Welcome to Handoff' })).toBeVisible()
  await page.getByRole('button', { name: 'Open the demo workspace' }).click()
  const rows = page.getByRole('grid', { name: 'Inbox' }).locator('[role="row"][aria-rowindex]')
  await expect(rows.first()).toBeVisible({ timeout: 30_000 })
  await expect(page.getByRole('contentinfo', { name: 'Status bar' })).toContainText('Signed in as')

  const db = openDb()
  const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n
  expect(count(`SELECT count(*) AS n FROM items`)).toBeGreaterThanOrEqual(2000)
  expect(count(`SELECT count(DISTINCT channel) AS n FROM items`)).toBe(7)
  expect(count(`SELECT count(DISTINCT kind) AS n FROM items`)).toBe(2)
  expect(count(`SELECT count(*) AS n FROM customers`)).toBeGreaterThanOrEqual(200)
  // Demo data is local: nothing of it waits to be pushed to a server.
  expect(count(`SELECT count(*) AS n FROM outbox`)).toBe(0)
})

test('an empty workspace starts with the agent\u2019s own profile and a clear empty state', async ({ page, harness }) => {
  await page.goto(harness.url)
  await page.getByRole('button', { name: 'Start an empty workspace' }).click()
  await page.getByRole('textbox', { name: 'Your name' }).fill('Robin Okafor')
  await page.getByRole('textbox', { name: 'Your email' }).fill('not-an-email')
  await page.getByRole('button', { name: 'Start' }).click()
  await expect(page.getByRole('alert')).toBeVisible()
  await page.getByRole('textbox', { name: 'Your email' }).fill('robin@example.com')
  await page.getByRole('button', { name: 'Start' }).click()
  await expect(page.getByRole('contentinfo', { name: 'Status bar' })).toContainText('Signed in as Robin Okafor')
  await expect(page.getByText('No items match these filters')).toBeVisible()
})
