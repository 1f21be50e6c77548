import { z } from 'zod'
import type { Agent, Customer, Item, ItemEvent, Message, Rating, SavedView } from '../domain/entities'
import { mutations, type MutationName } from '../mutations'
import { LIMITS, emailField, idField, nameField, sortField, viewFilterField } from '../mutations/fields'
import type { AsyncOperationName, OperationName } from './names'
import type { WorkspaceSettings } from '../domain/settings'
import type { EscalationFigures } from '../domain/figures/escalations'
import type { Queue } from '../domain/escalation'
import { personalFiguresArgs, type PersonalFigures } from './personal-figures'
import { teamFiguresArgs, teamItemsArgs, type TeamFigures, type TeamItems } from './team-figures'

export * from './names'
export * from './errors'
export * from './personal-figures'
export * from './team-figures'
export * from './events'

const empty = z.object({}).strict()

/** localhost, 127.0.0.0/8 and ::1: an address that never leaves this computer. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127(\.\d{1,3}){3}$/.test(hostname)
}

export interface SessionInfo {
  agent: Agent | null
  workspace: { empty: boolean; demo: boolean; itemCount: number }
  outboxPending: number
}

export interface InboxRow {
  id: string
  kind: Item['kind']
  category: Item['category']
  channel: Item['channel']
  customerId: string
  customerName: string
  subject: string
  status: Item['status']
  priority: Item['priority']
  assigneeId: string | null
  assigneeName: string | null
  tier: Item['tier']
  queue: Queue
  createdAt: string
  updatedAt: string
  slaDueAt: string | null
}

export type ThreadEntry =
  | { type: 'message'; at: string; message: Message; authorName: string | null }
  | { type: 'event'; at: string; event: ItemEvent; actorName: string | null }

export interface ItemDetail {
  item: Item
  customer: Customer
  assigneeName: string | null
  /** Customer messages, agent replies, internal notes and system events, oldest first. */
  thread: ThreadEntry[]
  ratings: Rating[]
  /** The customer's other items, across service and support, newest first. */
  customerItems: InboxRow[]
}

/** Where the console stands with its server (docs/sync-protocol.md). */
export const SYNC_STATES = ['local', 'signed_out', 'connecting', 'online', 'offline'] as const
export type SyncState = (typeof SYNC_STATES)[number]
export interface SyncStatus {
  /** 'local': a workspace of this computer only (demo or empty), never synced. */
  state: SyncState
  serverUrl: string | null
  /** The agent this workspace is bound to on the server. */
  agentId: string | null
  /** Local changes not yet confirmed by a pull. */
  pending: number
  lastSyncedAt: string | null
  /** During the first sync of a workspace: items received and items in scope. */
  firstSync: { done: number; total: number } | null
  /** Changes the server refused and the agent has not dismissed yet. */
  rejections: number
  /** Goes up whenever a pull changed local data: the UI reloads what it shows. */
  dataVersion: number
  /** Why the last attempt failed (offline, credential refused), for the status line. */
  lastError: string | null
}

/** A change the server refused, with its reason, kept until the agent dismisses it. */
export interface SyncRejection {
  seq: number
  mutationId: string
  name: string
  code: string
  message: string
  itemId: string | null
  at: string
}

/** A mutation answers with what its decide() returned, plus the id it was recorded under. */
type MutationResult<K extends MutationName> = Extract<ReturnType<(typeof mutations)[K]['decide']>, { ok: true }>['result'] & { mutationId: string }

const inboxQuery = z
  .object({
    filter: viewFilterField,
    sort: sortField,
    offset: z.number().int().min(0).max(100_000_000),
    limit: z.number().int().min(1).max(LIMITS.pageSize)
  })
  .strict()

