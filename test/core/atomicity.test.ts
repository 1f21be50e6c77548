import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { createCore } from '../../src/core/core'
import { FIXED_NOW, ok, tempFile } from './helpers/workspace'

/**
 * A change and its outbox row are written in one transaction: kill the writer at a random moment
 * (SIGKILL, no chance to clean up) and every change on disk has its outbox row, and vice versa.
 */
const child = fileURLToPath(new URL('./helpers/mutation-burst.ts', import.meta.url))

function prepareWorkspace(file: string): void {
  const core = createCore({ file, now: () => FIXED_NOW })
  ok(core.dispatch('workspace.startEmpty', { name: 'Maya Okafor', email: 'maya@example.com' }))
  for (let i = 0; i < 10; i++) {
    ok(core.dispatch('item.create', { kind: 'support', category: 'bug', channel: 'chat', subject: `Item ${i}`, body: 'It crashes.', customer: { type: 'new', name: `Customer ${i}` } }))
  }
  core.close()
}

/**
 * Runs the burst and SIGKILLs it `afterMs` after its first reported commit (not after it started:
 * on a loaded machine a writer may commit nothing in the first 100 ms, and a kill before any commit
 * tests nothing); resolves with the last commit count it reported.
 */
function burstAndKill(file: string, afterMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const proc = fork(child, [file], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] })
    let reported = 0
    let stderr = ''
    proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
    let armed = false
    proc.on('message', (m: { ready?: boolean; committed?: number }) => {
      if (typeof m.committed === 'number') reported = m.committed
      if (!armed && reported > 0) {
        armed = true
        setTimeout(() => proc.kill('SIGKILL'), afterMs)
      }
    })
    proc.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve(reported)
      else reject(new Error(`burst exited by itself (${signal ?? _code}): ${stderr}`))
    })
  })
}

const prefix = (id: string) => id.slice(0, id.indexOf('.') === -1 ? id.length : id.indexOf('.'))

function check(file: string, reported: number) {
  const db = new Database(file)
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
    expect(db.prepare(`INSERT INTO items_fts (items_fts) VALUES ('integrity-check')`).run().changes).toBeGreaterThanOrEqual(0)
    const outbox = new Set(db.prepare('SELECT mutation_id FROM outbox').pluck().all() as string[])
    // Everything committed before the last report survived the kill.
    expect(outbox.size).toBeGreaterThanOrEqual(reported + 10)
    // Every row a mutation wrote belongs to a mutation in the outbox...
    const written = new Set<string>()
    for (const id of db.prepare('SELECT id FROM items').pluck().all() as string[]) written.add(id)
    for (const table of ['messages', 'item_events', 'customers']) {
      for (const id of db.prepare(`SELECT id FROM ${table}`).pluck().all() as string[]) written.add(prefix(id))
    }
    const orphans = [...written].filter((id) => !outbox.has(id))
    expect(orphans).toEqual([])
    // ...and every mutation in the outbox wrote its rows.
    const missing = [...outbox].filter((id) => !written.has(id))
    expect(missing).toEqual([])
    // Replies specifically: message and outbox row under the same mutation id.
    const replies = db.prepare(`SELECT o.mutation_id, m.id FROM outbox o LEFT JOIN messages m ON m.id = o.mutation_id || '.m' WHERE o.name = 'item.reply'`).all() as { mutation_id: string; id: string | null }[]
    expect(replies.filter((r) => r.id === null)).toEqual([])
    return outbox.size
  } finally {
    db.close()
  }
}

describe('a writer killed mid-burst', () => {
  it('leaves every committed change with its outbox row, and no outbox row without its change', async () => {
    const file = tempFile()
    prepareWorkspace(file)
    let before = 10
    for (const afterMs of [40, 90, 150, 220].map((ms) => ms + Math.floor(Math.random() * 60))) {
      const reported = await burstAndKill(file, afterMs)
      const after = check(file, reported)
      expect(after).toBeGreaterThan(before) // the burst did commit something each time
      before = after
      // The killed writer's file opens again as a normal workspace.
      const core = createCore({ file })
      expect(ok<{ pending: number }>(core.dispatch('outbox.status', {})).pending).toBe(after)
      core.close()
    }
  }, 90_000)
})
