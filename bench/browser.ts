/**
 * Browser figures through the harness in Debian's Chromium: navigation to the first inbox rows
 * painted, and keystroke-to-filtered-rows for a search typed character by character. Both are
 * measured inside the page (performance.now()), so the driver's own latency is not counted.
 */
import { chromium } from 'playwright-core'
import { startHarness } from '../scripts/harness/process'
import { summarize } from './stats'

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync']
const ROWS = '[role="grid"][aria-label="Inbox"] [role="row"][aria-rowindex]'

/** In the page from its first script: the time the first inbox row is in the DOM and painted. */
const FIRST_ROWS_PROBE = `(() => {
  const check = () => {
    if (window.__firstRowsAt === undefined && document.querySelector(${JSON.stringify(ROWS)})) {
      requestAnimationFrame(() => requestAnimationFrame(() => { window.__firstRowsAt = performance.now() }))
      return true
    }
    return false
  }
  new MutationObserver((_, obs) => { if (check()) obs.disconnect() }).observe(document, { childList: true, subtree: true })
})()`

/**
 * In the page: each keydown's time, and the time the grid first shows rows for a search text
 * (data-search set and not busy), watched by a MutationObserver so no polling delay is counted.
 */
const KEYDOWN_PROBE = `(() => {
  window.__keyAt = 0
  window.__rowsAt = {}
  document.addEventListener('keydown', () => { window.__keyAt = performance.now() }, { capture: true })
  const watch = () => {
    const grid = document.querySelector('[role="grid"][aria-label="Inbox"]')
    if (!grid) return false
    const note = () => {
      const q = grid.getAttribute('data-search')
      if (q !== null && grid.getAttribute('aria-busy') !== 'true' && window.__rowsAt[q] === undefined) {
        requestAnimationFrame(() => { window.__rowsAt[q] = performance.now() })
      }
    }
    new MutationObserver(note).observe(grid, { attributes: true, attributeFilter: ['data-search', 'aria-busy'] })
    return true
  }
  if (!watch()) new MutationObserver((_, obs) => { if (watch()) obs.disconnect() }).observe(document, { childList: true, subtree: true })
})()`

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
      // A string, not a function: tsx would wrap a function in helpers the page does not have.
      await page.addInitScript(FIRST_ROWS_PROBE)
      await page.goto(harness.url)
      const at = await page.waitForFunction(() => (window as unknown as { __firstRowsAt?: number }).__firstRowsAt, undefined, { timeout: 30_000 })
      firstRows.push((await at.jsonValue()) as number)
      await context.close()
    }

    // Keystroke to rows: type words one character at a time; for each keystroke, the time from
    // the keydown to the grid announcing rows for exactly the text now in the box (data-search).
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } })
    const page = await context.newPage()
    await page.addInitScript(KEYDOWN_PROBE)
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
        await page.keyboard.type(ch)
        const handle = await page.waitForFunction(
          (want: string) => {
            const w = window as unknown as { __keyAt: number; __rowsAt: Record<string, number> }
            const at = w.__rowsAt[want]
            return at === undefined ? false : at - w.__keyAt
          },
          expected,
          { polling: 'raf', timeout: 10_000 }
        )
        samples.push((await handle.jsonValue()) as number)
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
