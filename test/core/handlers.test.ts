import { afterEach, describe, expect, it } from 'vitest'
import { HandoffError, OPERATION_NAMES } from '../../src/shared/contract'
import { MUTATION_NAMES } from '../../src/shared/mutations'
import { createHandlers } from '../../src/core/handlers'
import { createHandlerContext } from '../../src/core/handler-context'
import { mutationHandlers } from '../../src/core/mutation-handlers'
import { openDatabase, type Db } from '../../src/core/infra/database'
import { createSyncController, type SyncController } from '../../src/core/sync/controller'
import { memoryVault } from '../../src/core/sync/credentials'
import { personalFiguresArchive } from '../../src/core/figures/personal'
import { FIXED_NOW, tempFile } from './helpers/workspace'

/** The core's handlers, combined from each capability's and one path for every mutation. */
describe('the handlers', () => {
  let db: Db
  let sync: SyncController
  afterEach(() => {
    sync?.close()
    db?.close()
  })

  function open(): { notified: () => number } {
    db = openDatabase(tempFile())
    const real = createSyncController(db, { vault: memoryVault(), keeper: personalFiguresArchive, now: () => FIXED_NOW })
    let notified = 0
    sync = { ...real, notifyLocalChange: () => void notified++ }
    return { notified: () => notified }
  }

  it('give every mutation a handler without one written for it', () => {
    open()
    expect(Object.keys(mutationHandlers(createHandlerContext(db, () => FIXED_NOW, sync), sync)).sort()).toEqual([...MUTATION_NAMES].sort())
  })

  it('cover every operation once', () => {
    open()
    expect(Object.keys(createHandlers(db, () => FIXED_NOW, sync)).sort()).toEqual([...OPERATION_NAMES].sort())
  })

  it('record a mutation as the signed-in agent in the outbox, and then tell the sync engine; a refused one tells it nothing', () => {
    const { notified } = open()
    const handlers = createHandlers(db, () => FIXED_NOW, sync)
    expect(() => handlers['view.save']({ name: 'Mine', filter: {}, sort: { column: 'age', direction: 'asc' } })).toThrow(HandoffError)
    expect(notified()).toBe(0)

    const agentId = handlers['workspace.startEmpty']({ name: 'Maya Okafor', email: 'maya@example.com' }).agent?.id
    const { viewId, mutationId } = handlers['view.save']({ name: 'Mine', filter: {}, sort: { column: 'age', direction: 'asc' } })
    expect(notified()).toBe(1)
    expect(db.prepare('SELECT name, actor_id AS actorId FROM outbox WHERE mutation_id = ?').get(mutationId)).toEqual({ name: 'view.save', actorId: agentId })
    expect(handlers['views.list']({}).map((v) => v.id)).toContain(viewId)

    expect(() => handlers['view.delete']({ viewId: 'no-such-view' })).toThrow(HandoffError)
    expect(notified()).toBe(1)
  })
})
