/** Where a benchmark's JSON goes: stdout, and a file (`--out`, or bench/results/<name>-<time>.json). */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** Prints the report, writes it to `out` or a file named after the benchmark and its start time, and returns the path. */
export function publish(report: unknown, name: string, when: string, out: string | undefined): string {
  const json = JSON.stringify(report, null, 2)
  process.stdout.write(json + '\n')
  const path = out ?? join('bench', 'results', `${name}-${when}.json`.replace(/:/g, '-'))
  mkdirSync(join(path, '..'), { recursive: true })
  writeFileSync(path, json + '\n')
  return path
}
