import { z } from 'zod'
import { CATEGORIES, CHANNELS, ITEM_KINDS, LOGGED_CHANNELS, PRIORITIES, STATUSES } from '../domain/vocabulary'
import { SORT_COLUMNS } from '../domain/entities'
import { QUEUES } from '../domain/escalation'

/** Field schemas shared by mutations and queries: one definition of every limit. */
export const LIMITS = {
  id: 80,
  name: 120,
  email: 254,
  phone: 40,
  subject: 200,
  body: 20_000,
  reason: 500,
  search: 200,
  viewName: 60,
  pageSize: 500
} as const

/**
 * Text that can be stored and sent on: no NUL character (PostgreSQL refuses it in text) and no
 * lone UTF-16 surrogate (half of an emoji cut in two, by a paste or a truncation: not Unicode,
 * PostgreSQL refuses it in JSON and UTF-8 encoders silently turn it into U+FFFD). Such text is
 * refused, not cleaned: removing or replacing characters would change what the agent wrote
 * without their knowing (a half emoji is a visible mistake they should fix), and refusing at
 * the console's door says so at once, before anything is queued. The server parses pushed
 * arguments with these same schemas, so a client that skips the check gets a rejection.
 */
export function isStorableText(text: string): boolean {
  if (text.includes('\u0000')) return false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1) // NaN past the end
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false
      i++ // the pair's low half
    } else if (c >= 0xdc00 && c <= 0xdfff) return false
  }
  return true
}

/** The message for text isStorableText refuses (`what` names the field for the agent). */
export const unstorableMessage = (what: string) => `${what} contains a character that cannot be saved (a NUL character, or half of an emoji): remove it and try again.`

/** A string schema that also refuses unstorable text (see isStorableText). */
export const storable = (schema: z.ZodString, what: string) => schema.refine(isStorableText, unstorableMessage(what))

const trimmed = (max: number, what: string) =>
  storable(
    z
      .string()
      .trim()
      .min(1, `${what} cannot be empty.`)
      .max(max, `${what} is longer than ${max} characters.`),
    what
  )

export const idField = storable(z.string().min(1).max(LIMITS.id), 'An id')
export const nameField = trimmed(LIMITS.name, 'Name')
export const subjectField = trimmed(LIMITS.subject, 'Subject')
export const bodyField = (what: string) => trimmed(LIMITS.body, what)
export const reasonField = trimmed(LIMITS.reason, 'Reason')
// The email and phone patterns already refuse NUL and surrogates.
export const emailField = z.string().trim().max(LIMITS.email).email('That is not an email address.')
export const phoneField = z
  .string()
  .trim()
  .max(LIMITS.phone)
  .regex(/^[+0-9 ()./-]{3,}$/, 'That is not a phone number.')

export const kindField = z.enum(ITEM_KINDS)
export const categoryField = z.enum(CATEGORIES)
export const channelField = z.enum(CHANNELS)
export const loggedChannelField = z.enum(LOGGED_CHANNELS)
export const statusField = z.enum(STATUSES)
export const priorityField = z.enum(PRIORITIES)

export const customerRefField = z.discriminatedUnion('type', [
  z.object({ type: z.literal('existing'), customerId: idField }).strict(),
  z
    .object({
      type: z.literal('new'),
      name: nameField,
      email: emailField.nullable().default(null),
      phone: phoneField.nullable().default(null)
    })
    .strict()
])

export const assigneeFilterField = z.discriminatedUnion('type', [
  z.object({ type: z.literal('anyone') }).strict(),
  z.object({ type: z.literal('me') }).strict(),
  z.object({ type: z.literal('unassigned') }).strict(),
  z.object({ type: z.literal('agent'), agentId: idField }).strict()
])

const listOf = <T extends z.ZodType>(t: T) => z.array(t).max(20)

export const viewFilterField = z
  .object({
    kinds: listOf(kindField).optional(),
    queues: listOf(z.enum(QUEUES)).optional(),
    channels: listOf(channelField).optional(),
    statuses: listOf(statusField).optional(),
    priorities: listOf(priorityField).optional(),
    assignee: assigneeFilterField.optional(),
    dueWithinMinutes: z.number().int().min(0).max(525_600).optional(),
    search: storable(z.string().max(LIMITS.search), 'The search').optional()
  })
  .strict()

export const sortField = z.object({ column: z.enum(SORT_COLUMNS), direction: z.enum(['asc', 'desc']) }).strict()
