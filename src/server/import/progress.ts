/**
 * The import's progress on stderr (never stdout, which --json keeps for the summary): a
 * cli-progress bar when stderr is a terminal, else a plain line at every further tenth.
 */
import { SingleBar } from 'cli-progress'

export interface Progress {
  /** A new phase of `total` units (bytes read, items written). */
  start(label: string, total: number, unit: 'bytes' | 'items'): void
  update(value: number): void
  stop(): void
}

export const silentProgress: Progress = { start() {}, update() {}, stop() {} }

const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`

export function stderrProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY) {
    let bar: SingleBar | null = null
    let unit: 'bytes' | 'items' = 'items'
    return {
      start(label, total, u) {
        bar?.stop()
        unit = u
        bar = new SingleBar({
          stream,
          format: `${label.padEnd(8)} [{bar}] {percentage}% | {shown}`,
          hideCursor: true,
          clearOnComplete: false
        })
        bar.start(Math.max(total, 1), 0, { shown: '' })
      },
      update(value) {
        bar?.update(value, { shown: unit === 'bytes' ? `${mb(value)} of ${mb(bar.getTotal())}` : `${value.toLocaleString('en')} of ${bar.getTotal().toLocaleString('en')}` })
      },
      stop() {
        bar?.stop()
        bar = null
      }
    }
  }
  let label = ''
  let total = 1
  let unit: 'bytes' | 'items' = 'items'
  let shownTenth = -1
  return {
    start(l, t, u) {
      label = l
      total = Math.max(t, 1)
      unit = u
      shownTenth = -1
    },
    update(value) {
      const tenth = Math.floor((value / total) * 10)
      if (tenth <= shownTenth) return
      shownTenth = tenth
      const shown = unit === 'bytes' ? `${mb(value)} of ${mb(total)}` : `${value} of ${total} items`
      stream.write(`import: ${label} ${Math.min(100, tenth * 10)}% (${shown})\n`)
    },
    stop() {}
  }
}
