/**
 * Rows of a helpdesk export -> drafts of items (one per row, or one per reply thread), in the
 * console's words. A value the mapping cannot place, or a date not in the mapping's format,
 * stops the import (ImportError, collected over the whole file first); a resolution time that
 * contradicts the row is dropped with a warning (the item kept); a row whose data
 * contradicts itself or lacks a required value is skipped with its line and reason.
 */
import {
  CATEGORIES,
  CHANNELS,
  ITEM_KINDS,
  PRIORITIES,
  STATUSES,
  isCategoryOf,
  type Category,
  type Channel,
  type ItemKind,
  type Priority,
  type Status,
  type Tier
} from '../../shared/domain/vocabulary'
import { LIMITS } from '../../shared/mutations/fields'
import type { AgentRecord } from '../store'
import { ImportError, MAX_PROBLEMS, PROBLEM_LINES, type ImportErrorCode, type ImportProblem, type Skip, type SkipReason, type Warning } from './errors'
import type { AgentField, EnumField, ImportMapping, ItemPerRowMapping, MessagePerRowMapping, TextField } from './mapping'
import type { CsvRecord } from './read'
import { dateReader, type DateReader } from './dates'

export interface DraftMessage {
  /** Unique within the item: the message's id in the file, or a role ("customer", "reply", "note"). */
  key: string
  kind: 'customer' | 'reply' | 'note'
  authorId: string | null
  body: string
  at: number
}

export interface Draft {
  /** The file line the item starts on (its row, or its thread's first message). */
  line: number
  externalId: string
  customer: { key: string; name: string; email: string | null; phone: string | null }
  kind: ItemKind
  category: Category
  channel: Channel
  status: Status
  priority: Priority
  tier: Tier | null
  assigneeId: string | null
  subject: string
  createdAt: number
  firstResponseAt: number | null
  resolvedAt: number | null
  messages: DraftMessage[]
  csat: number | null
  nps: number | null
}

export interface Converted {
  rows: number
  drafts: Draft[]
  skips: Skip[]
  warnings: Warning[]
}

/** The text of a reply whose time the file records but whose words it does not. */
export const NO_REPLY_TEXT = '(First response: its text is not in the imported file.)'

/** Ids written as floats by spreadsheet tools ("3.0") are the integers they mean. */
export const normalizeId = (s: string): string => (/^-?\d+\.0+$/.test(s) ? s.slice(0, s.indexOf('.')) : s)

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/** Cuts to at most `max` UTF-16 units without splitting a surrogate pair. */
const cut = (text: string, max: number): string => {
  if (text.length <= max) return text
  const end = /[\uD800-\uDBFF]/.test(text[max - 1] ?? '') ? max - 1 : max
  return text.slice(0, end)
}
const truncate = (text: string, max: number): string => (text.length <= max ? text : `${cut(text, max - 1).trimEnd()}…`)

/** Text PostgreSQL can store: no NUL, no lone UTF-16 surrogate (both refused by text and jsonb). */
const storable = (text: string): string => text.replaceAll('\u0000', '').replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')

/** Signals that the row already recorded a fatal problem or a skip: stop converting it. */
class RowDone extends Error {}

/** Reading one file: the header's column positions, problems found so far, the agents. */
class Reader {
  readonly problems: ImportProblem[] = []
  problemCount = 0
  firstCode: ImportErrorCode | null = null
  readonly skips: Skip[] = []
  readonly warnings: Warning[] = []
  private readonly index = new Map<string, number>()
  private readonly agentsBy: Record<AgentField['by'], Map<string, string>> = { email: new Map(), name: new Map(), id: new Map() }

  private readonly readDate: DateReader

  constructor(
    header: readonly string[],
    private readonly mapping: ImportMapping,
    agents: readonly AgentRecord[]
  ) {
    this.readDate = dateReader(mapping.dates.format, mapping.dates.timeZone)
    header.forEach((h, i) => {
      if (!this.index.has(h)) this.index.set(h, i)
    })
    for (const a of agents) {
      this.agentsBy.id.set(a.id, a.id)
      if (a.email) this.agentsBy.email.set(a.email.trim().toLowerCase(), a.id)
      this.agentsBy.name.set(a.name.trim().toLowerCase(), a.id)
    }
  }

