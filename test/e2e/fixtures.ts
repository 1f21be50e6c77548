import { test as base, expect } from '@playwright/test'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { startHarness, type HarnessProcess } from '../../scripts/harness/process'

interface Fixtures {
  /** Options for this test's harness; override with test.use({ harnessOptions: { empty: true } }). */
  harnessOptions: { empty?: boolean; prepare?: (dataDir: string) => Promise<void> }
  /** A harness over its own fresh data folder, stopped and removed after the test. */
  harness: HarnessProcess
  /** Opens the test's SQLite file read-only (call after harness.stop() for a settled view). */
  openDb: () => Database.Database
}

export const test = base.extend<Fixtures>({
  harnessOptions: [{}, { option: true }],
  harness: async ({ harnessOptions }, use) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'handoff-e2e-'))
    await harnessOptions.prepare?.(dataDir)
    const harness = await startHarness(dataDir, { empty: harnessOptions.empty ?? false })
    try {
      await use(harness)
    } finally {
      await harness.stop()
      await rm(dataDir, { recursive: true, force: true })
    }
  },
  openDb: async ({ harness }, use) => {
    const opened: Database.Database[] = []
    await use(() => {
      const db = new Database(harness.dbFile, { readonly: true, fileMustExist: true })
      opened.push(db)
      return db
    })
    for (const db of opened) db.close()
  }
})

export { expect }
