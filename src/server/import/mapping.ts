/**
 * The import mapping (docs/import.md): which column of a helpdesk export holds which field of an
 * item, how its values translate into the console's words, and how its dates are written.
 * Validated with zod at the door; every message names the JSON path.
 */
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { CATEGORIES, CHANNELS, ITEM_KINDS, PRIORITIES, STATUSES } from '../../shared/domain/vocabulary'
import { LIMITS } from '../../shared/mutations/fields'
import { ImportError } from './errors'

const column = z.string().min(1, 'A column name cannot be empty.').max(200)

/**
 * A field with a closed set of values: either one value for every row (`{ "value": … }`), or a
 * column whose text is looked up in `values` (exact text, trimmed); a text that already is the
 * console's word is taken as it is; `default` places any other text (else it stops the import).
 */
const enumField = <const T extends readonly [string, ...string[]]>(words: T) =>
  z.union([
    z.object({ value: z.enum(words) }).strict(),
    z
      .object({
        column,
        values: z.record(z.string(), z.enum(words)).default({}),
        default: z.enum(words).optional()
      })
      .strict()
  ])
export type EnumField<T extends string> = { value: T } | { column: string; values: Record<string, T>; default?: T | undefined }

const tierField = z.union([
  z.object({ value: z.literal([1, 2, 3]) }).strict(),
  z
    .object({
      column,
      values: z.record(z.string(), z.literal([1, 2, 3])).default({}),
      default: z.literal([1, 2, 3]).optional()
    })
    .strict()
])

/** A text column, optionally cut to a length (with "…"). */
const textField = z.union([column, z.object({ column, truncate: z.number().int().min(10).max(LIMITS.subject).optional() }).strict()])
export type TextField = z.infer<typeof textField>

/**
 * The agent of a row: the column's text is matched against the store's agents by email, name or
 * id (case-insensitive for email and name); `values` maps texts to an agent id or null
 * (unassigned) first. `unknown`: what a text matching no agent does: stop the import (`error`,
 * the default) or leave the item unassigned.
 */
const agentField = z
  .object({
    column,
    by: z.enum(['email', 'name', 'id']),
    values: z.record(z.string(), z.string().min(1).nullable()).default({}),
    unknown: z.enum(['error', 'unassigned']).default('error')
  })
  .strict()
export type AgentField = z.infer<typeof agentField>

const isTimeZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz })
    return true
  } catch {
    return false
  }
}

const dates = z
  .object({
    /** "ISO" (ISO 8601) or a date-fns `parse` pattern, e.g. "yyyy-MM-dd HH:mm:ss". */
    format: z.string().min(1).max(100).default('ISO'),
    /** The zone of times written without an offset (IANA name). */
    timeZone: z.string().refine(isTimeZone, 'Not a time zone (use an IANA name such as "UTC" or "Europe/Berlin").').default('UTC')
  })
  .strict()
  .default({ format: 'ISO', timeZone: 'UTC' })

const source = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, 'The source is 1–64 letters, digits, dots, dashes or underscores; it keeps ids stable across re-imports.')

/** Item fields both shapes share (for message-per-row they are read from the thread's first row). */
const itemFields = {
  kind: enumField(ITEM_KINDS),
  category: enumField(CATEGORIES),
  channel: enumField(CHANNELS),
  priority: enumField(PRIORITIES).default({ value: 'normal' }),
  /** The support tier a ticket waits in (support items only; default 1). */
  tier: tierField.optional(),
  agent: agentField.optional(),
  subject: textField
}

export const itemPerRowMapping = z
  .object({
    source,
    shape: z.literal('item-per-row'),
    dates,
    fields: z
      .object({
        ...itemFields,
        externalId: column,
        status: enumField(STATUSES).default({ value: 'new' }),
        customerName: column,
        customerEmail: column.optional(),
        customerPhone: column.optional(),
        /** The customer's words: the first message of the item. */
        body: column,
        /** When the customer made contact (required). */
        createdAt: column,
        /** Read when createdAt's cell is empty (a row with neither is skipped). */
        createdAtFallback: column.optional(),
        firstResponseAt: column.optional(),
        /** The text of the first response (else a placeholder text says it is not in the file). */
        firstResponseText: column.optional(),
        resolvedAt: column.optional(),
        /** A resolution text: written as an internal note at the resolution time. */
        resolutionNote: column.optional(),
        csat: column.optional(),
        nps: column.optional()
      })
      .strict()
  })
  .strict()

export const messagePerRowMapping = z
  .object({
    source,
    shape: z.literal('message-per-row'),
    dates,
    fields: z.object(itemFields).strict(),
    thread: z
      .object({
        id: column,
        /** The id of the message this one replies to; empty for the first message of a thread. */
        parent: column,
        /** Which texts of a column say "written by the customer" and which "written by an agent". */
        inbound: z.object({ column, customer: z.array(z.string()).min(1), agent: z.array(z.string()).min(1) }).strict(),
        /** The writer: the customer's name for customer messages. */
        author: column,
        text: column,
        createdAt: column
      })
      .strict()
  })
  .strict()

export const importMapping = z.discriminatedUnion('shape', [itemPerRowMapping, messagePerRowMapping])
export type ImportMapping = z.infer<typeof importMapping>
export type ItemPerRowMapping = z.infer<typeof itemPerRowMapping>
export type MessagePerRowMapping = z.infer<typeof messagePerRowMapping>

/** Parses a mapping already read as JSON text; throws ImportError('bad_mapping') naming the paths. */
export function parseMapping(text: string, name = 'the mapping'): ImportMapping {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    throw new ImportError('bad_mapping', [{ message: `${name} is not JSON: ${(e as Error).message}` }])
  }
  const parsed = importMapping.safeParse(json)
  if (!parsed.success) {
    throw new ImportError(
      'bad_mapping',
      parsed.error.issues.map((i) => ({ message: `${name}${i.path.length ? ` at ${i.path.map(String).join('.')}` : ''}: ${i.message}` }))
    )
  }
  return parsed.data
}

export function readMapping(path: string): ImportMapping {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    throw new ImportError('unreadable_file', [{ message: `Cannot read the mapping ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }])
  }
  return parseMapping(text, path)
}

/** Every column a mapping names, with the JSON path that names it (to check against the header). */
export function mappedColumns(m: ImportMapping): { column: string; path: string }[] {
  const out: { column: string; path: string }[] = []
  const visit = (value: unknown, path: string) => {
    if (typeof value === 'string') out.push({ column: value, path })
    else if (value && typeof value === 'object' && 'column' in value && typeof (value as { column: unknown }).column === 'string') {
      out.push({ column: (value as { column: string }).column, path: `${path}.column` })
    }
  }
  for (const [k, v] of Object.entries(m.fields)) visit(v, `fields.${k}`)
  if (m.shape === 'message-per-row') {
    for (const [k, v] of Object.entries(m.thread)) visit(v, `thread.${k}`)
  }
  return out
}
