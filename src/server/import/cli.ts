/**
 * `npm run cli -- import FILE --mapping MAPPING.json [--recorded-by AGENT_ID] [--json]` (registered in ../cli.ts). The
 * summary goes to stdout (JSON with --json), progress to stderr. An ImportError is rethrown for
 * the CLI to print and exit 2 (with --json its JSON form is printed on stdout first).
 */
import { parseArgs } from 'node:util'
import type { ServerStore } from '../store'
import { ImportError, formatSummary, importFile, readMapping, stderrProgress, type Progress } from './index'


export class ImportUsageError extends Error {
  override readonly name = 'ImportUsageError'
}

export async function runImportCommand(
  store: ServerStore,
  args: string[],
  io: { out(line: string): void },
  json: boolean,
  progress: Progress = stderrProgress()
): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: { mapping: { type: 'string' }, 'recorded-by': { type: 'string' } },
    allowPositionals: true,
    strict: true
  })
  if (positionals.length !== 1) throw new ImportUsageError('Name one file: import FILE --mapping MAPPING.json')
  if (!values.mapping) throw new ImportUsageError('Give the mapping: import FILE --mapping MAPPING.json (see docs/import.md)')
  try {
    const mapping = readMapping(values.mapping)
    const summary = await importFile(store, positionals[0]!, mapping, { progress, ...(values['recorded-by'] ? { recordedBy: values['recorded-by'] } : {}) })
    if (json) io.out(JSON.stringify(summary))
    else for (const line of formatSummary(summary)) io.out(line)
  } catch (e) {
    if (json && e instanceof ImportError) io.out(JSON.stringify({ error: { code: e.code, problems: e.problems, total: e.total } }))
    throw e
  }
}