  get failed(): boolean {
    return this.problemCount > 0
  }

  /** Problems listed so far, by column and message (the message names the value). */
  private readonly problemGroups = new Map<string, ImportProblem>()

  /**
   * Records a problem that stops the import. The same problem on another row (same column, same
   * value, so the same message) adds to its group; distinct ones are listed up to MAX_PROBLEMS
   * and the rest only counted, so the refusal can say how many more there are.
   */
  fatal(code: ImportErrorCode, line: number, column: string | undefined, message: string): never {
    this.problemCount++
    this.firstCode ??= code
    const key = `${column ?? ''}\u0000${message}`
    const group = this.problemGroups.get(key)
    if (group) {
      group.count = (group.count ?? 1) + 1
      group.lines ??= [group.line ?? line]
      if (group.lines.length < PROBLEM_LINES) group.lines.push(line)
    } else if (this.problems.length < MAX_PROBLEMS) {
      const problem: ImportProblem = { line, ...(column !== undefined ? { column } : {}), message }
      this.problems.push(problem)
      this.problemGroups.set(key, problem)
    }
    throw new RowDone()
  }

  skip(line: number, reason: SkipReason, message: string): never {
    this.skips.push({ line, reason, message })
    throw new RowDone()
  }

  /** The trimmed text of a column ('' when the row is short). */
  cell(rec: CsvRecord, column: string): string {
    const i = this.index.get(column)
    return i === undefined ? '' : storable((rec.cells[i] ?? '').trim())
  }

  /** A required text: skips the row when empty. */
  required(rec: CsvRecord, column: string, what: string): string {
    const v = this.cell(rec, column)
    if (v === '') this.skip(rec.line, 'missing_value', `${what} is missing (column "${column}" is empty).`)
    return v
  }

  word<T extends string>(rec: CsvRecord, field: EnumField<T>, words: readonly T[], path: string): T {
    if ('value' in field) return field.value
    const text = this.cell(rec, field.column)
    const mapped = field.values[text] ?? ((words as readonly string[]).includes(text) ? (text as T) : undefined) ?? field.default
    if (mapped !== undefined) return mapped
    if (text === '') this.skip(rec.line, 'missing_value', `${path} is missing (column "${field.column}" is empty).`)
    return this.fatal(
      'unknown_value',
      rec.line,
      field.column,
      `"${text}" has no mapping for ${path} (add it to fields.${path}.values, or give fields.${path}.default). The console's words: ${words.join(', ')}.`
    )
  }

  tier(rec: CsvRecord, kind: ItemKind): Tier | null {
    if (kind !== 'support') return null
    const field = (this.mapping.fields as { tier?: { value: Tier } | { column: string; values: Record<string, Tier>; default?: Tier | undefined } }).tier
    if (!field) return 1
    if ('value' in field) return field.value
    const text = this.cell(rec, field.column)
    const mapped = field.values[text] ?? (text === '1' || text === '2' || text === '3' ? (Number(text) as Tier) : undefined) ?? field.default
    if (mapped !== undefined) return mapped
    if (text === '') return 1
    return this.fatal('unknown_value', rec.line, field.column, `"${text}" has no mapping for tier (add it to fields.tier.values: 1, 2 or 3).`)
  }

  /** A time in the mapping's format, as epoch ms; null when empty. */
  time(rec: CsvRecord, column: string): number | null {
    const text = this.cell(rec, column)
    if (text === '') return null
    const ms = this.readDate(text)
    if (ms === null) this.fatal('bad_date', rec.line, column, `"${text}" is not a date in the format "${this.mapping.dates.format}" (dates.format in the mapping).`)
    return ms
  }

  agent(rec: CsvRecord): string | null {
    const field = this.mapping.fields.agent
    if (!field) return null
    const text = this.cell(rec, field.column)
    if (Object.hasOwn(field.values, text)) {
      const id = field.values[text] ?? null
      if (id !== null && !this.agentsBy.id.has(id)) {
        this.fatal('unknown_value', rec.line, field.column, `fields.agent.values maps "${text}" to agent id "${id}", which is not an agent of this server.`)
      }
      return id
    }
    if (text === '') return null
    const found = this.agentsBy[field.by].get(field.by === 'id' ? text : text.toLowerCase())
    if (found !== undefined) return found
    if (field.unknown === 'unassigned') return null
    return this.fatal(
      'unknown_value',
      rec.line,
      field.column,
      `"${text}" matches no agent's ${field.by} (add the agent with \`agent add\`, map it in fields.agent.values, or set fields.agent.unknown to "unassigned").`
    )
  }

