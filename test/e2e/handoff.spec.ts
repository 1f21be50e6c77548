import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { Page } from '@playwright/test'
import { createCore } from '../../src/core/core'
import { test, expect } from './fixtures'

/**
 * Issue 3's story on a small workspace of four people, so the new ticket is the only one in each
 * queue and every figure can be checked by hand.
 */
const FRONTLINE = 'Dana Ruiz'
const TIER1 = 'Sam Okoye'
const TIER2 = 'Mei Lin'
const SUPERVISOR = 'Ravi Menon'

async function prepareTeam(dataDir: string): Promise<void> {
  const file = join(dataDir, 'handoff.sqlite')
  const core = createCore({ file })
  const started = core.dispatch('workspace.startEmpty', { name: FRONTLINE, email: 'dana@example.com' })
  core.close()
  if (!started.ok) throw new Error(started.error.message)
  // Agents come from the server in production (issue 4); here they are written directly.
  const db = new Database(file)
  const add = db.prepare(`INSERT INTO agents (id, name, email, role, tiers) VALUES (?, ?, ?, ?, ?)`)
  add.run('agent-sam', TIER1, 'sam@example.com', 'support', '[1]')
  add.run('agent-mei', TIER2, 'mei@example.com', 'support', '[2]')
  add.run('agent-ravi', SUPERVISOR, 'ravi@example.com', 'supervisor', '[]')
  db.close()
}

test.use({ harnessOptions: { prepare: prepareTeam } })

const itemPane = (page: Page) => page.getByRole('region', { name: 'Item' })
const rows = (page: Page) => page.getByRole('grid', { name: 'Inbox' }).locator('[role="row"][aria-rowindex]')

async function signInAs(page: Page, name: string) {
  await page.getByRole('contentinfo', { name: 'Status bar' }).getByRole('combobox', { name: 'Signed in as' }).selectOption({ label: name })
  await expect(page.getByRole('contentinfo', { name: 'Status bar' })).toContainText(`Signed in as ${name}`)
}

async function handOff(page: Page, action: string, submit: string, fields: { reason: string; summary: string; category?: string }) {
  await itemPane(page).getByRole('button', { name: action, exact: true }).click()
  const dialog = page.getByRole('dialog', { name: action })
  await dialog.getByRole('combobox', { name: 'Reason', exact: true }).selectOption({ label: fields.reason })
  if (fields.category) await dialog.getByRole('combobox', { name: 'Support category' }).selectOption({ label: fields.category })
  await dialog.getByRole('textbox', { name: 'Handoff summary' }).fill(fields.summary)
  await dialog.getByRole('button', { name: submit, exact: true }).click()
  await expect(dialog).toBeHidden()
}

