/**
 * npm run screenshot — the README's picture of the inbox, taken through the harness over a
 * fresh demo workspace in Debian's Chromium: docs/inbox.png.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import { startHarness } from './harness/process'

const dir = mkdtempSync(join(tmpdir(), 'handoff-shot-'))
const harness = await startHarness(dir)
const browser = await chromium.launch({
  executablePath: process.env.HANDOFF_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run']
})
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 860 }, deviceScaleFactor: 1 })
  await page.goto(harness.url)
  const rows = page.getByRole('grid', { name: 'Inbox' }).locator('[role="row"][aria-rowindex]')
  await rows.nth(2).click()
  await page.getByRole('region', { name: 'Item' }).getByRole('heading', { level: 2 }).waitFor()
  await page.waitForTimeout(300)
  await page.screenshot({ path: 'docs/inbox.png' })
  process.stderr.write('wrote docs/inbox.png\n')
} finally {
  await browser.close()
  await harness.stop()
  rmSync(dir, { recursive: true, force: true })
}
