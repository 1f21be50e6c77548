import type { Page } from '@playwright/test'
import { test, expect } from './fixtures'
import { runCommand } from './palette'

/**
 * Business hours end to end, through the harness over the real core: a supervisor turns them on
 * in Workspace settings (a mistyped zone, a day closing before it opens and a bad holiday are
 * refused next to their fields, keeping what was typed), saves, and the personal panel's duration
 * cards then say their business-hours median and p90.
 */

async function openSettings(page: Page) {
  await runCommand(page, 'Workspace settings')
  const dialog = page.getByRole('dialog', { name: 'Workspace settings' })
  await expect(dialog).toBeVisible()
  return dialog
}

test('a supervisor sets business hours with inline errors, and the personal panel shows business durations', async ({ page, harness }) => {
  await page.goto(harness.url)
  await page.getByRole('combobox', { name: 'Signed in as' }).selectOption({ label: 'Grace Mitchell' })
  await expect(page.getByText('Signed in as Grace Mitchell').first()).toBeVisible()

  let dialog = await openSettings(page)
  const on = dialog.getByRole('checkbox', { name: 'Also measure response and resolution times in business hours' })
  await expect(on).not.toBeChecked()
  await expect(dialog.getByText('Off: response and resolution times are calendar time only.')).toBeVisible()
  await on.check()

  const zone = dialog.getByRole('combobox', { name: 'Time zone' })
  await zone.fill('Europe/Atlantis')
  await dialog.getByLabel('Tuesday opens').fill('18:00')
  await dialog.getByLabel('Holidays (no working hours)').fill('2026-12-25, 25.12.2026')
  await dialog.getByRole('button', { name: 'Save settings' }).click()

  await expect(dialog.getByText('Check the business hours below.')).toBeVisible()
  await expect(dialog.getByText('“Europe/Atlantis” is not a time zone: use an IANA name such as Europe/Berlin.')).toBeVisible()
  await expect(zone).toHaveAttribute('aria-invalid', 'true')
  await expect(zone).toHaveValue('Europe/Atlantis')
  await expect(dialog.getByText('Tuesday: the closing time is before the opening time.')).toBeVisible()
  await expect(dialog.getByLabel('Tuesday opens')).toHaveValue('18:00')
  await expect(dialog.getByText('Not a date written YYYY-MM-DD: 25.12.2026.')).toBeVisible()

  // Fix them: UTC, every day open all day (so the demo's work has business time), one holiday.
  await zone.fill('UTC')
  for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']) {
    const closed = dialog.getByRole('checkbox', { name: `${day} closed` })
    if (await closed.isChecked()) await closed.uncheck()
    await dialog.getByLabel(`${day} opens`).fill('00:00')
    await dialog.getByLabel(`${day} closes`).fill('00:00')
  }
  await dialog.getByLabel('Holidays (no working hours)').fill('2026-12-25')
  await dialog.getByRole('button', { name: 'Save settings' }).click()
  await expect(dialog).toBeHidden()

  // Stored: the dialog opens with it.
  dialog = await openSettings(page)
  await expect(dialog.getByRole('checkbox', { name: 'Also measure response and resolution times in business hours' })).toBeChecked()
  await expect(dialog.getByRole('combobox', { name: 'Time zone' })).toHaveValue('UTC')
  await expect(dialog.getByLabel('Holidays (no working hours)')).toHaveValue('2026-12-25')
  await dialog.getByRole('button', { name: 'Cancel' }).click()

  // The demo's service agent: their duration cards now carry business hours.
  await page.getByRole('combobox', { name: 'Signed in as' }).selectOption({ label: 'Maya Okafor' })
  // The switch ends by opening her first view, which closes a panel opened before it: wait for it.
  await expect(page.getByRole('status').getByText('Signed in as Maya Okafor')).toBeVisible()
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'My figures' }).click()
  const panel = page.getByRole('region', { name: 'My figures' })
  await panel.getByRole('button', { name: '30 days' }).click()
  await expect(panel.getByRole('listitem', { name: 'First response time (median)' })).toContainText(/business hours: median (\d|No data)/)
  await expect(panel.getByRole('listitem', { name: 'Time to resolution (median)' })).toContainText(/business hours: median (\d|No data)/)
})
