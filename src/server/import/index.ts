/**
 * `npm run cli -- import FILE --mapping MAPPING.json`: loads a helpdesk export (CSV) into the
 * server's store (docs/import.md). Reads and checks the whole file first — the header against
 * the mapping, every value the mapping must place, every date — and writes nothing when any of
 * that fails; rows that are only unloadable by themselves are skipped with line and reason; the
 * rest go in one transaction, with feed rows so consoles pull the new items.
 */
import { settingsFromValue } from '../store/rows'
import type { ServerStore } from '../store'
import { convert } from './convert'
import { ImportError, SKIP_REASONS, WARNING_REASONS, type Skip, type SkipReason, type Warning, type WarningReason } from './errors'
import { mappedColumns, type ImportMapping } from './mapping'
import { silentProgress, type Progress } from './progress'
import { openCsv } from './read'
import { writeDrafts } from './write'

export { ImportError, describeProblem, type ImportErrorCode, type ImportProblem, type Skip, type SkipReason, type Warning, type WarningReason } from './errors'
export { parseMapping, readMapping, type ImportMapping } from './mapping'
export { stderrProgress, silentProgress, type Progress } from './progress'
export { importedItemId, importedCustomerId } from './write'

export interface ImportSummary {
  file: string
  source: string
  shape: ImportMapping['shape']
  /** Records read (not counting the header). */
  rows: number
  items: { new: number; unchanged: number }
  customers: { new: number }
  messages: { new: number }
  skipped: { rows: number; byReason: Partial<Record<SkipReason, number>>; list: Skip[] }
  /** Rows loaded without a value that contradicted the others (the item and its rating kept). */
  warnings: { rows: number; byReason: Partial<Record<WarningReason, number>>; list: Warning[] }
}

export interface ImportOptions {
  progress?: Progress
  /**
   * The agent who records the ratings of unassigned items (a rating names the agent who recorded
   * it; the figures credit it to the assignee at resolution, not to this agent). Required when
   * the file has ratings on items without an agent.
   */
  recordedBy?: string
  /** The longest CSV record accepted, in characters (default MAX_RECORD_CHARS in read.ts). */
  maxRecordChars?: number
}

export async function importFile(store: ServerStore, file: string, mapping: ImportMapping, options: ImportOptions = {}): Promise<ImportSummary> {
  const progress = options.progress ?? silentProgress
  const agents = await store.listAgents()
  const recorder = options.recordedBy ?? null
  if (recorder !== null && !agents.some((a) => a.id === recorder)) {
    throw new ImportError('needs_agent', [{ message: `There is no agent ${recorder} on this server to record the ratings (see \`agent list\`).` }])
  }
  const { rows: settingsRows } = await store.sql.query<{ value: unknown }>('SELECT value FROM settings WHERE id = 1')
  const policy = settingsFromValue(settingsRows[0]?.value).sla

  let reading = false
  const csv = await openCsv(file, {
    onBytes: (read) => reading && progress.update(read),
    ...(options.maxRecordChars !== undefined ? { maxRecordChars: options.maxRecordChars } : {})
  })
  progress.start('reading', csv.bytes, 'bytes')
  reading = true
  const missing = mappedColumns(mapping).filter((c) => !csv.header.includes(c.column))
  if (missing.length > 0) {
    csv.close()
    progress.stop()
    throw new ImportError(
      'missing_column',
      missing.map((c) => ({
        line: 1,
        column: c.column,
        message: `${c.path} names the column "${c.column}", which the header lacks. The header has: ${csv.header.map((h) => `"${h}"`).join(', ')}.`
      }))
    )
  }
  let converted
  try {
    converted = await convert(csv.header, csv.records, mapping, agents)
  } finally {
    progress.update(csv.bytes)
    progress.stop()
  }

  if (recorder === null) {
    const unrecorded = converted.drafts.filter((d) => d.assigneeId === null && (d.csat !== null || d.nps !== null))
    if (unrecorded.length > 0) {
      throw new ImportError('needs_agent', [
        {
          line: unrecorded[0]!.line,
          message:
            `${unrecorded.length} items have a CSAT or NPS answer but no agent, and a rating is recorded by an agent of this server: ` +
            'pass --recorded-by AGENT_ID (the figures still credit each rating to the assignee at resolution, not to that agent).'
        }
      ])
    }
  }
  progress.start('writing', converted.drafts.length, 'items')
  let written
  try {
    written = await writeDrafts(store.sql, mapping.source, converted.drafts, policy, recorder, (done) => progress.update(done))
  } catch (e) {
    // The transaction rolled back. The store's own error carries the statement's parameters
    // (thousands of rows): say what failed, not all of that.
    throw new ImportError('store_failed', [{ message: (e as Error).message }])
  } finally {
    progress.stop()
  }

  const byReason: Partial<Record<SkipReason, number>> = {}
  for (const s of converted.skips) byReason[s.reason] = (byReason[s.reason] ?? 0) + 1
  const warned: Partial<Record<WarningReason, number>> = {}
  for (const w of converted.warnings) warned[w.reason] = (warned[w.reason] ?? 0) + 1
  return {
    file,
    source: mapping.source,
    shape: mapping.shape,
    rows: converted.rows,
    items: { new: written.newItems, unchanged: written.unchangedItems },
    customers: { new: written.newCustomers },
    messages: { new: written.newMessages },
    skipped: { rows: converted.skips.length, byReason, list: converted.skips },
    warnings: { rows: converted.warnings.length, byReason: warned, list: converted.warnings }
  }
}

