/**
 * Drafts -> the server's rows, exactly as the app's mutations would have written them (item
 * columns, SLA deadline, thread, history events, ratings), under ids derived from (source,
 * external id) so a re-import finds its items already there; then one transaction of batched
 * inserts that writes only what is new, a feed row per new item (consoles pull it as if pushed)
 * and NOTIFY on commit.
 */
import { v5 as uuidv5 } from 'uuid'
import type { Item } from '../../shared/domain/entities'
import { queueOfTier } from '../../shared/domain/escalation'
import { slaDueAt, type SlaPolicy } from '../../shared/domain/sla'
import { insertFeedRows, itemRecord, type FeedRow } from '../store/apply'
import type { SqlClient } from '../store/sql'
import type { Draft } from './convert'

/** The namespace of import ids (uuid v5): fixed forever, or re-imports would duplicate. */
export const IMPORT_NAMESPACE = '6f0f8f9e-3c1a-5b7e-9d2a-4e6b8c0a1f35'

export const importedItemId = (source: string, externalId: string): string => uuidv5(`${source}\nitem\n${externalId}`, IMPORT_NAMESPACE)
export const importedCustomerId = (source: string, key: string): string => uuidv5(`${source}\ncustomer\n${key}`, IMPORT_NAMESPACE)


type Rec = Record<string, unknown>

export interface ItemRows {
  item: Rec & { id: string; queue: string; assignee_id: string | null }
  messages: Rec[]
  events: Rec[]
  ratings: Rec[]
}

const iso = (ms: number) => new Date(ms).toISOString()

/** The customers of the drafts, one per key; a customer's creation is their earliest contact in the file. */
export function customerRows(source: string, drafts: readonly Draft[]): Map<string, Rec & { id: string; created_at: string }> {
  const customers = new Map<string, Rec & { id: string; created_at: string }>()
  for (const d of drafts) {
    const id = importedCustomerId(source, d.customer.key)
    const created = iso(d.createdAt)
    const known = customers.get(id)
    if (!known) customers.set(id, { id, name: d.customer.name, email: d.customer.email, phone: d.customer.phone, created_at: created })
    else if (created < known.created_at) known.created_at = created
  }
  return customers
}

/**
 * The rows of one draft. A rating is recorded by the item's assignee, else by `recorder`
 * (ratings.recorded_by names an agent: consoles hold it to their agents table); the caller
 * makes sure one of them is there.
 */
export function itemRows(source: string, d: Draft, policy: SlaPolicy, recorder: string | null): ItemRows {
  const id = importedItemId(source, d.externalId)
  const customerId = importedCustomerId(source, d.customer.key)
  const queue = d.kind === 'support' ? queueOfTier(d.tier ?? 1) : 'service'
  const createdAt = iso(d.createdAt)
  const firstResponseAt = d.firstResponseAt === null ? null : iso(d.firstResponseAt)
  const resolvedAt = d.resolvedAt === null ? null : iso(d.resolvedAt)
  const latest = Math.max(d.createdAt, ...d.messages.map((m) => m.at), d.resolvedAt ?? 0)
  const item: Item = {
    id,
    kind: d.kind,
    category: d.category,
    channel: d.channel,
    customerId,
    subject: d.subject,
    status: d.status,
    priority: d.priority,
    assigneeId: d.assigneeId,
    tier: d.kind === 'support' ? (d.tier ?? 1) : null,
    queue,
    handoffSummary: null,
    queueChangedBy: null,
    queueChangedAt: null,
    slaStartedAt: createdAt,
    slaRespondedAt: firstResponseAt,
    createdAt,
    updatedAt: iso(latest),
    firstResponseAt,
    resolvedAt,
    slaDueAt: null
  }
  item.slaDueAt = slaDueAt(item, policy)

  const messages = d.messages.map((m, n) => ({
    id: m.key === 'customer' || m.key === 'reply' || m.key === 'note' ? `${id}.${m.key}` : `${id}.m${n}`,
    item_id: id,
    kind: m.kind,
    author_id: m.authorId,
    channel: d.channel,
    body: m.body,
    created_at: iso(m.at)
  }))

  // The history the app would have written: created (and assigned), the status path to where
  // the item is now, and the rating answers. Imported acts have no actor but the assignee.
  const events: Rec[] = []
  const actor = d.assigneeId
  const event = (type: string, from: string | null, to: string | null, at: string, by: string | null = actor) =>
    events.push({ id: `${id}.e${events.length}`, item_id: id, type, actor_id: by, from_value: from, to_value: to, reason: null, created_at: at })
  event('created', null, 'new', createdAt, null)
  if (d.assigneeId !== null) event('assigned', null, d.assigneeId, createdAt, null)
  let status: string = 'new'
  const move = (to: string, at: string) => {
    if (status !== to) event('status', status, to, at)
    status = to
  }
  // A first reply opens a new item (item.reply does the same).
  if (firstResponseAt !== null && d.status !== 'new') move('open', firstResponseAt)
  const lastKnown = firstResponseAt ?? createdAt
  switch (d.status) {
    case 'new':
      break
    case 'open':
      move('open', lastKnown)
      break
    case 'pending':
      move('pending', lastKnown)
      break
    // A resolution whose time the file contradicted (dropped by convert) gets no status event:
    // an event at a made-up time would count as a resolution in the figures. The item still
    // says where it is; its history ends at the last time the file is sure of.
    case 'resolved':
      if (resolvedAt !== null) move('resolved', resolvedAt)
      break
    case 'closed':
      if (resolvedAt !== null) {
        move('resolved', resolvedAt)
        move('closed', resolvedAt)
      }
      break
  }

  const ratings: Rec[] = []
  const ratedAt = resolvedAt ?? iso(latest)
  for (const [kind, score] of [
    ['csat', d.csat],
    ['nps', d.nps]
  ] as const) {
    if (score === null) continue
    const recordedBy = d.assigneeId ?? recorder
    if (recordedBy === null) throw new Error(`Item ${d.externalId} has a rating and no agent to record it`)
    ratings.push({ id: `${id}.${kind}`, item_id: id, kind, score, recorded_by: recordedBy, created_at: ratedAt })
    event('rating', null, `${kind}:${score}`, ratedAt)
  }
  return { item: itemRecord(item), messages, events, ratings }
}


