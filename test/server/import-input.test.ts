/**
 * Import input, on PostgreSQL and PGlite: every input that stops the import names its line and
 * column and leaves the store exactly as it was; rows that are unloadable by themselves are
 * skipped with line and reason while the rest load; agents are matched; the CLI exits 2 with the
 * message (and --json prints it as JSON).
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ImportError, importFile, importedItemId, parseMapping, readMapping, type ImportMapping } from '../../src/server/import'
import { openStore, type ServerStore } from '../../src/server/store'
import { freshDatabase } from '../support/pg-database'

const backends = [
  { name: 'postgres', open: async () => openStore({ databaseUrl: await freshDatabase('importin') }) },
  { name: 'pglite', open: async () => openStore({}) }
] as const

const TABLES = ['customers', 'items', 'messages', 'item_events', 'ratings', 'changes'] as const
async function snapshot(store: ServerStore): Promise<string> {
  const parts: string[] = []
  for (const t of TABLES) {
    const { rows } = await store.sql.query<{ n: string | number }>(`SELECT count(*) AS n FROM ${t}`)
    parts.push(`${t}=${Number(rows[0]!.n)}`)
  }
  return parts.join(' ')
}

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'handoff-import-'))
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

const HEADER = 'id,name,email,type,channel,state,prio,opened,answered,closed,csat,agent,text\n'
const ticketMapping = (over: Record<string, unknown> = {}): ImportMapping =>
  parseMapping(
    JSON.stringify({
      source: 'test-tickets',
      shape: 'item-per-row',
      dates: { format: 'yyyy-MM-dd HH:mm', timeZone: 'UTC' },
      fields: {
        externalId: 'id',
        customerName: 'name',
        customerEmail: 'email',
        subject: { column: 'text', truncate: 40 },
        body: 'text',
        kind: { column: 'type', values: { Tech: 'support', Billing: 'service' } },
        category: { column: 'type', values: { Tech: 'bug', Billing: 'billing' } },
        channel: { column: 'channel', values: { Mail: 'email', 'Social media': 'social' } },
        status: { column: 'state', values: { Open: 'open', Waiting: 'pending', Done: 'closed' } },
        priority: { column: 'prio', values: { Low: 'low', High: 'high' }, default: 'normal' },
        createdAt: 'opened',
        firstResponseAt: 'answered',
        resolvedAt: 'closed',
        csat: 'csat',
        agent: { column: 'agent', by: 'email', unknown: 'error' },
        ...over
      }
    })
  )

const GOOD =
  HEADER +
  '1,Ada,ada@example.com,Tech,Mail,Done,High,2024-03-01 09:00,2024-03-01 09:30,2024-03-01 12:00,5.0,sam@example.com,"Printer on fire,\nplease help"\n' +
  '2,Bo,,Billing,Social media,Waiting,Low,2024-03-02 10:00,2024-03-02 10:05,,,,Refund?\n' +
  '3,Cy,cy@example.com,Billing,Mail,Open,,2024-03-03 11:00,,,,,Where is my order\n'

describe.each(backends)('import input on $name', ({ open }) => {
  let store: ServerStore
  beforeEach(async () => {
    store = await open()
    await store.addAgent({ id: 'sam', name: 'Sam Okafor', email: 'sam@example.com', role: 'support', tiers: [1, 2], admin: false })
  })
  afterEach(async () => {
    await store.close()
  })

  /** Runs an import that must fail: returns the error after checking that nothing was written. */
  async function refused(path: string, mapping: ImportMapping): Promise<ImportError> {
    const before = await snapshot(store)
    const e = await importFile(store, path, mapping).then(
      () => null,
      (err: unknown) => err
    )
    expect(e).toBeInstanceOf(ImportError)
    expect(await snapshot(store)).toBe(before)
    return e as ImportError
  }

  it('loads good rows as the app writes them: agent by email, reply stamped, pending and open paths, default priority', async () => {
    const s = await importFile(store, file(GOOD), ticketMapping())
    expect(s.items).toEqual({ new: 3, unchanged: 0 })
    expect(s.skipped.rows).toBe(0)
    const id1 = importedItemId('test-tickets', '1')
    const { rows } = await store.sql.query<Record<string, unknown>>('SELECT * FROM items WHERE id = $1', [id1])
    expect(rows[0]).toMatchObject({
      kind: 'support',
      category: 'bug',
      status: 'closed',
      priority: 'high',
      assignee_id: 'sam',
      queue: 'tier1',
      subject: 'Printer on fire, please help',
      first_response_at: '2024-03-01T09:30:00.000Z',
      resolved_at: '2024-03-01T12:00:00.000Z'
    })
    const { rows: msgs } = await store.sql.query<Record<string, unknown>>('SELECT kind, author_id, body FROM messages WHERE item_id = $1 ORDER BY created_at', [id1])
    expect(msgs).toEqual([
      { kind: 'customer', author_id: null, body: 'Printer on fire,\nplease help' },
      { kind: 'reply', author_id: 'sam', body: '(First response: its text is not in the imported file.)' }
    ])
    const { rows: events } = await store.sql.query<Record<string, unknown>>('SELECT type, actor_id, from_value, to_value FROM item_events WHERE item_id = $1 ORDER BY id', [id1])
    expect(events).toEqual([
      { type: 'created', actor_id: null, from_value: null, to_value: 'new' },
      { type: 'assigned', actor_id: null, from_value: null, to_value: 'sam' },
      { type: 'status', actor_id: 'sam', from_value: 'new', to_value: 'open' },
      { type: 'status', actor_id: 'sam', from_value: 'open', to_value: 'resolved' },
      { type: 'status', actor_id: 'sam', from_value: 'resolved', to_value: 'closed' },
      { type: 'rating', actor_id: 'sam', from_value: null, to_value: 'csat:5' }
    ])
    const { rows: two } = await store.sql.query<Record<string, unknown>>('SELECT status, priority, queue, sla_due_at FROM items WHERE id = $1', [importedItemId('test-tickets', '2')])
    // Pending, answered: the service low-priority resolution target (72 h) from creation.
    expect(two[0]).toEqual({ status: 'pending', priority: 'low', queue: 'service', sla_due_at: '2024-03-05T10:00:00.000Z' })
    const { rows: three } = await store.sql.query<Record<string, unknown>>('SELECT status, priority, sla_due_at FROM items WHERE id = $1', [importedItemId('test-tickets', '3')])
    // Open, unanswered, no priority given: normal, first-response target (4 h).
    expect(three[0]).toEqual({ status: 'open', priority: 'normal', sla_due_at: '2024-03-03T15:00:00.000Z' })
    const { rows: ev3 } = await store.sql.query<Record<string, unknown>>('SELECT type, from_value, to_value FROM item_events WHERE item_id = $1 ORDER BY id', [importedItemId('test-tickets', '3')])
    expect(ev3).toEqual([
      { type: 'created', from_value: null, to_value: 'new' },
      { type: 'status', from_value: 'new', to_value: 'open' }
    ])
  })

  it('skips rows that are unloadable by themselves, with the line each starts on, and loads the rest', async () => {
    const text =
      HEADER +
      '1,Ada,ada@example.com,Tech,Mail,Open,High,2024-03-01 09:00,,,,,"two\nlines"\n' + // lines 2-3
      '2,,x@example.com,Tech,Mail,Open,High,2024-03-01 09:00,,,,,no name\n' + // 4: missing name
      '3,Cy,cy@example.com,Tech,Mail,Done,High,2024-03-01 09:00,2024-03-01 10:00,2024-03-01 09:30,,,resolved early\n' + // 5
      '4,Di,di@example.com,Tech,Mail,Open,High,2024-03-01 09:00,2024-03-01 08:00,,,,answered early\n' + // 6
      '5,Ed,ed@example.com,Tech,Mail,Done,High,2024-03-01 09:00,2024-03-01 10:00,2024-03-01 11:00,7,,bad csat\n' + // 7
      '1,Fay,fay@example.com,Tech,Mail,Open,High,2024-03-01 09:00,,,,,same id\n' + // 8
      '6,Gus,gus@example.com,Tech,Mail\n' + // 9: short
      '7,Hal,not-an-email,Tech,Mail,Open,High,2024-03-01 09:00,,,,,bad email\n' + // 10
      '8,Ivy,ivy@example.com,Tech,Mail,Done,High,2024-03-01 09:00,,,,,closed without a time\n' + // 11
      '\n' + // 12: an empty line is no record
      '9,Jo,jo@example.com,Billing,Mail,Open,Low,2024-03-01 09:00,,,,,fine\n' // 13
    const s = await importFile(store, file(text), ticketMapping())
    expect(s.rows).toBe(10)
    expect(s.items.new).toBe(3)
    expect(s.skipped.list.map((k) => [k.line, k.reason])).toEqual([
      [4, 'missing_value'],
      [6, 'first_response_before_creation'],
      [7, 'bad_value'],
      [8, 'duplicate_id'],
      [9, 'wrong_field_count'],
      [10, 'bad_value'],
      [11, 'missing_value']
    ])
    expect(s.skipped.list.map((k) => k.message)).toEqual([
      `The customer's name is missing (column "name" is empty).`,
      'The first response (answered 2024-03-01 08:00) is earlier than the creation (opened 2024-03-01 09:00).',
      'The CSAT answer "7" (column "csat") is not a whole number from 1 to 5.',
      'The id 1 (column "id") was already on line 2.',
      'The row has 5 fields; the header has 13.',
      '"not-an-email" (column "email") is not an email address.',
      'The item is closed but its resolution time is missing (column "closed" is empty).'
    ])
    const { rows } = await store.sql.query<{ subject: string }>('SELECT subject FROM items ORDER BY subject')
    expect(rows.map((r) => r.subject)).toEqual(['fine', 'resolved early', 'two lines'])
    // Only the contradicting time is dropped (issue 13): the row loads, reported by line.
    expect(s.warnings.list).toEqual([
      {
        line: 5,
        reason: 'resolution_before_first_response',
        message: 'The resolution (closed 2024-03-01 09:30) is earlier than the first response (answered 2024-03-01 10:00): loaded without its resolution time.'
      }
    ])
  })

  it('a value with no mapping stops the import with its line and column; nothing is written', async () => {
    const text = GOOD + '4,Dee,dee@example.com,Tech,Carrier pigeon,Open,High,2024-03-04 09:00,,,,,coo\n'
    const e = await refused(file(text), ticketMapping())
    expect(e.code).toBe('unknown_value')
    expect(e.problems).toEqual([
      {
        line: 6,
        column: 'channel',
        message: `"Carrier pigeon" has no mapping for channel (add it to fields.channel.values, or give fields.channel.default). The console's words: phone, chat, email, social, sms, webform, inperson.`
      }
    ])
    expect(e.message).toContain('line 6, column "channel": "Carrier pigeon" has no mapping for channel')
    expect(e.message).toContain('nothing was imported')
  })

  it('every unplaceable value is listed, not just the first', async () => {
    const text = GOOD + '4,Dee,dee@example.com,Hardware,Mail,Open,High,2024-03-04 09:00,,,,,a\n' + '5,Eve,eve@example.com,Tech,Mail,Lost,High,2024-03-04 09:00,,,,,b\n'
    const e = await refused(file(text), ticketMapping())
    expect(e.problems.map((p) => [p.line, p.column])).toEqual([
      [6, 'type'],
      [7, 'state']
    ])
  })

  it('a date not in the mapping format stops the import with its line and column', async () => {
    const text = GOOD + '4,Dee,dee@example.com,Tech,Mail,Open,High,04/03/2024 09:00,,,,,a\n'
    const e = await refused(file(text), ticketMapping())
    expect(e.code).toBe('bad_date')
    expect(e.problems).toEqual([{ line: 5 + 1, column: 'opened', message: '"04/03/2024 09:00" is not a date in the format "yyyy-MM-dd HH:mm" (dates.format in the mapping).' }])
  })

  it('a mapping naming a column the header lacks stops the import, naming the column', async () => {
    const e = await refused(file(GOOD), ticketMapping({ csat: 'Satisfaction' }))
    expect(e.code).toBe('missing_column')
    expect(e.problems).toHaveLength(1)
    expect(e.problems[0]).toMatchObject({ line: 1, column: 'Satisfaction' })
    expect(e.problems[0]!.message).toMatch(/^fields\.csat names the column "Satisfaction", which the header lacks\. The header has: "id", "name"/)
  })

  it('an agent the server does not know stops the import, unless the mapping says unassigned', async () => {
    const text = GOOD + '4,Dee,dee@example.com,Tech,Mail,Open,High,2024-03-04 09:00,,,,nobody@example.com,a\n'
    const e = await refused(file(text), ticketMapping())
    expect(e.code).toBe('unknown_value')
    expect(e.problems.map((p) => [p.line, p.column])).toEqual([[6, 'agent']])
    const s = await importFile(store, file(text), ticketMapping({ agent: { column: 'agent', by: 'email', unknown: 'unassigned' } }))
    expect(s.items.new).toBe(4)
    const { rows } = await store.sql.query<{ assignee_id: string | null }>('SELECT assignee_id FROM items WHERE id = $1', [importedItemId('test-tickets', '4')])
    expect(rows[0]!.assignee_id).toBeNull()
  })

  it('ratings of unassigned items need an agent to record them (--recorded-by), who must exist', async () => {
    const text = GOOD + '4,Dee,dee@example.com,Billing,Mail,Done,Low,2024-03-04 09:00,,2024-03-04 10:00,4,,thanks\n'
    const e = await refused(file(text), ticketMapping())
    expect(e.code).toBe('needs_agent')
    expect(e.problems[0]!.line).toBe(6)
    expect(e.problems[0]!.message).toMatch(/^1 items have a CSAT or NPS answer but no agent.*pass --recorded-by AGENT_ID/)
    const ghost = await importFile(store, file(text), ticketMapping(), { recordedBy: 'ghost' }).catch((err: unknown) => err)
    expect((ghost as ImportError).code).toBe('needs_agent')
    expect(await snapshot(store)).toMatch(/items=0 /)
    const s = await importFile(store, file(text), ticketMapping(), { recordedBy: 'sam' })
    expect(s.items.new).toBe(4)
    const { rows } = await store.sql.query<{ recorded_by: string }>('SELECT recorded_by FROM ratings WHERE item_id = $1', [importedItemId('test-tickets', '4')])
    expect(rows).toEqual([{ recorded_by: 'sam' }])
  })

  it('a category that does not belong to its kind stops the import', async () => {
    const mapping = ticketMapping({ category: { column: 'type', values: { Tech: 'billing', Billing: 'billing' } } })
    const e = await refused(file(GOOD), mapping)
    expect(e.code).toBe('bad_value')
    expect(e.problems[0]).toEqual({ line: 2, column: 'type', message: 'The category billing does not belong to support items (fix fields.category or fields.kind).' })
  })

  it('an unreadable file, a broken CSV, an empty file: clear messages, nothing written', async () => {
    const missing = await refused(join(dir, 'no-such-file.csv'), ticketMapping())
    expect(missing.code).toBe('unreadable_file')
    expect(missing.message).toMatch(/Cannot read .*no-such-file\.csv: ENOENT/)
    const folder = await refused(dir, ticketMapping())
    expect(folder.code).toBe('unreadable_file')
    const broken = await refused(file(GOOD + '4,"Dee,dee@example.com,Tech\n'), ticketMapping())
    expect(broken.code).toBe('bad_csv')
    expect(broken.problems[0]!.line).toBeGreaterThanOrEqual(5)
    const empty = await refused(file(''), ticketMapping())
    expect(empty.problems[0]).toEqual({ line: 1, message: 'The file is empty: it needs a header line naming its columns.' })
  })

  it('a store failure in the middle of a large import rolls all of it back', { timeout: 120_000 }, async () => {
    // Rows 1..5000; the store refuses item 4500 (a trigger standing in for a disk or constraint failure).
    let text = HEADER
    for (let i = 1; i <= 5000; i++) text += `${i},Cust ${i},c${i}@example.com,Billing,Mail,Open,Low,2024-03-01 09:00,,,,,${i === 4500 ? 'boom' : `ticket ${i}`}\n`
    await store.sql.query(`CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.subject = 'boom' THEN RAISE EXCEPTION 'disk full (test)'; END IF; RETURN NEW; END $$`)
    await store.sql.query('CREATE TRIGGER refuse_boom BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION refuse_boom()')
    const e = await refused(file(text), ticketMapping())
    expect(e.code).toBe('store_failed')
    expect(e.message).toContain('disk full (test)')
    expect(e.message.length).toBeLessThan(500)
    expect(await snapshot(store)).toBe('customers=0 items=0 messages=0 item_events=0 ratings=0 changes=1')
  })

  it('threads from reply links: loops, chains out of the file and threads without a customer are skipped; agents by name', async () => {
    const mapping = parseMapping(
      JSON.stringify({
        source: 'test-chat',
        shape: 'message-per-row',
        dates: { format: 'ISO' },
        fields: {
          kind: { value: 'service' },
          category: { value: 'order' },
          channel: { column: 'via', values: { web: 'chat' } },
          subject: { column: 'msg', truncate: 20 },
          agent: { column: 'who', by: 'name', unknown: 'unassigned' }
        },
        thread: {
          id: 'mid',
          parent: 'reply_to',
          inbound: { column: 'from_customer', customer: ['yes'], agent: ['no'] },
          author: 'who',
          text: 'msg',
          createdAt: 'at'
        }
      })
    )
    const text =
      'mid,reply_to,from_customer,who,msg,at,via\n' +
      '10.0,,yes,kim,Where is my parcel? It was due on Monday.,2024-05-01T10:00:00Z,web\n' + // 2: root
      '11.0,10.0,no,Sam Okafor,On its way.,2024-05-01T10:05:00Z,web\n' + // 3
      '12,11,yes,kim,"Thanks!\nBye",2024-05-01T10:06:00Z,web\n' + // 4-5
      '20,99,yes,lou,Hello?,2024-05-01T11:00:00Z,web\n' + // 6: parent 99 not in the file
      '21,20,no,Sam Okafor,Hi,2024-05-01T11:01:00Z,web\n' + // 7: below it
      '30,31,yes,max,a,2024-05-01T12:00:00Z,web\n' + // 8: loop
      '31,30,no,Sam Okafor,b,2024-05-01T12:01:00Z,web\n' + // 9: loop
      '40,,no,Brand,We are down today,2024-05-01T13:00:00Z,web\n' + // 10: nobody answers the brand
      '50,,yes,ned,Hi there,2024-05-01T14:00:00Z,web\n' // 11: unanswered
    const s = await importFile(store, file(text), mapping)
    expect(s.rows).toBe(9)
    expect(s.items.new).toBe(2)
    expect(s.messages.new).toBe(4)
    expect(s.skipped.list.map((k) => [k.line, k.reason])).toEqual([
      [6, 'chain_outside_file'],
      [7, 'chain_outside_file'],
      [8, 'chain_loop'],
      [9, 'chain_loop'],
      [10, 'no_customer_message']
    ])
    const id = importedItemId('test-chat', '10')
    const { rows } = await store.sql.query<Record<string, unknown>>('SELECT subject, channel, status, assignee_id, first_response_at FROM items WHERE id = $1', [id])
    expect(rows[0]).toEqual({ subject: 'Where is my parcel?…', channel: 'chat', status: 'open', assignee_id: 'sam', first_response_at: '2024-05-01T10:05:00.000Z' })
    const { rows: msgs } = await store.sql.query<Record<string, unknown>>('SELECT kind, author_id, body FROM messages WHERE item_id = $1 ORDER BY created_at', [id])
    expect(msgs).toEqual([
      { kind: 'customer', author_id: null, body: 'Where is my parcel? It was due on Monday.' },
      { kind: 'reply', author_id: 'sam', body: 'On its way.' },
      { kind: 'customer', author_id: null, body: 'Thanks!\nBye' }
    ])
    const { rows: lone } = await store.sql.query<Record<string, unknown>>('SELECT status, first_response_at, sla_due_at FROM items WHERE id = $1', [importedItemId('test-chat', '50')])
    expect(lone[0]).toEqual({ status: 'new', first_response_at: null, sla_due_at: '2024-05-01T18:00:00.000Z' })
  })

  it('an inbound flag the mapping does not name stops a message-per-row import', async () => {
    const mapping = parseMapping(
      JSON.stringify({
        source: 't',
        shape: 'message-per-row',
        fields: { kind: { value: 'service' }, category: { value: 'general' }, channel: { value: 'sms' }, subject: { column: 'msg', truncate: 20 } },
        thread: { id: 'mid', parent: 'p', inbound: { column: 'in', customer: ['1'], agent: ['0'] }, author: 'who', text: 'msg', createdAt: 'at' }
      })
    )
    const e = await refused(file('mid,p,in,who,msg,at\n1,,1,kim,hi,2024-05-01T10:00:00Z\n2,1,maybe,sam,hello,2024-05-01T10:01:00Z\n'), mapping)
    expect(e.problems).toEqual([{ line: 3, column: 'in', message: '"maybe" is neither a customer value (1) nor an agent value (0) of thread.inbound.' }])
  })
})