const SKIP_LABEL: Record<SkipReason, string> = {
  missing_value: 'a required value is missing',
  bad_value: 'a value cannot be used',
  duplicate_id: 'the id was already in the file',
  wrong_field_count: 'wrong number of fields',
  first_response_before_creation: 'first response before creation',
  chain_outside_file: 'reply chain leads outside the file',
  parent_skipped: 'replies to a skipped message',
  chain_loop: 'reply chain loops',
  no_customer_message: 'thread has no customer message'
}

const WARNING_LABEL: Record<WarningReason, string> = {
  resolution_before_first_response: 'resolution before first response: resolution time dropped',
  resolution_before_creation: 'resolution before creation: resolution time dropped'
}

/** The summary for a person (the skipped rows listed up to `listAtMost`). */
export function formatSummary(s: ImportSummary, listAtMost = 20): string[] {
  const lines = [
    `Imported ${s.file} (${s.shape}, source "${s.source}"): ${s.rows} rows read.`,
    `Items: ${s.items.new} new, ${s.items.unchanged} unchanged (already imported). Customers: ${s.customers.new} new. Messages: ${s.messages.new} new.`
  ]
  if (s.skipped.rows === 0) lines.push('Skipped: none.')
  else {
    lines.push(`Skipped: ${s.skipped.rows} rows —`)
    for (const reason of SKIP_REASONS) {
      const n = s.skipped.byReason[reason]
      if (n) lines.push(`  ${n}\t${SKIP_LABEL[reason]}`)
    }
    for (const skip of s.skipped.list.slice(0, listAtMost)) lines.push(`  line ${skip.line}: ${skip.message}`)
    if (s.skipped.list.length > listAtMost) lines.push(`  … and ${s.skipped.list.length - listAtMost} more (--json lists every one).`)
  }
  if (s.warnings.rows > 0) {
    lines.push(`Loaded without a value: ${s.warnings.rows} rows —`)
    for (const reason of WARNING_REASONS) {
      const n = s.warnings.byReason[reason]
      if (n) lines.push(`  ${n}\t${WARNING_LABEL[reason]}`)
    }
    for (const w of s.warnings.list.slice(0, listAtMost)) lines.push(`  line ${w.line}: ${w.message}`)
    if (s.warnings.list.length > listAtMost) lines.push(`  … and ${s.warnings.list.length - listAtMost} more (--json lists every one).`)
  }
  return lines
}
