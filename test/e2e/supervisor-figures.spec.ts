/**
 * The supervisor view end to end: a real server (`npm run server` on the embedded store, agents
 * made with `npm run cli`) with two agents' work on it, and a supervisor's console that opens
 * Team figures from the palette, sorts a column, cuts by kind, drills into a number, exports the
 * table as CSV, and — with the server stopped — still shows the saved table with its as-of time.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Locator, Page } from '@playwright/test'
import { startHarness } from '../../scripts/harness/process'
import { runCli, startServerProcess, type ServerProcess } from '../../scripts/harness/server-process'
import { call, createItemArgs, mutation, newClientId } from '../sync/support/http'
import { expect, test } from './fixtures'
import { runCommand } from './palette'

interface Added {
  agent: { id: string }
  credential: string
}

/** An agent's day over the protocol: items they take, answer once and resolve (the last `open` left open). */
async function work(url: string, who: Added, subjects: { subject: string; kind: 'service' | 'support'; resolve: boolean }[]): Promise<void> {
  const mutations = []
  let seq = 1
  for (const s of subjects) {
    const args = s.kind === 'support' ? createItemArgs(s.subject, { kind: 'support', category: 'access', channel: 'chat', assignToMe: true }) : createItemArgs(s.subject, { assignToMe: true })
    const create = mutation(seq++, who.agent.id, 'item.create', args)
    mutations.push(create)
    mutations.push(mutation(seq++, who.agent.id, 'item.reply', { itemId: create.mutationId, body: `About ${s.subject}: on it.` }))
    if (s.resolve) mutations.push(mutation(seq++, who.agent.id, 'item.setStatus', { itemId: create.mutationId, status: 'resolved' }))
  }
  const pushed = await call(url, '/v1/push', { credential: who.credential, body: { clientId: newClientId(), mutations } })
  expect(pushed.status).toBe(200)
}

async function signIn(page: Page, url: string, serverUrl: string, credential: string): Promise<void> {
  await page.goto(url)
  await page.getByRole('button', { name: 'Connect to a server' }).click()
  await page.getByRole('textbox', { name: 'Server address' }).fill(serverUrl)
  await page.getByLabel('Credential').fill(credential)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'Online' }).first()).toBeVisible({ timeout: 30_000 })
}

async function openTeamFigures(page: Page): Promise<Locator> {
  await runCommand(page, 'Team figures')
  const view = page.getByRole('dialog', { name: 'Team figures' })
  await expect(view).toBeVisible()
  return view
}

/** The body rows as [label, volume] pairs, in the order on screen. */
async function labelsAndVolumes(table: Locator): Promise<[string, number][]> {
  const rows = table.locator('[role="row"]').filter({ has: table.page().getByRole('rowheader') })
  const out: [string, number][] = []
  for (const row of await rows.all()) {
    const label = (await row.getByRole('rowheader').innerText()).trim()
    const volume = (await row.getByRole('button', { name: /^Volume,/ }).innerText()).trim()
    out.push([label, Number(volume)])
  }
  return out
}

