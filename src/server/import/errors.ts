/**
 * What an import reports. An ImportError stops the whole import before anything is written (the
 * file, the mapping or a value the mapping cannot place); a Skip is one row that cannot be loaded
 * (its data contradicts itself or lacks a required value) while the rest load.
 */

/** Where in the file: a 1-based line of the file (as an editor counts it) and a column name. */
export interface Place {
  line?: number
  column?: string
}

export interface ImportProblem extends Place {
  message: string
  /**
   * How many rows have this very problem (the same column and value); `line` is the first of
   * them. Absent means one. Grouping keeps a file with one unmapped value in 10,000 rows to one
   * line of the refusal instead of 50 identical ones.
   */
  count?: number
  /** The first lines with it (at most PROBLEM_LINES), when count > 1. */
  lines?: number[]
}

export const IMPORT_ERROR_CODES = ['unreadable_file', 'bad_csv', 'bad_mapping', 'missing_column', 'unknown_value', 'bad_date', 'bad_value', 'needs_agent', 'store_failed'] as const
export type ImportErrorCode = (typeof IMPORT_ERROR_CODES)[number]

/** Most distinct problems one ImportError lists (the count of all is kept). */
export const MAX_PROBLEMS = 50
/** Most lines a grouped problem names. */
export const PROBLEM_LINES = 5

export const describePlace = (p: Place): string =>
  p.line !== undefined && p.column !== undefined
    ? `line ${p.line}, column "${p.column}"`
    : p.line !== undefined
      ? `line ${p.line}`
      : p.column !== undefined
        ? `column "${p.column}"`
        : ''

export const describeProblem = (p: ImportProblem): string => {
  const where = describePlace(p)
  const text = where ? `${where}: ${p.message}` : p.message
  const count = p.count ?? 1
  if (count <= 1) return text
  const lines = p.lines ?? []
  return `${text} (${count.toLocaleString('en-US')} rows${lines.length > 0 ? `: lines ${lines.join(', ')}${count > lines.length ? ', …' : ''}` : ''})`
}

/** Occurrences the listed problems stand for (a grouped problem counts each of its rows). */
export const occurrences = (problems: readonly ImportProblem[]): number => problems.reduce((n, p) => n + (p.count ?? 1), 0)

/** The import cannot go ahead, or its one transaction failed: nothing was written. */
export class ImportError extends Error {
  override readonly name = 'ImportError'
  constructor(
    readonly code: ImportErrorCode,
    readonly problems: readonly ImportProblem[],
    /** How many problems there were in all, counting each row of a grouped one (problems lists at most MAX_PROBLEMS groups). */
    readonly total: number = occurrences(problems)
  ) {
    const more = total - occurrences(problems)
    super(
      `${IMPORT_ERROR_TITLE[code]}; nothing was imported.\n` +
        problems.map((p) => `  ${describeProblem(p)}`).join('\n') +
        (more > 0 ? `\n  … and ${more.toLocaleString('en-US')} more (problems on other values, not listed)` : '')
    )
  }
}

const IMPORT_ERROR_TITLE: Record<ImportErrorCode, string> = {
  unreadable_file: 'The file cannot be read',
  bad_csv: 'The file is not readable CSV',
  bad_mapping: 'The mapping is not valid',
  missing_column: 'The mapping names a column the file does not have',
  unknown_value: 'The file has values the mapping does not place',
  bad_date: 'The file has dates that do not match the mapping',
  bad_value: 'The file has values that cannot be imported',
  needs_agent: 'Ratings need an agent to record them',
  store_failed: 'The store refused the rows'
}

/** Why a row was skipped (the summary counts rows by these). */
export const SKIP_REASONS = [
  'missing_value',
  'bad_value',
  'duplicate_id',
  'wrong_field_count',
  'first_response_before_creation',
  'chain_outside_file',
  'parent_skipped',
  'chain_loop',
  'no_customer_message'
] as const
export type SkipReason = (typeof SKIP_REASONS)[number]

export interface Skip {
  line: number
  reason: SkipReason
  message: string
}

/**
 * A row loaded without one of its values, which contradicted the others (the summary lists them
 * by line, like skips): the item and its rating are kept, the inconsistent time is not.
 */
export const WARNING_REASONS = ['resolution_before_creation', 'resolution_before_first_response'] as const
export type WarningReason = (typeof WARNING_REASONS)[number]

export interface Warning {
  line: number
  reason: WarningReason
  message: string
}