describe('the mapping', () => {
  it('is refused with the JSON path of each problem', () => {
    const bad = (text: string) => {
      try {
        parseMapping(text, 'm.json')
      } catch (e) {
        expect(e).toBeInstanceOf(ImportError)
        return (e as ImportError).problems.map((p) => p.message)
      }
      throw new Error('accepted')
    }
    expect(bad('{')[0]).toMatch(/^m\.json is not JSON/)
    const issues = bad(
      JSON.stringify({
        source: 'x y',
        shape: 'item-per-row',
        dates: { timeZone: 'Mars/Olympus' },
        fields: { externalId: 'id', customerName: 'n', subject: 's', body: 'b', createdAt: 'c', kind: { value: 'sales' }, category: { value: 'order' }, channel: { value: 'email' } }
      })
    )
    expect(issues.some((m) => m.startsWith('m.json at source:'))).toBe(true)
    expect(issues.some((m) => m.startsWith('m.json at dates.timeZone: Not a time zone'))).toBe(true)
    expect(issues.some((m) => m.startsWith('m.json at fields.kind'))).toBe(true)
  })

  it('reading a mapping file that is not there says so', () => {
    expect(() => readMapping('/nonexistent/mapping.json')).toThrow(/Cannot read the mapping \/nonexistent\/mapping\.json: ENOENT/)
  })

  it('the shipped mappings are valid', () => {
    expect(readMapping('docs/import-mappings/customer-support-tickets.json').shape).toBe('item-per-row')
    expect(readMapping('docs/import-mappings/twcs.json').shape).toBe('message-per-row')
  })
})

