/**
 * What every benchmark script needs around its measurements: a log line on stderr (stdout is the
 * JSON report), small number helpers, waiting for a condition, unwrapping a core's Envelope, and
 * resources (temporary folders, servers, clusters) released in reverse order even on failure.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Envelope } from '../src/shared/contract/errors'

export const benchLog = (name: string) => (line: string) => process.stderr.write(`bench:${name} ${new Date().toISOString().slice(11, 19)} ${line}\n`)
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
export const round1 = (x: number) => Math.round(x * 10) / 10
export const perSecond = (n: number, ms: number) => Math.round(n / (ms / 1000))

/** Polls `check` every `every` ms until it holds; throws after `ms`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, ms: number, every = 25): Promise<void> {
  const end = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(every)
  }
}

export function ok<T>(e: Envelope<unknown>, what: string): T {
  if (!e.ok) throw new Error(`${what}: ${e.error.code}: ${e.error.message}`)
  return e.value as T
}

/** Things to release at the end of a run, last acquired first, whatever fails on the way. */
export class Resources {
  private readonly releases: (() => Promise<void> | void)[] = []
  constructor(private readonly log: (line: string) => void) {}
  push(release: () => Promise<void> | void): void {
    this.releases.push(release)
  }
  tempDir(prefix: string): string {
    const dir = mkdtempSync(join(tmpdir(), prefix))
    this.push(() => rmSync(dir, { recursive: true, force: true }))
    return dir
  }
  async releaseAll(): Promise<void> {
    for (const fn of this.releases.splice(0).reverse()) {
      try {
        await fn()
      } catch (e) {
        this.log(`cleanup: ${(e as Error).message}`)
      }
    }
  }
}