  subject(rec: CsvRecord, field: TextField): string {
    const column = typeof field === 'string' ? field : field.column
    const text = this.required(rec, column, 'The subject').replace(/\s+/g, ' ')
    if (typeof field !== 'string' && field.truncate !== undefined) return truncate(text, field.truncate)
    if (text.length > LIMITS.subject) this.skip(rec.line, 'bad_value', `The subject is longer than ${LIMITS.subject} characters (column "${column}"; set truncate in fields.subject).`)
    return text
  }

  body(rec: CsvRecord, column: string, what: string): string {
    const text = this.required(rec, column, what)
    if (text.length > LIMITS.body) this.skip(rec.line, 'bad_value', `${what} is longer than ${LIMITS.body} characters (column "${column}").`)
    return text
  }

  score(rec: CsvRecord, column: string | undefined, kind: 'CSAT' | 'NPS', min: number, max: number): number | null {
    if (column === undefined) return null
    const text = this.cell(rec, column)
    if (text === '') return null
    const n = Number(text)
    if (!Number.isInteger(n) || n < min || n > max) this.skip(rec.line, 'bad_value', `The ${kind} answer "${text}" (column "${column}") is not a whole number from ${min} to ${max}.`)
    return n
  }

  fieldCount(rec: CsvRecord, expected: number): void {
    if (rec.cells.length !== expected) this.skip(rec.line, 'wrong_field_count', `The row has ${rec.cells.length} fields; the header has ${expected}.`)
  }

  error(): ImportError {
    return new ImportError(this.firstCode ?? 'bad_value', this.problems, this.problemCount)
  }
}

/** Converts every record; throws the collected ImportError if any value could not be placed. */
export async function convert(header: readonly string[], records: AsyncIterable<CsvRecord>, mapping: ImportMapping, agents: readonly AgentRecord[]): Promise<Converted> {
  const r = new Reader(header, mapping, agents)
  const out = mapping.shape === 'item-per-row' ? await itemPerRow(r, header.length, records, mapping) : await messagePerRow(r, header.length, records, mapping)
  if (r.failed) throw r.error()
  out.skips.sort((a, b) => a.line - b.line)
  return { ...out, warnings: r.warnings }
}