/** Argument schema of every operation: validated at the door of the process that runs it. */
export const argSchemas = {
  'session.get': empty,
  'session.signIn': z.object({ agentId: idField }).strict(),
  'workspace.seedDemo': empty,
  'workspace.startEmpty': z.object({ name: nameField, email: emailField }).strict(),
  'agents.list': empty,
  'customers.search': z.object({ query: z.string().max(LIMITS.search), limit: z.number().int().min(1).max(50).default(10) }).strict(),
  'inbox.page': inboxQuery,
  'inbox.count': z.object({ filter: viewFilterField }).strict(),
  'views.list': empty,
  'item.get': z.object({ itemId: idField }).strict(),
  'outbox.status': empty,
  'item.create': mutations['item.create'].args,
  'item.logContact': mutations['item.logContact'].args,
  'item.reply': mutations['item.reply'].args,
  'item.addNote': mutations['item.addNote'].args,
  'item.setStatus': mutations['item.setStatus'].args,
  'item.setPriority': mutations['item.setPriority'].args,
  'item.assign': mutations['item.assign'].args,
  'item.recordRating': mutations['item.recordRating'].args,
  'view.save': mutations['view.save'].args,
  'view.delete': mutations['view.delete'].args,
  'settings.get': empty,
  'settings.update': mutations['settings.update'].args,
  'figures.escalations': z
    .object({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) })
    .strict()
    .refine((a) => Date.parse(a.from) <= Date.parse(a.to), { message: 'The start of the period is after its end.', path: ['from'] }),
  'figures.personal': personalFiguresArgs,
  'figures.team': teamFiguresArgs,
  'figures.teamItems': teamItemsArgs,
  'item.escalateToSupport': mutations['item.escalateToSupport'].args,
  'item.escalateTier': mutations['item.escalateTier'].args,
  'item.handBack': mutations['item.handBack'].args,
  'item.deescalate': mutations['item.deescalate'].args,
  'sync.status': empty,
  'sync.signIn': z
    .object({
      serverUrl: z
        .string()
        .trim()
        .max(2000)
        .refine((u) => /^https?:\/\/[^\s/]+/i.test(u) && URL.canParse(u), 'Enter the server address, like https://handoff.example.com.')
        // The credential travels with every request: in clear only to this computer.
        .refine((u) => !URL.canParse(u) || new URL(u).protocol === 'https:' || isLoopbackHost(new URL(u).hostname), 'Use https:// for a server on another computer (plain http:// only reaches this one).'),
      credential: z.string().trim().min(1, 'Enter your credential.').max(200)
    })
    .strict(),
  'sync.signOut': empty,
  'sync.rejections': empty,
  'sync.dismissRejection': z.object({ seq: z.number().int().min(1) }).strict()
} satisfies Record<OperationName, z.ZodType>

/** Result type of every operation. */
export type Results = {
  'session.get': SessionInfo
  'session.signIn': SessionInfo
  'workspace.seedDemo': SessionInfo
  'workspace.startEmpty': SessionInfo
  'agents.list': Agent[]
  'customers.search': Customer[]
  'inbox.page': { rows: InboxRow[] }
  'inbox.count': { total: number }
  'views.list': SavedView[]
  'item.get': ItemDetail
  'outbox.status': { pending: number }
  'settings.get': WorkspaceSettings
  /** Per agent, with their name, over [from, to). */
  'figures.escalations': (EscalationFigures & { agentName: string })[]
  /** The signed-in agent's own figures, from the local store. */
  'figures.personal': PersonalFigures
  /** The server's figures over every agent (supervisors), or the cached answer when it cannot be reached. */
  'figures.team': TeamFigures
  /** The items behind one number of figures.team (online only). */
  'figures.teamItems': TeamItems
  'sync.status': SyncStatus
  'sync.signIn': SyncStatus
  'sync.signOut': SyncStatus
  'sync.rejections': SyncRejection[]
  'sync.dismissRejection': SyncStatus
} & { [K in MutationName]: MutationResult<K> }

type ArgSchemas = typeof argSchemas
/** What a caller passes (defaults may be left out). */
export type Args<K extends OperationName> = z.input<ArgSchemas[K]>
/** What the handler receives after validation. */
export type ParsedArgs<K extends OperationName> = z.output<ArgSchemas[K]>
export type Result<K extends OperationName> = Results[K]

/** The renderer's view of the contract: one async method per operation. */
export type HandoffApi = { [K in OperationName]: (args: Args<K>) => Promise<Result<K>> }
/** The core's side: one handler per operation, over validated arguments. */
export type Handlers = { [K in OperationName]: (args: ParsedArgs<K>) => K extends AsyncOperationName ? Promise<Result<K>> : Result<K> }
