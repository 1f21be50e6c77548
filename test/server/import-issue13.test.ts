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
import { ImportError, importFile, importedItemId, parseMapping } from '../../src/server/import'
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

const ticketMapping = (over: Record<string, unknown> = {}) =>
  parseMapping(
    JSON.stringify({
      source: 'test-tickets13',
      shape: 'item-per-row',
      dates: { format: 'yyyy-MM-dd HH:mm', timeZone: 'UTC' },
      fields: {
        externalId: 'id',
        customerName: 'name',
        subject: { column: 'text', truncate: 40 },
        body: 'text',
        kind: { value: 'service' },
        category: { value: 'general' },
        channel: { column: 'channel', values: { Mail: 'email' } },
        status: { column: 'state', values: { Open: 'open', Done: 'closed' } },
        createdAt: 'opened',
        firstResponseAt: 'answered',
        resolvedAt: 'closed',
        csat: 'csat',
        ...over
      }
    })
  )
const HEADER = 'id,name,channel,state,opened,answered,closed,csat,text'

const refused = async (path: string, mapping = ticketMapping(), options = {}): Promise<ImportError> => {
  const e = await importFile(store, path, mapping, { recordedBy: 'sup', ...options }).then(
    () => null,
    (err: unknown) => err
  )
  expect(e).toBeInstanceOf(ImportError)
  return e as ImportError
}

describe('where and how many problems', () => {
  it('line numbers in a CRLF file (as Excel and Python write) are the lines an editor shows', async () => {
    const rows = [
      HEADER, // 1
      '1,Ada,Mail,Open,2024-03-01 09:00,,,,"Two lines:\r\nhere"', // 2-3
      '2,Bo,Mail,Open,2024-03-01 09:00,,,,fine', // 4
      '3,Cy,Fax,Open,2024-03-01 09:00,,,,bad channel', // 5
      '4,Dee,Mail,Open,not a date,,,,bad date' // 6
    ]
    const e = await refused(file(rows.join('\r\n') + '\r\n'))
    expect(e.problems.map((p) => [p.line, p.column])).toEqual([
      [5, 'channel'],
      [6, 'opened']
    ])
    // Skipped rows too: a missing name on line 4 of a CRLF file.
    const s = await importFile(store, file([HEADER, '1,Ada,Mail,Open,2024-03-01 09:00,,,,"a\r\nb"', '2,,Mail,Open,2024-03-01 09:00,,,,c'].join('\r\n')), ticketMapping())
    expect(s.skipped.list.map((k) => [k.line, k.reason])).toEqual([[4, 'missing_value']])
  })

  it('a refusal groups one problem repeated on many rows, lists 50 distinct ones and says how many more there are', async () => {
    const rows = [HEADER]
    for (let i = 0; i < 120; i++) rows.push(`${i},N${i},Fax,Open,2024-03-01 09:00,,,,t`) // lines 2..121: the same unmapped value
    for (let i = 0; i < 60; i++) rows.push(`x${i},N,Pigeon ${i},Open,2024-03-01 09:00,,,,t`) // lines 122..181: 60 different ones
    const e = await refused(file(rows.join('\n') + '\n'))
    expect(e.total).toBe(180)
    expect(e.problems).toHaveLength(50)
    expect(e.problems[0]).toMatchObject({ line: 2, column: 'channel', count: 120, lines: [2, 3, 4, 5, 6] })
    expect(e.problems[1]).toMatchObject({ line: 122, column: 'channel' })
    expect(e.problems[1]!.count).toBeUndefined()
    // 120 + 49 listed; the other 11 distinct values are counted, not listed.
    expect(e.message).toContain('line 2, column "channel": "Fax" has no mapping for channel')
    expect(e.message).toContain('(120 rows: lines 2, 3, 4, 5, 6, …)')
    expect(e.message).toMatch(/… and 11 more \(problems on other values, not listed\)$/)
  })
})