test('a supervisor sees the team’s figures, sorts, cuts by kind, drills in, exports CSV, and keeps the table offline', async ({ browser }) => {
  test.setTimeout(150_000)
  const dir = await mkdtemp(join(tmpdir(), 'handoff-e2e-supervisor-'))
  const store = { data: join(dir, 'server') }
  const cleanups: (() => Promise<unknown>)[] = [() => rm(dir, { recursive: true, force: true })]
  try {
    const dana = await runCli<Added>(store, ['agent', 'add', '--id', 'dana', '--name', 'Dana Reyes', '--email', 'dana@example.com', '--role', 'service'])
    const eli = await runCli<Added>(store, ['agent', 'add', '--id', 'eli', '--name', 'Eli Brooks', '--email', 'eli@example.com', '--role', 'support', '--tiers', '1'])
    const lee = await runCli<Added>(store, ['agent', 'add', '--id', 'lee', '--name', 'Lee Park', '--email', 'lee@example.com', '--role', 'supervisor'])
    const server: ServerProcess = await startServerProcess(store)
    cleanups.unshift(() => server.stop())

    await work(server.url, dana, [
      { subject: 'Charged twice for one order', kind: 'service', resolve: true },
      { subject: 'Refund not received', kind: 'service', resolve: true },
      { subject: 'Wrong size delivered', kind: 'service', resolve: false }
    ])
    await work(server.url, eli, [{ subject: 'Cannot sign in after reset', kind: 'support', resolve: true }])

    const harness = await startHarness(await mkdtemp(join(dir, 'console-')), { empty: true })
    cleanups.unshift(() => harness.stop())
    const context = await browser.newContext({ acceptDownloads: true })
    cleanups.unshift(() => context.close())
    const page = await context.newPage()
    await signIn(page, harness.url, server.url, lee.credential)

    // The palette offers the view to a supervisor; it opens on the last 7 days, by agent.
    const view = await openTeamFigures(page)
    const table = view.getByRole('table', { name: 'Team figures' })
    await expect(table.getByRole('rowheader', { name: 'Dana Reyes' })).toBeVisible({ timeout: 15_000 })
    await expect(view.getByText('From the server')).toBeVisible()
    await expect(view.getByText(/^As of /)).toBeVisible()
    const danaRow = table.locator('[role="row"]').filter({ has: page.getByRole('rowheader', { name: 'Dana Reyes' }) })
    await expect(danaRow.getByRole('button', { name: /^Volume,/ })).toHaveText('2')
    // An agent with no ratings: CSAT reads "No data", never 0.
    await expect(danaRow.getByRole('button', { name: /^CSAT %,/ })).toContainText('No data')

    // Sort by volume: the first click puts the most first, the second the least.
    const volumeHeader = table.getByRole('columnheader', { name: /Volume/ })
    await volumeHeader.getByRole('button').click()
    await expect(volumeHeader).toHaveAttribute('aria-sort', 'descending')
    const desc = await labelsAndVolumes(table)
    expect(desc[0]).toEqual(['Dana Reyes', 2])
    expect(desc.map(([, v]) => v)).toEqual([...desc.map(([, v]) => v)].sort((a, b) => b - a))
    await volumeHeader.getByRole('button').click()
    await expect(volumeHeader).toHaveAttribute('aria-sort', 'ascending')
    const asc = await labelsAndVolumes(table)
    expect(asc.map(([, v]) => v)).toEqual([...asc.map(([, v]) => v)].sort((a, b) => a - b))
    expect(asc.at(-1)).toEqual(['Dana Reyes', 2])

    // Cut by kind: one row for service, one for support.
    await view.getByRole('combobox', { name: 'Group by' }).selectOption({ label: 'Kind' })
    await expect(table.getByRole('columnheader', { name: /^Kind/ })).toBeVisible()
    const serviceRow = table.locator('[role="row"]').filter({ has: page.getByRole('rowheader', { name: 'Service' }) })
    await expect(serviceRow).toBeVisible()
    await expect(table.getByRole('rowheader', { name: 'Support' })).toBeVisible()

    // Drill into service resolutions: the two items Dana resolved, from the keyboard.
    const resolutions = serviceRow.getByRole('button', { name: /^Time to resolution \(median\),/ })
    await resolutions.focus()
    await page.keyboard.press('Enter')
    const drill = page.getByRole('dialog', { name: 'Time to resolution (median): Service' })
    await expect(drill).toBeVisible()
    const items = drill.getByRole('table', { name: 'Items behind the figure' })
    await expect(items.getByRole('button', { name: 'Charged twice for one order' })).toBeVisible({ timeout: 15_000 })
    await expect(items.getByRole('button', { name: 'Refund not received' })).toBeVisible()
    await expect(items.getByText('Wrong size delivered')).toHaveCount(0)
    await expect(drill.getByText('2 items.')).toBeVisible()
    await page.keyboard.press('Escape')
    await expect(drill).toBeHidden()
    await expect(resolutions).toBeFocused()

    // Export: the table as shown, by kind.
    const [download] = await Promise.all([page.waitForEvent('download'), view.getByRole('button', { name: 'Export CSV' }).click()])
    expect(download.suggestedFilename()).toMatch(/^team-figures-by-kind-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/)
    const csv = await readFile((await download.path())!, 'utf8')
    const lines = csv.trim().split('\r\n')
    expect(lines[0]).toMatch(/^Kind,CSAT %,CSAT responses,NPS,/)
    expect(lines.find((l) => l.startsWith('Service,'))).toMatch(/^Service,No data,0,No data,0,/)
    expect(lines.some((l) => l.startsWith('Support,'))).toBe(true)

    // Back to agents, then the server goes away: the saved table stays, with its as-of time.
    await view.getByRole('combobox', { name: 'Group by' }).selectOption({ label: 'Agent' })
    await expect(table.getByRole('rowheader', { name: 'Dana Reyes' })).toBeVisible()
    const asOf = await view.locator('.team-as-of time').getAttribute('datetime')
    await server.stop()
    await view.getByRole('button', { name: 'Close' }).click()
    await expect(view).toBeHidden()
    const again = await openTeamFigures(page)
    await expect(again.getByText('Offline — saved figures')).toBeVisible({ timeout: 15_000 })
    await expect(again.locator('.team-as-of time')).toHaveAttribute('datetime', asOf!)
    await expect(again.getByRole('table', { name: 'Team figures' }).getByRole('rowheader', { name: 'Dana Reyes' })).toBeVisible()
    // The drill-down needs the server, and says so.
    await again
      .getByRole('table', { name: 'Team figures' })
      .locator('[role="row"]')
      .filter({ has: page.getByRole('rowheader', { name: 'Dana Reyes' }) })
      .getByRole('button', { name: /^Volume,/ })
      .click()
    await expect(page.getByRole('dialog', { name: 'Volume: Dana Reyes' }).getByRole('alert')).toContainText('come from the server')
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined)
  }
})

test('the palette does not run team figures for an agent who is not a supervisor', async ({ page, harness }) => {
  // The demo workspace signs in as a service agent.
  await page.goto(harness.url)
  await expect(page.getByRole('grid', { name: 'Inbox' }).locator('[role="row"][aria-rowindex]').first()).toBeVisible()
  await page.keyboard.press('Control+k')
  const palette = page.getByRole('dialog', { name: 'Command palette' })
  await palette.getByRole('combobox', { name: 'Type a command' }).fill('Team figures')
  await expect(palette.getByRole('option', { name: /Team figures/ })).toHaveAttribute('aria-disabled', 'true')
  await page.keyboard.press('Enter')
  await expect(page.getByRole('dialog', { name: 'Team figures' })).toHaveCount(0)
})