async function itemPerRow(r: Reader, width: number, records: AsyncIterable<CsvRecord>, m: ItemPerRowMapping): Promise<Omit<Converted, 'warnings'>> {
  const f = m.fields
  const drafts: Draft[] = []
  const seen = new Map<string, number>()
  let rows = 0
  for await (const rec of records) {
    rows++
    try {
      r.fieldCount(rec, width)
      // Values the mapping must place come first: they stop the import, whatever else is wrong.
      const kind = r.word(rec, f.kind, ITEM_KINDS, 'kind')
      const category = r.word(rec, f.category, CATEGORIES, 'category')
      if (!isCategoryOf(kind, category)) {
        r.fatal('bad_value', rec.line, 'column' in f.category ? f.category.column : undefined, `The category ${category} does not belong to ${kind} items (fix fields.category or fields.kind).`)
      }
      const channel = r.word(rec, f.channel, CHANNELS, 'channel')
      const status = r.word(rec, f.status, STATUSES, 'status')
      const priority = r.word(rec, f.priority, PRIORITIES, 'priority')
      const tier = r.tier(rec, kind)
      // The fallback column is read only when the creation column is empty (and only then can
      // a date in it stop the import).
      const createdAt = r.time(rec, f.createdAt) ?? (f.createdAtFallback === undefined ? null : r.time(rec, f.createdAtFallback))
      const firstResponseAt = f.firstResponseAt === undefined ? null : r.time(rec, f.firstResponseAt)
      const resolvedTime = f.resolvedAt === undefined ? null : r.time(rec, f.resolvedAt)
      const assigneeId = r.agent(rec)

      const externalId = normalizeId(r.required(rec, f.externalId, 'The id'))
      const earlier = seen.get(externalId)
      if (earlier !== undefined) r.skip(rec.line, 'duplicate_id', `The id ${externalId} (column "${f.externalId}") was already on line ${earlier}.`)
      seen.set(externalId, rec.line)
      if (createdAt === null) {
        r.skip(
          rec.line,
          'missing_value',
          f.createdAtFallback === undefined
            ? `The creation time is missing (column "${f.createdAt}" is empty).`
            : `The creation time is missing (columns "${f.createdAt}" and "${f.createdAtFallback}" are empty).`
        )
      }
      const name = r.required(rec, f.customerName, "The customer's name")
      if (name.length > LIMITS.name) r.skip(rec.line, 'bad_value', `The customer's name is longer than ${LIMITS.name} characters.`)
      const email = f.customerEmail === undefined ? '' : r.cell(rec, f.customerEmail)
      if (email !== '' && (email.length > LIMITS.email || !EMAIL.test(email))) r.skip(rec.line, 'bad_value', `"${email}" (column "${f.customerEmail}") is not an email address.`)
      const phone = f.customerPhone === undefined ? '' : r.cell(rec, f.customerPhone)
      if (phone.length > LIMITS.phone) r.skip(rec.line, 'bad_value', `The phone number (column "${f.customerPhone}") is longer than ${LIMITS.phone} characters.`)
      const subject = r.subject(rec, f.subject)
      const body = r.body(rec, f.body, "The customer's message")
      const csat = r.score(rec, f.csat, 'CSAT', 1, 5)
      const nps = r.score(rec, f.nps, 'NPS', 0, 10)

      const done = status === 'resolved' || status === 'closed'
      if (done && resolvedTime === null) {
        r.skip(
          rec.line,
          'missing_value',
          f.resolvedAt === undefined
            ? `The item is ${status} but the mapping has no resolvedAt column.`
            : `The item is ${status} but its resolution time is missing (column "${f.resolvedAt}" is empty).`
        )
      }
      // An active item has no resolution, whatever the file says.
      let resolvedAt = done ? resolvedTime : null
      const at = (column: string | undefined) => `${column} ${r.cell(rec, column ?? '')}`
      const createdColumn = r.cell(rec, f.createdAt) === '' && f.createdAtFallback !== undefined ? f.createdAtFallback : f.createdAt
      if (firstResponseAt !== null && firstResponseAt < createdAt) {
        r.skip(rec.line, 'first_response_before_creation', `The first response (${at(f.firstResponseAt)}) is earlier than the creation (${at(createdColumn)}).`)
      }
      // A resolution time that contradicts the others is the one value dropped: the item, its
      // status and its rating are kept (skipping the row cost half the CSAT answers of a public
      // export), the resolution is reported per line and counts in no resolution figure.
      if (resolvedAt !== null && resolvedAt < createdAt) {
        r.warnings.push({
          line: rec.line,
          reason: 'resolution_before_creation',
          message: `The resolution (${at(f.resolvedAt)}) is earlier than the creation (${at(createdColumn)}): loaded without its resolution time.`
        })
        resolvedAt = null
      } else if (resolvedAt !== null && firstResponseAt !== null && resolvedAt < firstResponseAt) {
        r.warnings.push({
          line: rec.line,
          reason: 'resolution_before_first_response',
          message: `The resolution (${at(f.resolvedAt)}) is earlier than the first response (${at(f.firstResponseAt)}): loaded without its resolution time.`
        })
        resolvedAt = null
      }

      const messages: DraftMessage[] = [{ key: 'customer', kind: 'customer', authorId: null, body, at: createdAt }]
      if (firstResponseAt !== null) {
        const text = f.firstResponseText === undefined ? '' : r.cell(rec, f.firstResponseText)
        messages.push({ key: 'reply', kind: 'reply', authorId: assigneeId, body: text === '' ? NO_REPLY_TEXT : cut(text, LIMITS.body), at: firstResponseAt })
      }
      if (done && f.resolutionNote !== undefined) {
        const note = r.cell(rec, f.resolutionNote)
        // Without a resolution time the note goes at the last time the row does record.
        if (note !== '') messages.push({ key: 'note', kind: 'note', authorId: assigneeId, body: cut(note, LIMITS.body), at: resolvedAt ?? firstResponseAt ?? createdAt })
      }
      drafts.push({
        line: rec.line,
        externalId,
        customer: { key: email !== '' ? `email:${email.toLowerCase()}` : `name:${name}`, name, email: email || null, phone: phone || null },
        kind,
        category,
        channel,
        status,
        priority,
        tier,
        assigneeId,
        subject,
        createdAt,
        firstResponseAt,
        resolvedAt,
        messages,
        csat,
        nps
      })
    } catch (e) {
      // Read on after MAX_PROBLEMS: the refusal says how many problems there are in all.
      if (!(e instanceof RowDone)) throw e
    }
  }
  return { rows, drafts, skips: r.skips }
}