describe('a record size limit', () => {
  it('an unclosed quote in a large file is a bad_csv error naming the line where it opens, not a record held in memory whole', { timeout: 120_000 }, async () => {
    // No quotes after the unclosed one (the shape of the 200 MB case): the rest of the file would be one field.
    const row = (i: number) => `${i},Name ${i},Mail,Open,2024-03-01 09:00,,,,A message long enough to make the file a few megabytes ${'x'.repeat(200)}`
    const rows = [HEADER, row(1), row(2), '3,Cy,Mail,Open,2024-03-01 09:00,,,,"this quote is never closed']
    for (let i = 4; i < 12_000; i++) rows.push(row(i))
    const path = file(rows.join('\n') + '\n') // about 3.3 MB
    const e = await refused(path, ticketMapping(), { maxRecordChars: 100_000 })
    expect(e.code).toBe('bad_csv')
    expect(e.problems).toEqual([
      {
        line: 4,
        message: 'The record starting here is longer than 100,000 characters: most likely a quote (") that is never closed, which makes the rest of the file one field.'
      }
    ])
    expect(e.message).toMatch(/^The file is not readable CSV; nothing was imported\.\n {2}line 4: The record starting here/)
    // The same file closed properly loads under the same limit.
    rows[3] = '3,Cy,Mail,Open,2024-03-01 09:00,,,,"this quote is closed"'
    expect(rows.join('\n').length).toBeGreaterThan(3_000_000)
    const s = await importFile(store, file(rows.join('\n') + '\n'), ticketMapping(), { maxRecordChars: 100_000 })
    expect(s.items.new).toBe(11_999)
  })
})

describe('an inconsistent resolution time', () => {
  it('drops only that time, reported per line: the item, its status and its rating load; a fallback column stands in for a missing creation', async () => {
    const text = [
      'id,name,channel,state,opened,logged,answered,closed,csat,text',
      '1,Ada,Mail,Done,2024-03-01 09:00,,2024-03-01 09:30,2024-03-01 08:00,2,resolved before it was opened', // 2
      '2,Bo,Mail,Done,2024-03-01 09:00,,2024-03-01 09:30,2024-03-01 09:10,4,resolved before the first response', // 3
      '3,Cy,Mail,Done,,2024-03-02 10:00,,2024-03-02 11:00,5,no creation time: the logged one stands in', // 4
      '4,Dee,Mail,Open,,,,,,no time at all' // 5
    ].join('\n')
    const mapping = ticketMapping({ createdAtFallback: 'logged' })
    const s = await importFile(store, file(text + '\n'), mapping, { recordedBy: 'sup' })
    expect(s.items.new).toBe(3)
    expect(s.skipped.list).toEqual([{ line: 5, reason: 'missing_value', message: 'The creation time is missing (columns "opened" and "logged" are empty).' }])
    expect(s.warnings.byReason).toEqual({ resolution_before_creation: 1, resolution_before_first_response: 1 })
    expect(s.warnings.list).toEqual([
      { line: 2, reason: 'resolution_before_creation', message: 'The resolution (closed 2024-03-01 08:00) is earlier than the creation (opened 2024-03-01 09:00): loaded without its resolution time.' },
      { line: 3, reason: 'resolution_before_first_response', message: 'The resolution (closed 2024-03-01 09:10) is earlier than the first response (answered 2024-03-01 09:30): loaded without its resolution time.' }
    ])
    const item = async (ext: string) => {
      const id = importedItemId('test-tickets13', ext)
      const { rows } = await store.sql.query<Record<string, unknown>>('SELECT status, created_at, resolved_at FROM items WHERE id = $1', [id])
      const { rows: ratings } = await store.sql.query<{ score: number }>('SELECT score FROM ratings WHERE item_id = $1', [id])
      const { rows: events } = await store.sql.query<{ to_value: string }>("SELECT to_value FROM item_events WHERE item_id = $1 AND type = 'status' ORDER BY id", [id])
      return { ...rows[0], scores: ratings.map((r) => r.score), statuses: events.map((e) => e.to_value) }
    }
    // No status event at a made-up time: it would count as a resolution in the figures.
    expect(await item('1')).toEqual({ status: 'closed', created_at: '2024-03-01T09:00:00.000Z', resolved_at: null, scores: [2], statuses: ['open'] })
    expect(await item('2')).toEqual({ status: 'closed', created_at: '2024-03-01T09:00:00.000Z', resolved_at: null, scores: [4], statuses: ['open'] })
    expect(await item('3')).toEqual({ status: 'closed', created_at: '2024-03-02T10:00:00.000Z', resolved_at: '2024-03-02T11:00:00.000Z', scores: [5], statuses: ['resolved', 'closed'] })

    // CSAT rests on every answer; the resolution time on the one resolution the file is sure of.
    const report = await figuresReport(store.sql, { from: '2024-03-01T00:00:00.000Z', to: '2024-03-03T00:00:00.000Z', by: 'kind' }, { now: Date.parse('2024-03-04T00:00:00Z') })
    const f = report.rows.find((r) => r.key === 'service')!.figures
    expect([f.csat.count, f.csat.of]).toEqual([2, 3])
    expect([f.resolution.count, f.resolution.medianMs]).toEqual([1, 60 * 60_000])
  })
})
