/**
 * The sync protocol between a console (src/main/core/sync) and the server (src/server): the
 * shapes of every request and response, as zod schemas both sides validate at their door.
 * docs/sync-protocol.md describes it for other implementers; this file is its source of truth.
 *
 * Transport: HTTP/1.1 + JSON, `Authorization: Bearer <credential>` on every request.
 *   GET  /v1/me            -> MeResponse
 *   POST /v1/push          PushRequest -> PushResponse        (409 SequenceGap when a seq skips ahead)
 *   POST /v1/pull          PullRequest -> PullResponse
 *   GET  /v1/events        text/event-stream: `event: changed` whenever the server committed a change
 *   GET  /v1/figures/escalations?agentId=&from=&to=  (supervisors: anyone; others: themselves only)
 *   POST /v1/figures/report, POST /v1/figures/items   (shapes in ./figures-protocol.ts; others: own row, by agent)
 *   GET  /v1/attachments/:id  the bytes of an inbound attachment in the agent's scope (application/octet-stream;
 *                             404 when missing or out of scope, alike; 410 gone when the server refused to keep it)
 *   GET  /v1/channels         the channels' health (supervisors only; shapes in ./channels-protocol.ts)
 * Errors: { error: { code: SyncErrorCode, message } } with 400/401/403/404/409/410/413/429/500/503.
 */
import { z } from 'zod'
import { QUEUES } from '../domain/escalation'
import { DELIVERY_STATES, EVENT_TYPES } from '../domain/entities'
import { AGENT_ROLES, CATEGORIES, CHANNELS, ITEM_KINDS, MESSAGE_KINDS, PRIORITIES, RATING_KINDS, STATUSES, TIERS } from '../domain/vocabulary'
import { sortField, viewFilterField } from '../mutations/fields'
import { reasonsField, slaPolicyField } from '../mutations/settings'
import { businessScheduleField } from '../domain/business-schedule'

export const PROTOCOL_VERSION = 1

/** Most mutations one push may carry, and the largest body either side accepts. */
export const MAX_PUSH_MUTATIONS = 500
export const MAX_BODY_BYTES = 4 * 1024 * 1024
/** The largest page of items a pull returns (items with their whole threads). */
export const MAX_PULL_LIMIT = 2000
export const DEFAULT_PULL_LIMIT = 500

const iso = z.iso.datetime({ offset: false })
const id = z.string().min(1).max(200)
const tier = z.union(TIERS.map((t) => z.literal(t)) as [z.ZodLiteral<1>, z.ZodLiteral<2>, z.ZodLiteral<3>])

// ---- Credentials ----------------------------------------------------------------------------

/**
 * A credential is `hf1.<agentId>.<secret>`: the agent's id (so the server finds the hash without
 * a scan) and 32 random bytes in base64url. The server keeps only a scrypt hash of the secret.
 */