interface MessageRow {
  rec: CsvRecord
  id: string
  parent: string | null
  inbound: boolean
  author: string
  text: string
  at: number
}

async function messagePerRow(r: Reader, width: number, records: AsyncIterable<CsvRecord>, m: MessagePerRowMapping): Promise<Omit<Converted, 'warnings'>> {
  const t = m.thread
  const byId = new Map<string, MessageRow>()
  /** Lines of rows skipped, by their id (a reply to one is skipped too). */
  const skippedIds = new Map<string, number>()
  let rows = 0
  for await (const rec of records) {
    rows++
    let id = ''
    try {
      r.fieldCount(rec, width)
      const flag = r.cell(rec, t.inbound.column)
      const inbound = t.inbound.customer.includes(flag) ? true : t.inbound.agent.includes(flag) ? false : undefined
      if (inbound === undefined) {
        r.fatal(
          'unknown_value',
          rec.line,
          t.inbound.column,
          `"${flag}" is neither a customer value (${t.inbound.customer.join(', ')}) nor an agent value (${t.inbound.agent.join(', ')}) of thread.inbound.`
        )
      }
      const at = r.time(rec, t.createdAt)
      id = normalizeId(r.required(rec, t.id, 'The message id'))
      const earlier = byId.get(id)
      if (earlier) {
        id = ''
        r.skip(rec.line, 'duplicate_id', `The message id ${normalizeId(r.cell(rec, t.id))} (column "${t.id}") was already on line ${earlier.rec.line}.`)
      }
      const parentText = normalizeId(r.cell(rec, t.parent))
      if (at === null) r.skip(rec.line, 'missing_value', `The time is missing (column "${t.createdAt}" is empty).`)
      const author = r.required(rec, t.author, 'The author')
      if (inbound && author.length > LIMITS.name) r.skip(rec.line, 'bad_value', `The author is longer than ${LIMITS.name} characters.`)
      const text = r.body(rec, t.text, 'The message text')
      byId.set(id, { rec, id, parent: parentText === '' ? null : parentText, inbound, author, text, at })
    } catch (e) {
      if (!(e instanceof RowDone)) throw e
      if (id !== '' && !byId.has(id)) skippedIds.set(id, rec.line)
    }
  }

  // Each message's thread root, following reply links; a chain that leaves the file, meets a
  // skipped row or loops makes every message on it unloadable.
  const rootOf = new Map<string, string | null>()
  const unloadable = new Map<string, { reason: SkipReason; message: string }>()
  const skipRow = (row: MessageRow, reason: SkipReason, message: string) => {
    try {
      r.skip(row.rec.line, reason, message)
    } catch (e) {
      if (!(e instanceof RowDone)) throw e
    }
  }
  for (const start of byId.values()) {
    if (rootOf.has(start.id)) continue
    const path: MessageRow[] = []
    const onPath = new Set<string>()
    let cur: MessageRow = start
    let root: string | null
    let why: { reason: SkipReason; message: string } | null = null
    for (;;) {
      if (rootOf.has(cur.id)) {
        root = rootOf.get(cur.id) ?? null
        if (root === null) why = unloadable.get(cur.id) ?? null
        break
      }
      path.push(cur)
      onPath.add(cur.id)
      if (cur.parent === null) {
        root = cur.id
        break
      }
      const parent = byId.get(cur.parent)
      if (!parent) {
        root = null
        const skippedLine = skippedIds.get(cur.parent)
        why =
          skippedLine !== undefined
            ? { reason: 'parent_skipped', message: `Its reply chain leads to message ${cur.parent}, which was skipped (line ${skippedLine}).` }
            : { reason: 'chain_outside_file', message: `Its reply chain leads to message ${cur.parent} (replied to on line ${cur.rec.line}), which is not in the file.` }
        break
      }
      if (onPath.has(parent.id)) {
        root = null
        why = { reason: 'chain_loop', message: `Its reply chain loops back to message ${parent.id} (line ${parent.rec.line}).` }
        break
      }
      cur = parent
    }
    for (const row of path) {
      rootOf.set(row.id, root)
      if (root === null && why) {
        unloadable.set(row.id, why)
        skipRow(row, why.reason, why.message)
      }
    }
  }

  const threads = new Map<string, MessageRow[]>()
  for (const row of byId.values()) {
    const root = rootOf.get(row.id)
    if (root === null || root === undefined) continue
    let list = threads.get(root)
    if (!list) threads.set(root, (list = []))
    list.push(row)
  }

  const drafts: Draft[] = []
  for (const [rootId, list] of threads) {
    list.sort((a, b) => a.at - b.at || a.rec.line - b.rec.line)
    const rootRow = byId.get(rootId)!
    try {
      const customerRow = list.find((x) => x.inbound)
      if (!customerRow) {
        for (const row of list) skipRow(row, 'no_customer_message', `Its thread (from line ${rootRow.rec.line}) has no message from a customer.`)
        continue
      }
      const f = m.fields
      const kind = r.word(rootRow.rec, f.kind, ITEM_KINDS, 'kind')
      const category = r.word(rootRow.rec, f.category, CATEGORIES, 'category')
      if (!isCategoryOf(kind, category)) {
        r.fatal('bad_value', rootRow.rec.line, 'column' in f.category ? f.category.column : undefined, `The category ${category} does not belong to ${kind} items.`)
      }
      const channel = r.word(rootRow.rec, f.channel, CHANNELS, 'channel')
      const priority = r.word(rootRow.rec, f.priority, PRIORITIES, 'priority')
      const tier = r.tier(rootRow.rec, kind)
      const messages: DraftMessage[] = []
      let assigneeId: string | null = null
      let firstResponseAt: number | null = null
      for (const row of list) {
        const authorId = row.inbound ? null : r.agent(row.rec)
        if (!row.inbound) {
          assigneeId ??= authorId
          if (firstResponseAt === null && row.at >= customerRow.at) firstResponseAt = row.at
        }
        messages.push({ key: row.id, kind: row.inbound ? 'customer' : 'reply', authorId, body: row.text, at: row.at })
      }
      let subject: string
      try {
        subject = r.subject(rootRow.rec, f.subject)
      } catch (e) {
        if (!(e instanceof RowDone)) throw e
        // The root row was skipped: the thread cannot be loaded without it.
        for (const row of list) if (row !== rootRow) skipRow(row, 'parent_skipped', `Its thread's first message (line ${rootRow.rec.line}) could not be loaded.`)
        continue
      }
      drafts.push({
        line: rootRow.rec.line,
        externalId: rootId,
        customer: { key: `name:${customerRow.author}`, name: customerRow.author, email: null, phone: null },
        kind,
        category,
        channel,
        status: list.some((x) => !x.inbound) ? 'open' : 'new',
        priority,
        tier,
        assigneeId,
        subject,
        // The first contact is when the customer first wrote, not the thread's first message: a
        // brand's own opening (a promotion customers replied to) is no contact, and measuring from
        // it, or counting it as the response, would make the first response 0 minutes.
        createdAt: customerRow.at,
        firstResponseAt,
        resolvedAt: null,
        messages,
        csat: null,
        nps: null
      })
    } catch (e) {
      // Read on after MAX_PROBLEMS: the refusal says how many problems there are in all.
      if (!(e instanceof RowDone)) throw e
    }
  }
  drafts.sort((a, b) => a.line - b.line)
  return { rows, drafts, skips: r.skips }
}
