/**
 * Browser figures through the harness in Debian's Chromium: navigation to the first inbox rows
 * painted, and keystroke-to-filtered-rows for a search typed character by character. Both are
 * measured inside the page (performance.now()), so the driver's own latency is not counted.
 */
import { chromium } from 'playwright-core'
import { startHarness } from '../test/e2e/harness-process'
import { summarize } from './stats'

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync']
const ROWS = '[role="grid"][aria-label="Inbox"] [role="row"][aria-rowindex]'

export async function measureBrowser(dataDir: string) {
  const harness = await startHarness(dataDir)
  const browser = await chromium.launch({ executablePath: process.env.HANDOFF_CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS })
  try {
    // First rows: a fresh page each time; time from navigation start to the first row in the DOM
    // and painted (two animation frames after it appears).
    const firstRows: number[] = []
    for (let run = 0; run < 6; run++) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } })
      const page = await context.newPage()
      await page.addInitScript((selector: string) => {
        const w = window as unknown as { __firstRowsAt?: number }
        const check = () => {
          if (w.__firstRowsAt === undefined && document.querySelector(selector)) {
            requestAnimationFrame(() => requestAnimationFrame(() => (w.__firstRowsAt = performance.now())))
            return true
          }
          return false
        }
        new MutationObserver((_, obs) => check() && obs.disconnect()).observe(document, { childList: true, subtree: true })
      }, ROWS)
      await page.goto(harness.url)
      const at = await page.waitForFunction(() => (window as unknown as { __firstRowsAt?: number }).__firstRowsAt, undefined, { timeout: 30_000 })
      firstRows.push((await at.jsonValue()) as number)
      await context.close()
    }

    // Keystroke to rows: type words one character at a time; for each keystroke, the time from
    // the keydown to the grid announcing rows for exactly the text now in the box (data-search).
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } })
    const page = await context.newPage()
    await page.goto(harness.url)
    await page.waitForSelector(ROWS)
    const box = page.getByRole('searchbox', { name: 'Search' })
    const samples: number[] = []
    for (const word of ['refund', 'password', 'delivery', 'invoice', 'crash']) {
      await box.fill('')
      await page.waitForFunction(() => document.querySelector('[role="grid"][aria-label="Inbox"]')?.getAttribute('data-search') === '')
      await box.focus()
      for (const ch of word) {
        const expected = ((await box.inputValue()) + ch).trim()
        const measured = page.evaluate((want: string) => {
          const grid = document.querySelector('[role="grid"][aria-label="Inbox"]') as HTMLElement
          return new Promise<number>((resolve) => {
            let t0 = 0
            document.addEventListener('keydown', () => (t0 = performance.now()), { capture: true, once: true })
            const done = () => {
              if (t0 > 0 && grid.getAttribute('data-search') === want && grid.getAttribute('aria-busy') !== 'true') {
                obs.disconnect()
                requestAnimationFrame(() => resolve(performance.now() - t0))
              }
            }
            const obs = new MutationObserver(done)
            obs.observe(grid, { attributes: true, childList: true, subtree: true })
          })
        }, expected)
        await page.keyboard.type(ch)
        samples.push(await measured)
      }
    }
    await context.close()
    return {
      first_rows_ms: { ...summarize(firstRows), target_ms: 1000 },
      keystroke_to_rows: { ...summarize(samples), target_p95_ms: 50 }
    }
  } finally {
    await browser.close()
    await harness.stop()
  }
}
