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

const trimmed = (max: number, what: string) =>
  z
    .string()
    .trim()
    .min(1, `${what} cannot be empty.`)
    .max(max, `${what} is longer than ${max} characters.`)

export const idField = z.string().min(1).max(LIMITS.id)
export const nameField = trimmed(LIMITS.name, 'Name')
export const subjectField = trimmed(LIMITS.subject, 'Subject')
export const bodyField = (what: string) => trimmed(LIMITS.body, what)
export const reasonField = trimmed(LIMITS.reason, 'Reason')
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
    search: z.string().max(LIMITS.search).optional()
  })
  .strict()

export const sortField = z.object({ column: z.enum(SORT_COLUMNS), direction: z.enum(['asc', 'desc']) }).strict()
