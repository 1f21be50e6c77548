import type { Page } from '@playwright/test'
import { test, expect } from './fixtures'

/**
 * "My figures": the signed-in agent's personal panel, through the harness over the real core, in
 * Chromium under the renderer's strict Content-Security-Policy (recharts must draw without
 * inline styles or scripts being refused).
 */

const panel = (page: Page) => page.getByRole('region', { name: 'My figures' })
const card = (page: Page, title: string) => panel(page).getByRole('listitem', { name: title })
const itemPane = (page: Page) => page.getByRole('region', { name: 'Item' })

/** Record every CSP violation the page reports, from before the app's first script. */
async function watchCsp(page: Page): Promise<() => Promise<string[]>> {
  const console: string[] = []
  page.on('console', (m) => {
    if (/Content[- ]Security[- ]Policy/i.test(m.text())) console.push(m.text())
  })
  await page.addInitScript(() => {
    const w = window as unknown as { cspViolations: string[] }
    w.cspViolations = []
    document.addEventListener('securitypolicyviolation', (e) => w.cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample} ${e.sourceFile}:${e.lineNumber}:${e.columnNumber}`))
  })
  return async () => [...console, ...(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations))]
}

test('the panel shows the agent’s figures with their counts, follows a resolution at once, and draws its charts under the CSP', async ({ page, harness, openDb }) => {
  const violations = await watchCsp(page)
  // An open item of the signed-in agent that was never resolved or escalated, with a subject of its own.
  const db = openDb()
  const me = db.prepare("SELECT value FROM meta WHERE key = 'session.agentId'").pluck().get() as string
  const item = db
    .prepare(
      `SELECT i.id, i.subject FROM items i
        WHERE i.assignee_id = ? AND i.status IN ('new', 'open', 'pending')
          AND NOT EXISTS (SELECT 1 FROM item_events e WHERE e.item_rid = i.rid AND (e.type = 'escalated' OR (e.type = 'status' AND e.to_value = 'resolved')))
          AND (SELECT count(*) FROM items y WHERE y.subject = i.subject) = 1
        ORDER BY i.rid DESC LIMIT 1`
    )
    .get(me) as { id: string; subject: string }
  db.close()
  expect(item).toBeTruthy()

  await page.goto(harness.url)
  await page.getByRole('combobox', { name: 'Filter by status' }).selectOption({ label: 'Any status' })
  await page.getByRole('searchbox', { name: 'Search' }).fill(item.subject)
  const grid = page.getByRole('grid', { name: 'Inbox' })
  await grid.locator('[role="row"][aria-rowindex]').filter({ hasText: item.subject }).first().click()
  await expect(itemPane(page).getByRole('heading', { level: 2 })).toHaveText(item.subject)

  // Open the panel from the left pane; the item stays open on the right.
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'My figures' }).click()
  await expect(panel(page).getByRole('heading', { name: 'My figures', level: 1 })).toBeFocused()
  await expect(panel(page).getByRole('button', { name: '7 days' })).toHaveAttribute('aria-pressed', 'true')
  // The demo agent has 7 days of work: numbers with what they are computed from, and a trend.
  await expect(card(page, 'First response time (median)').getByTestId('figure-firstResponse')).toHaveText(/^\d+ (s|min)$|^\d+ h( \d+ min)?$|^\d+ d( \d+ h)?$/)
  await expect(card(page, 'First response time (median)')).toContainText(/from \d+ first responses? · 90th percentile/)
  await expect(card(page, 'CSAT')).toContainText(/of \d+ ratings? 4 or 5/)
  await expect(card(page, 'First response time (median)').getByRole('img', { name: /per day: \d+ of 7 days with data/ })).toBeVisible()
  await expect(card(page, 'First response time (median)').locator('svg path.recharts-curve')).toHaveCount(1)
  await expect(card(page, 'My backlog now').locator('.recharts-bar-rectangle').first()).toBeAttached()
  // Every change reads as a sentence for assistive technology.
  await expect(card(page, 'Items worked').locator('.figure-change')).toHaveAttribute('aria-label', /^(Up|Down) .* the previous 7 days\.$|^No change|^No change to show/)

  // Today: resolve the item in the item pane and the panel follows without a reload.
  await panel(page).getByRole('button', { name: 'Today' }).click()
  await expect(panel(page).getByRole('button', { name: 'Today' })).toHaveAttribute('aria-pressed', 'true')
  const worked = card(page, 'Items worked').getByTestId('figure-volume')
  await expect(worked).toHaveText(/^\d+$/)
  const before = Number(await worked.innerText())
  const resolvedText = await card(page, 'Time to resolution (median)').locator('.figure-basis').innerText()
  const resolvedBefore = Number(/from (\d+)/.exec(resolvedText)?.[1] ?? 'NaN')
  await itemPane(page).getByRole('combobox', { name: 'Status' }).selectOption('resolved')
  await expect(worked).toHaveText(String(before + 1))
  await expect(card(page, 'Time to resolution (median)').locator('.figure-basis')).toContainText(`from ${resolvedBefore + 1} resolved item`)

  // The keyboard: f closes and reopens the panel.
  await page.keyboard.press('f')
  await expect(panel(page)).toHaveCount(0)
  await expect(page.getByRole('grid', { name: 'Inbox' })).toBeVisible()
  await page.keyboard.press('f')
  await expect(panel(page)).toBeVisible()

  expect(await violations()).toEqual([])
})

test('a custom range is checked before it is asked for, and then shown with its dates', async ({ page, harness }) => {
  await page.goto(harness.url)
  await expect(page.getByRole('grid', { name: 'Inbox' })).toBeVisible()
  await page.keyboard.press('f')
  await expect(panel(page)).toBeVisible()
  // Computed: the range the custom dates start from is on screen.
  await expect(panel(page)).toHaveAttribute('aria-busy', 'false')
  await panel(page).getByRole('button', { name: 'Custom' }).click()
  const from = panel(page).getByLabel('From', { exact: true })
  const to = panel(page).getByLabel('To', { exact: true })
  await from.fill('2026-11-20')
  await to.fill('2026-11-10')
  await panel(page).getByRole('button', { name: 'Show' }).click()
  await expect(panel(page).getByRole('alert')).toHaveText('The start of the range is after its end.')
  await expect(from).toHaveAttribute('aria-invalid', 'true')
  await from.fill('2024-01-01')
  await to.fill('2026-01-01')
  await panel(page).getByRole('button', { name: 'Show' }).click()
  await expect(panel(page).getByRole('alert')).toHaveText('A range covers at most 366 days.')
  await from.fill('2026-11-01')
  await to.fill('2026-11-03')
  await panel(page).getByRole('button', { name: 'Show' }).click()
  await expect(panel(page).getByRole('alert')).toHaveCount(0)
  await expect(panel(page)).toContainText('1 Nov 2026 – 3 Nov 2026, compared with 29 Oct 2026 – 31 Oct 2026')
})

test.describe('a brand-new agent', () => {
  test.use({ harnessOptions: { empty: true } })

  test('sees "No data", never 0, and a clear empty state', async ({ page, harness }) => {
    const violations = await watchCsp(page)
    await page.goto(harness.url)
    await page.getByRole('button', { name: 'Start an empty workspace' }).click()
    await page.getByRole('textbox', { name: 'Your name' }).fill('Robin Okafor')
    await page.getByRole('textbox', { name: 'Your email' }).fill('robin@example.com')
    await page.getByRole('button', { name: 'Start' }).click()
    await expect(page.getByRole('contentinfo', { name: 'Status bar' })).toContainText('Signed in as Robin Okafor')

    await page.keyboard.press('Control+K')
    await page.getByRole('combobox', { name: 'Type a command' }).fill('My figures')
    await page.keyboard.press('Enter')
    await expect(panel(page)).toBeVisible()
    await expect(panel(page).getByRole('status')).toContainText('Nothing to count for this period yet')
    for (const id of ['csat', 'nps', 'firstResponse', 'resolution', 'fcr', 'escalationRate', 'reopenRate', 'slaFirstResponse', 'slaResolution']) {
      await expect(panel(page).getByTestId(`figure-${id}`)).toHaveText('No data')
    }
    await expect(card(page, 'CSAT')).toContainText('0 of 0 ratings 4 or 5')
    await expect(card(page, 'CSAT').locator('.figure-change')).toHaveAttribute('aria-label', /^No change to show/)
    await expect(panel(page).getByTestId('figure-backlog')).toHaveText('0')
    expect(await violations()).toEqual([])
  })
})
