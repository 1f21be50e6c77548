/**
 * Issue 13, "Import and report": a brand's opening message is no first response, an inconsistent
 * resolution time costs only itself (not the item and its rating), line numbers in CRLF files,
 * refusals that say how many more problems there were and group repeats, and a record size limit.
 * On PGlite (openStore with no url): the import's logic is the same on both stores.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { importFile, importedItemId, parseMapping } from '../../src/server/import'
import { openStore, type ServerStore } from '../../src/server/store'
import { figuresReport } from '../../src/server/store/figures'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'handoff-import13-'))
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})
let fileNo = 0
const file = (text: string): string => {
  const path = join(dir, `f${fileNo++}.csv`)
  writeFileSync(path, text)
  return path
}

let store: ServerStore
beforeEach(async () => {
  store = await openStore({})
  await store.addAgent({ id: 'sup', name: 'Sup', email: 'sup@example.com', role: 'supervisor', tiers: [], admin: false })
})
afterEach(async () => {
  await store.close()
})

const threadMapping = parseMapping(
  JSON.stringify({
    source: 'test-promo',
    shape: 'message-per-row',
    dates: { format: 'ISO' },
    fields: { kind: { value: 'service' }, category: { value: 'general' }, channel: { value: 'social' }, subject: { column: 'text', truncate: 40 } },
    thread: { id: 'id', parent: 'parent', inbound: { column: 'inbound', customer: ['True'], agent: ['False'] }, author: 'author', text: 'text', createdAt: 'at' }
  })
)

describe('threads a brand opened', () => {
  it('the first response is the first agent reply after the customer wrote, measured from the customer', async () => {
    const text =
      'id,parent,inbound,author,text,at\n' +
      '1,,False,Brand,Our autumn sale starts today!,2024-05-01T09:00:00Z\n' +
      '2,1,True,kim,Does it include shoes?,2024-05-01T10:00:00Z\n' +
      '3,2,False,Brand,Yes it does.,2024-05-01T10:20:00Z\n'
    const s = await importFile(store, file(text), threadMapping)
    expect(s.items.new).toBe(1)
    const id = importedItemId('test-promo', '1')
    const { rows } = await store.sql.query<Record<string, unknown>>('SELECT created_at, sla_started_at, first_response_at FROM items WHERE id = $1', [id])
    expect(rows[0]).toEqual({ created_at: '2024-05-01T10:00:00.000Z', sla_started_at: '2024-05-01T10:00:00.000Z', first_response_at: '2024-05-01T10:20:00.000Z' })
    // The brand's opening stays in the thread as the reply it was.
    const { rows: msgs } = await store.sql.query<{ kind: string }>('SELECT kind FROM messages WHERE item_id = $1 ORDER BY created_at', [id])
    expect(msgs.map((m) => m.kind)).toEqual(['reply', 'customer', 'reply'])

    const report = await figuresReport(store.sql, { from: '2024-05-01T00:00:00.000Z', to: '2024-05-02T00:00:00.000Z', by: 'kind' }, { now: Date.parse('2024-05-03T00:00:00Z') })
    const service = report.rows.find((r) => r.key === 'service')!
    expect(service.figures.firstResponse.count).toBe(1)
    expect(service.figures.firstResponse.medianMs).toBe(20 * 60_000) // not 0: the opening answered nothing
  })
})