export interface WriteResult {
  newItems: number
  unchangedItems: number
  newCustomers: number
  newMessages: number
}

/** Items per round of statements (each statement one jsonb parameter). */
const CHUNK = 2000

const chunks = <T>(rows: readonly T[], size = CHUNK): T[][] => {
  const out: T[][] = []
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size))
  return out
}

const insertSql = (table: string, conflict: boolean) =>
  `INSERT INTO ${table} SELECT * FROM jsonb_populate_recordset(NULL::${table}, $1::jsonb)${conflict ? ' ON CONFLICT (id) DO NOTHING RETURNING id' : ''}`

/** Inserts rows that may already be there; returns the ids it inserted. */
async function insertNew(tx: SqlClient, table: string, rows: readonly Rec[]): Promise<Set<string>> {
  const inserted = new Set<string>()
  for (const chunk of chunks(rows)) {
    const { rows: ids } = await tx.query<{ id: string }>(insertSql(table, true), [JSON.stringify(chunk)])
    for (const r of ids) inserted.add(r.id)
  }
  return inserted
}

/** Inserts rows that cannot be there yet (children of items this transaction inserted: their ids derive from the item's). */
async function insertAll(tx: SqlClient, table: string, rows: readonly Rec[]): Promise<void> {
  for (const chunk of chunks(rows, 5000)) await tx.query(insertSql(table, false), [JSON.stringify(chunk)])
}

/**
 * Writes the drafts in one transaction, a chunk at a time: items already there (a re-import) are
 * left as they are, get no rows built and no feed row; the others are written whole with a feed
 * row each, and NOTIFY goes out at commit. `onProgress(done, total)` counts items.
 */
export async function writeDrafts(
  sql: SqlClient,
  source: string,
  drafts: readonly Draft[],
  policy: SlaPolicy,
  recorder: string | null,
  onProgress: (done: number, total: number) => void = () => {}
): Promise<WriteResult> {
  const customers = customerRows(source, drafts)
  return sql.transaction(async (tx) => {
    let newItems = 0
    let newCustomers = 0
    let newMessages = 0
    let done = 0
    const customersSeen = new Set<string>()
    for (const chunk of chunks(drafts)) {
      const ids = chunk.map((d) => importedItemId(source, d.externalId))
      const { rows: existing } = await tx.query<{ id: string }>('SELECT id FROM items WHERE id = ANY($1::text[])', [ids])
      const there = new Set(existing.map((r) => r.id))
      const candidates = chunk.filter((_, k) => !there.has(ids[k]!))
      if (candidates.length > 0) {
        const chunkCustomers: Rec[] = []
        for (const d of candidates) {
          const id = importedCustomerId(source, d.customer.key)
          if (customersSeen.has(id)) continue
          customersSeen.add(id)
          chunkCustomers.push(customers.get(id)!)
        }
        newCustomers += (await insertNew(tx, 'customers', chunkCustomers)).size
        const fresh = candidates.map((d) => itemRows(source, d, policy, recorder))
        // None of them is there (the read above, in this transaction). Another import of the same
        // source committing meanwhile would make this insert fail and this import write nothing.
        await insertAll(
          tx,
          'items',
          fresh.map((r) => r.item)
        )
        newItems += fresh.length
        const messages = fresh.flatMap((r) => r.messages)
        newMessages += messages.length
        await insertAll(tx, 'messages', messages)
        await insertAll(
          tx,
          'item_events',
          fresh.flatMap((r) => r.events)
        )
        await insertAll(
          tx,
          'ratings',
          fresh.flatMap((r) => r.ratings)
        )
        await insertFeedRows(
          tx,
          fresh.map(
            (r): FeedRow => ({
              entity: 'item',
              entity_id: r.item.id,
              owner_id: null,
              queue_before: null,
              assignee_before: null,
              queue_after: r.item.queue,
              assignee_after: r.item.assignee_id
            })
          )
        )
      }
      done += chunk.length
      onProgress(done, drafts.length)
    }
    if (newItems > 0) await tx.query("SELECT pg_notify('handoff_changes', '')")
    return { newItems, unchangedItems: drafts.length - newItems, newCustomers, newMessages }
  })
}