export const CREDENTIAL_PATTERN = /^hf1\.([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{43})$/
export function parseCredential(credential: string): { agentId: string; secret: string } | null {
  const m = CREDENTIAL_PATTERN.exec(credential)
  return m ? { agentId: m[1]!, secret: m[2]! } : null
}

// ---- Entities on the wire (the shapes of src/shared/domain/entities.ts) ---------------------

export const agentWire = z
  .object({ id, name: z.string().min(1).max(200), email: z.string().max(320), role: z.enum(AGENT_ROLES), tiers: z.array(tier) })
  .strict()
export const customerWire = z
  .object({ id, name: z.string().min(1).max(200), email: z.string().max(320).nullable(), phone: z.string().max(64).nullable(), createdAt: iso })
  .strict()
export const itemWire = z
  .object({
    id,
    kind: z.enum(ITEM_KINDS),
    category: z.enum(CATEGORIES),
    channel: z.enum(CHANNELS),
    customerId: id,
    subject: z.string().min(1).max(500),
    status: z.enum(STATUSES),
    priority: z.enum(PRIORITIES),
    assigneeId: id.nullable(),
    tier: tier.nullable(),
    queue: z.enum(QUEUES),
    handoffSummary: z.string().max(20_000).nullable(),
    queueChangedBy: id.nullable(),
    queueChangedAt: iso.nullable(),
    slaStartedAt: iso,
    slaRespondedAt: iso.nullable(),
    createdAt: iso,
    updatedAt: iso,
    firstResponseAt: iso.nullable(),
    resolvedAt: iso.nullable(),
    slaDueAt: iso.nullable()
  })
  .strict()
export const deliveryWire = z
  .object({
    state: z.enum(DELIVERY_STATES),
    attempts: z.number().int().min(0),
    nextAttemptAt: iso.nullable(),
    error: z.string().max(2000).nullable(),
    sentAt: iso.nullable()
  })
  .strict()
export const attachmentWire = z
  .object({ id, name: z.string().min(1).max(255), contentType: z.string().max(255), size: z.number().int().min(0), refused: z.string().max(500).nullable() })
  .strict()
/**
 * A message. delivery, attachments and problems came with the channels and travel only when
 * there is something to say (an older console's strict schema refuses a field it does not know;
 * a console that knows them reads their absence as none).
 */
export const messageWire = z
  .object({
    id,
    itemId: id,
    kind: z.enum(MESSAGE_KINDS),
    authorId: id.nullable(),
    channel: z.enum(CHANNELS),
    body: z.string().max(100_000),
    createdAt: iso,
    /** A reply the server delivers on its channel. */
    delivery: deliveryWire.optional(),
    /** Files that came with a customer's message. */
    attachments: z.array(attachmentWire).max(100).optional(),
    /** What could not be read of an inbound message (a part over the size limit, an unknown charset). */
    problems: z.array(z.string().max(500)).max(50).optional()
  })
  .strict()
export type MessageWire = z.infer<typeof messageWire>
export const eventWire = z
  .object({
    id,
    itemId: id,
    type: z.enum(EVENT_TYPES),
    actorId: id.nullable(),
    from: z.string().max(20_000).nullable(),
    to: z.string().max(20_000).nullable(),
    reason: z.string().max(20_000).nullable(),
    createdAt: iso
  })
  .strict()
export const ratingWire = z
  .object({ id, itemId: id, kind: z.enum(RATING_KINDS), score: z.number().int().min(0).max(10), recordedBy: id, createdAt: iso })
  .strict()
export const viewWire = z
  .object({ id, name: z.string().min(1).max(200), ownerId: id.nullable(), builtIn: z.boolean(), filter: viewFilterField, sort: sortField })
  .strict()

/** businessSchedule came later: a peer that does not send it means "none" (null). */
export const settingsWire = z
  .object({ sla: slaPolicyField, escalationReasons: reasonsField, businessSchedule: businessScheduleField.nullable().default(null) })
  .strict()

// ---- GET /v1/me ------------------------------------------------------------------------------

export const meResponse = z
  .object({
    protocol: z.literal(PROTOCOL_VERSION),
    /** Stable id of the server's store: a console bound to one store refuses another. */
    serverId: id,
    agent: agentWire,
    admin: z.boolean()
  })
  .strict()
export type MeResponse = z.infer<typeof meResponse>

// ---- POST /v1/push ---------------------------------------------------------------------------

export const pushedMutation = z
  .object({
    /** Per-client sequence number: 1, 2, 3, ... with no gaps. */
    seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    /** The UUIDv7 the client gave the mutation; ids of rows it creates derive from it. */
    mutationId: z.uuid(),
    /** A name this server does not know is recorded as rejected (a newer console), not refused. */
    name: z.string().min(1).max(100),
    /** Validated by the named mutation's own schema on the server. */
    args: z.unknown(),
    /** Must be the authenticated agent: an agent acts only as themself. */
    actorId: id,
    /** The client's clock when it was made: for display only, never for ordering. */
    clientTime: iso
  })
  .strict()
export type PushedMutation = z.infer<typeof pushedMutation>

export const pushRequest = z
  .object({ clientId: z.uuid(), mutations: z.array(pushedMutation).min(1).max(MAX_PUSH_MUTATIONS) })
  .strict()
export type PushRequest = z.infer<typeof pushRequest>

export const MUTATION_OUTCOMES = ['applied', 'rejected', 'duplicate'] as const
export const pushResponse = z
  .object({
    results: z.array(
      z
        .object({
          seq: z.number().int(),
          outcome: z.enum(MUTATION_OUTCOMES),
          rejection: z.object({ code: z.string(), message: z.string() }).strict().optional()
        })
        .strict()
    ),
    /** The highest sequence the server has applied or rejected for this client. */
    lastAppliedSeq: z.number().int().min(0)
  })
  .strict()
export type PushResponse = z.infer<typeof pushResponse>

// ---- POST /v1/pull ---------------------------------------------------------------------------

export const pullRequest = z
  .object({
    clientId: z.uuid(),
    /** Opaque; null on the first pull. Never interpreted by the client. */
    cursor: z.string().max(2000).nullable(),
    /** Rejections with a higher seq than this are returned (the client has recorded those up to it). */
    rejectionsAfter: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(MAX_PULL_LIMIT).default(DEFAULT_PULL_LIMIT)
  })
  .strict()
export type PullRequest = z.input<typeof pullRequest>

export const rejectionWire = z
  .object({ seq: z.number().int().min(1), mutationId: z.uuid(), name: z.string(), code: z.string(), message: z.string(), itemId: id.nullable(), at: iso })
  .strict()
export type RejectionWire = z.infer<typeof rejectionWire>

export const pullResponse = z
  .object({
    cursor: z.string().max(2000),
    /** More changes are waiting: pull again at once with the new cursor. */
    more: z.boolean(),
    /** The highest sequence of this client the server has applied or rejected. */
    lastAppliedSeq: z.number().int().min(0),
    /** During the first sync: items sent so far and items in scope (for a progress bar). */
    progress: z.object({ done: z.number().int().min(0), total: z.number().int().min(0) }).strict().nullable(),
    /** Every item in scope that changed, with its whole thread, history and ratings (upserts). */
    items: z.array(itemWire),
    customers: z.array(customerWire),
    messages: z.array(messageWire),
    events: z.array(eventWire),
    ratings: z.array(ratingWire),
    /** Items that left the agent's scope: remove them locally. */
    left: z.array(id),
    /** The whole agent directory when it changed, else null. */
    agents: z.array(agentWire).nullable(),
    /** The agent's own saved views that changed (upserts) and the ids of deleted ones (tombstones). */
    views: z.array(viewWire),
    deletedViews: z.array(id),
    /** The workspace settings when they changed, else null. */
    settings: settingsWire.nullable(),
    rejections: z.array(rejectionWire)
  })
  .strict()
export type PullResponse = z.infer<typeof pullResponse>

// ---- Errors ----------------------------------------------------------------------------------

/**
 * 'rate_limited' (429): too many failed credential checks; wait Retry-After seconds.
 * 'unavailable' (503): a transient fault (the database unreachable, a serialization failure
 * that outlived the retries): retry the same request later, with backoff. 'internal' (500): a
 * fault of the server's own; a push keeps what it applied before it. Neither is ever the answer
 * to one mutation's values: those are rejected (docs/sync-protocol.md).
 */
export const SYNC_ERROR_CODES = ['bad_request', 'unauthorized', 'forbidden', 'not_found', 'sequence_gap', 'client_conflict', 'gone', 'too_large', 'rate_limited', 'internal', 'unavailable'] as const
export type SyncErrorCode = (typeof SYNC_ERROR_CODES)[number]
export const syncErrorBody = z
  .object({
    error: z.object({ code: z.enum(SYNC_ERROR_CODES), message: z.string(), expectedSeq: z.number().int().optional() }).strict()
  })
  .strict()
export type SyncErrorBody = z.infer<typeof syncErrorBody>
