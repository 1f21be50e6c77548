import type { Page } from '@playwright/test'

/** Runs a command from the command palette (Ctrl+K, its name typed, Enter), as a keyboard user would. */
export async function runCommand(page: Page, command: string): Promise<void> {
  await page.keyboard.press('Control+k')
  const palette = page.getByRole('dialog', { name: 'Command palette' })
  await palette.getByRole('combobox', { name: 'Type a command' }).fill(command)
  await page.keyboard.press('Enter')
}
