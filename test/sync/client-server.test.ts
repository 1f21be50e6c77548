/**
 * Smoke test of the console's sync client against the real server (PGlite backend) over HTTP:
 * two consoles, real timers, real event stream. The full integration suite lives elsewhere.
 */
import { expect, it } from 'vitest'
import type { Core } from '../../src/core/core'
import type { InboxRow, ItemDetail, SyncStatus } from '../../src/shared/contract'
import { ok } from '../core/helpers/workspace'
import { teamServer } from './support/team'
import { until as waitUntil } from '../support/until'

const team = teamServer()
const { consoleFor } = team

const until = (what: string, check: () => boolean | Promise<boolean>, ms = 15_000) => waitUntil(what, check, ms, 25)

it('a change made on one console reaches another, and both end with empty outboxes', async () => {
  const dana = await consoleFor('dana')
  const lee = await consoleFor('lee')
  const status = (c: Core) => ok<SyncStatus>(c.dispatch('sync.status', {}))
  await until('both online', () => status(dana).state === 'online' && status(lee).state === 'online')

  const created = ok<{ itemId: string }>(
    dana.dispatch('item.create', {
      kind: 'service',
      category: 'order',
      channel: 'email',
      subject: 'Charged twice for one order',
      body: 'My card shows two charges.',
      customer: { type: 'new', name: 'Ann Smith', email: 'ann@example.com' }
    })
  )
  ok(dana.dispatch('item.reply', { itemId: created.itemId, body: 'Refunding the second charge now.' }))
  await until('dana confirmed', () => status(dana).pending === 0)
  const rows = () => ok<{ rows: InboxRow[] }>(lee.dispatch('inbox.page', { filter: {}, sort: { column: 'age', direction: 'desc' }, offset: 0, limit: 50 })).rows
  await until('lee sees it', () => rows().some((r) => r.id === created.itemId))
  const detail = ok<ItemDetail>(lee.dispatch('item.get', { itemId: created.itemId }))
  expect(detail.thread.filter((e) => e.type === 'message').map((e) => (e.type === 'message' ? e.message.body : ''))).toEqual([
    'My card shows two charges.',
    'Refunding the second charge now.'
  ])
  expect(detail.item.status).toBe('open')

  // And back: lee's note reaches dana, once.
  ok(lee.dispatch('item.addNote', { itemId: created.itemId, body: 'Checked with billing.' }))
  const hasNote = () => ok<ItemDetail>(dana.dispatch('item.get', { itemId: created.itemId })).thread.some((e) => e.type === 'message' && e.message.body === 'Checked with billing.')
  await until('dana sees the note', hasNote)
  await until('lee confirmed', () => status(lee).pending === 0)
  const mine = ok<ItemDetail>(dana.dispatch('item.get', { itemId: created.itemId }))
  expect(mine.thread.filter((e) => e.type === 'message' && e.message.body === 'Checked with billing.')).toHaveLength(1)
  expect(status(dana)).toMatchObject({ state: 'online', pending: 0, rejections: 0 })
}, 60_000)
