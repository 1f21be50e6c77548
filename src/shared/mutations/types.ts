import type { z } from 'zod'
import type { Agent, Customer, Item, ItemEvent, Iso, Message, Rating, SavedView } from '../domain/entities'
import { DEFAULT_SETTINGS, type WorkspaceSettings } from '../domain/settings'

/** Who is acting, when, and under which mutation id (a UUIDv7 made by the client). */
export interface MutationContext {
  mutationId: string
  actorId: string
  now: Iso
}

/** The rows a mutation needs to decide; each side (SQLite, PostgreSQL) loads exactly these. */
export interface Needs {
  items?: string[]
  customers?: string[]
  agents?: string[]
  ratingsOf?: string[]
  views?: string[]
}

export interface Snapshot {
  items: ReadonlyMap<string, Item>
  customers: ReadonlyMap<string, Customer>
  agents: ReadonlyMap<string, Agent>
  ratings: ReadonlyMap<string, readonly Rating[]>
  views: ReadonlyMap<string, SavedView>
  /** Always loaded: SLA policy and escalation reasons. */
  settings: WorkspaceSettings
}

/** What a decision writes. Each store implements these few operations and nothing else. */
export type Change =
  | { op: 'insertCustomer'; customer: Customer }
  | { op: 'insertItem'; item: Item }
  | { op: 'updateItem'; id: string; patch: Partial<Omit<Item, 'id' | 'createdAt'>> }
  | { op: 'insertMessage'; message: Message }
  | { op: 'insertEvent'; event: ItemEvent }
  | { op: 'insertRating'; rating: Rating }
  /** A reply whose delivery failed for good or is unconfirmed goes back to the delivery queue (see item-delivery.ts). */
  | { op: 'requeueDelivery'; itemId: string; messageId: string; at: Iso }
  | { op: 'upsertView'; view: SavedView }
  | { op: 'deleteView'; id: string }
  | { op: 'setSettings'; settings: WorkspaceSettings }

export const REJECTION_CODES = ['not_found', 'invalid_transition', 'closed', 'conflict', 'duplicate', 'forbidden', 'unchanged', 'invalid_handoff'] as const
export type RejectionCode = (typeof REJECTION_CODES)[number]

export interface Rejection {
  code: RejectionCode
  message: string
}

export type Decision<R> = { ok: true; changes: Change[]; result: R } | { ok: false; rejection: Rejection }

export interface MutationDef<S extends z.ZodType, R> {
  name: string
  args: S
  needs(args: z.output<S>, ctx: MutationContext): Needs
  decide(state: Snapshot, args: z.output<S>, ctx: MutationContext): Decision<R>
}

export function defineMutation<S extends z.ZodType, R>(def: MutationDef<S, R>): MutationDef<S, R> {
  return def
}

export const reject = (code: RejectionCode, message: string): { ok: false; rejection: Rejection } => ({ ok: false, rejection: { code, message } })

/** Ids of rows a mutation creates are derived from its id, so client and server write the same ids. */
export const childId = (ctx: MutationContext, suffix: string): string => `${ctx.mutationId}.${suffix}`

export function emptySnapshot(): Snapshot {
  return { items: new Map(), customers: new Map(), agents: new Map(), ratings: new Map(), views: new Map(), settings: DEFAULT_SETTINGS }
}