test('a checkout crash goes from frontline to tier 1, tier 2, back to service and is resolved; timeline and figures name each step', async ({ page, harness, openDb }) => {
  await page.goto(harness.url)
  await expect(page.getByRole('contentinfo', { name: 'Status bar' })).toContainText(`Signed in as ${FRONTLINE}`)

  // Frontline: a chat about an app crash during checkout.
  const subject = `App crashed during checkout ${Date.now()}`
  await page.getByRole('button', { name: 'New item' }).click()
  const create = page.getByRole('dialog', { name: 'New item' })
  await create.getByRole('combobox', { name: 'Kind' }).selectOption({ label: 'Service' })
  await create.getByRole('combobox', { name: 'Category' }).selectOption({ label: 'Order help' })
  await create.getByRole('combobox', { name: 'Channel' }).selectOption({ label: 'Chat' })
  await create.getByRole('radio', { name: 'New customer' }).check()
  await create.getByRole('textbox', { name: 'Customer name' }).fill('Ines Duarte')
  await create.getByRole('textbox', { name: 'Subject' }).fill(subject)
  await create.getByRole('textbox', { name: 'Message' }).fill('The app closes itself when I tap Pay. I was charged twice.')
  await create.getByRole('button', { name: 'Create item' }).click()
  await expect(itemPane(page).getByRole('heading', { level: 2 })).toHaveText(subject)

  const firstSummary = 'App crashes on Pay (iOS 18, app 5.2). Customer charged twice; needs the crash fixed, then a refund.'
  await handOff(page, 'Escalate to support', 'Escalate to support', { reason: 'Technical problem beyond frontline', category: 'Bug', summary: firstSummary })
  await expect(itemPane(page).getByRole('region', { name: 'Handoff summary' })).toContainText(firstSummary)

  // Tier 1 finds it at the top of their queue, with the summary standing at the top.
  await signInAs(page, TIER1)
  await expect(page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Tier 1 queue' })).toHaveAttribute('aria-current', 'true')
  await expect(rows(page).first()).toContainText(subject)
  await rows(page).first().click()
  await expect(itemPane(page).getByRole('region', { name: 'Handoff summary' })).toContainText(firstSummary)
  await handOff(page, 'Escalate to tier 2', 'Escalate to tier 2', { reason: 'Needs specialist expertise', summary: 'Reproduced: payment SDK throws on 3-D Secure redirect. Needs tier 2.' })

  // Tier 2 fixes it and hands it back to service for the refund.
  await signInAs(page, TIER2)
  await expect(page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Tier 2 queue' })).toHaveAttribute('aria-current', 'true')
  await rows(page).filter({ hasText: subject }).click()
  const refundNote = 'Crash fixed in 5.2.1 (hotfix live). Customer still needs the duplicate charge refunded.'
  await handOff(page, 'Hand back to service', 'Hand back', { reason: 'Technical part done; service follow-up needed', summary: refundNote })

  // The frontline agent resolves it.
  await signInAs(page, FRONTLINE)
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Frontline queue' }).click()
  await rows(page).filter({ hasText: subject }).click()
  await expect(itemPane(page).getByRole('region', { name: 'Handoff summary' })).toContainText(refundNote)
  await page.getByRole('radio', { name: 'Reply' }).check()
  await page.getByRole('textbox', { name: 'Message' }).fill('The app is fixed and the duplicate charge is refunded. Sorry for the trouble!')
  await page.getByRole('button', { name: 'Send reply' }).click()
  await itemPane(page).getByRole('combobox', { name: 'Status', exact: true }).selectOption('resolved')
  await expect(itemPane(page).getByRole('combobox', { name: 'Status', exact: true })).toHaveValue('resolved')

  // The timeline shows every step with who and why.
  const thread = page.getByRole('list', { name: 'Thread' })
  for (const [who, why] of [
    [FRONTLINE, 'Technical problem beyond frontline'],
    [TIER1, 'Needs specialist expertise'],
    [TIER2, 'Technical part done; service follow-up needed']
  ] as const) {
    await expect(thread.getByRole('listitem').filter({ hasText: who }).filter({ hasText: why })).not.toHaveCount(0)
  }

  // The figures attribute each step to the agent who took it; hand-backs are not escalations.
  await page.getByRole('button', { name: 'Escalation figures' }).click()
  const figures = page.getByRole('dialog', { name: 'Escalation figures' })
  await figures.getByRole('combobox', { name: 'Period' }).selectOption({ label: 'Today' })
  const table = figures.getByRole('table', { name: 'Escalations by agent' })
  const cells = async (name: string) => (await table.getByRole('row').filter({ hasText: name }).locator('th, td').allInnerTexts()).map((c) => c.trim())
  // Agent, Escalations, Hand-backs, De-escalations, Items worked, Escalation rate
  await expect.poll(() => cells(FRONTLINE)).toEqual([FRONTLINE, '1', '0', '0', '1', '100%'])
  await expect.poll(() => cells(TIER1)).toEqual([TIER1, '1', '0', '0', '1', '100%'])
  await expect.poll(() => cells(TIER2)).toEqual([TIER2, '0', '1', '0', '0', 'no data'])

  // All of it is local mutations in the outbox, in order.
  await harness.stop()
  const db = openDb()
  const names = (db.prepare(`SELECT name FROM outbox ORDER BY seq`).all() as { name: string }[]).map((r) => r.name)
  expect(names).toEqual(['item.create', 'item.escalateToSupport', 'item.escalateTier', 'item.handBack', 'item.reply', 'item.setStatus'])
  const item = db.prepare(`SELECT queue, tier, kind, status FROM items WHERE subject = ?`).get(subject)
  expect(item).toEqual({ queue: 'service', tier: 2, kind: 'support', status: 'resolved' })
})