describe('npm run cli -- import', () => {
  it('exits 2 with the line and column on stderr, writes nothing, and --json prints the error as JSON on stdout', { timeout: 120_000 }, async () => {
    const data = mkdtempSync(join(tmpdir(), 'handoff-import-cli-'))
    try {
      const csv = join(data, 'bad.csv')
      writeFileSync(csv, 'id,name,email,type,channel,state,prio,opened,answered,closed,csat,agent,text\n1,Ada,,Tech,Mail,Open,High,yesterday,,,,,hi\n')
      const mappingPath = join(data, 'm.json')
      const m = ticketMapping()
      writeFileSync(mappingPath, JSON.stringify({ ...m, fields: { ...m.fields, agent: undefined } }))
      const run = promisify(execFile)
      const r = await run('npx', ['tsx', 'src/server/cli.ts', 'import', csv, '--mapping', mappingPath, '--data', join(data, 'store'), '--json']).then(
        () => null,
        (e: { code: number; stdout: string; stderr: string }) => e
      )
      expect(r).not.toBeNull()
      expect(r!.code).toBe(2)
      expect(r!.stderr).toContain('handoff cli: The file has dates that do not match the mapping; nothing was imported.')
      expect(r!.stderr).toContain('line 2, column "opened": "yesterday" is not a date in the format "yyyy-MM-dd HH:mm"')
      expect(JSON.parse(r!.stdout.trim())).toEqual({
        error: { code: 'bad_date', total: 1, problems: [{ line: 2, column: 'opened', message: '"yesterday" is not a date in the format "yyyy-MM-dd HH:mm" (dates.format in the mapping).' }] }
      })
      const store = await openStore({ dataDir: join(data, 'store', 'pgdata') })
      try {
        const { rows } = await store.sql.query<{ n: string | number }>('SELECT count(*) AS n FROM items')
        expect(Number(rows[0]!.n)).toBe(0)
      } finally {
        await store.close()
      }
    } finally {
      rmSync(data, { recursive: true, force: true })
    }
  })
})
