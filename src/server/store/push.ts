import type { Agent, Item } from '../../shared/domain/entities'
import { queuesOfAgent } from '../../shared/domain/escalation'
import { decideMutation, isMutationName, planStoredMutation, type MutationContext, type MutationName, type Needs, type PlannedMutation } from '../../shared/mutations'
import type { PushRequest, PushResponse, PushedMutation } from '../../shared/sync/protocol'
import type { Change, Rejection, Snapshot } from '../../shared/mutations/types'
import { WriteStatement, applyChanges, feedRowsSelect, itemFeedRow, writesApart, type FeedRow } from './apply'
import { StoreError } from './errors'
import { Prefetched } from './prefetch'
import { lockAndLoad } from './snapshot'
import { faultKind, sqlState, type SqlClient } from './sql'
import { isStorableText } from '../../shared/mutations/fields'

type Result = PushResponse['results'][number]

/**
 * Binds a client id to an agent on first use; refuses a client id another agent bound.
 * Returns the client's last applied seq.
 */
export async function bindClient(sql: SqlClient, agentId: string, clientId: string): Promise<number> {
  const read = () => sql.query<{ agent_id: string; last_seq: string | number }>('SELECT agent_id, last_seq FROM clients WHERE id = $1', [clientId])
  let row = (await read()).rows[0]
  if (!row) {
    await sql.query('INSERT INTO clients (id, agent_id) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [clientId, agentId])
    row = (await read()).rows[0]
  }
  if (!row || row.agent_id !== agentId) throw new StoreError('forbidden', 'This client id belongs to another agent.')
  return Number(row.last_seq)
}

/** Options of push(); tests compare the two ways. */
export interface PushOptions {
  /** Decide from a read-ahead of the next mutations' rows (default) or read each mutation's afresh. */
  readAhead?: boolean
}

/**
 * Applies a client's mutations in order, each in its own transaction (so one failure or a gap
 * leaves the ones before it applied): skip a seq already seen, stop at a gap (StoreError
 * 'sequence_gap' with expectedSeq), run the shared decide() on PostgreSQL state, write its
 * changes and feed rows or record its rejection, advance last_seq; commits are announced by
 * NOTIFY (at least every NOTIFY_EVERY_MS).
 *
 * The rows the decisions need are read ahead, for up to AHEAD_MAX mutations at a time
 * (prefetch.ts): a mutation then costs the database one statement, its guarded write. When a
 * write finds that something it decided on changed (another client wrote it), the push reads
 * afresh, and reads ahead less far for a while.
 */
export async function push(sql: SqlClient, agent: Agent, req: PushRequest, options: PushOptions = {}): Promise<PushResponse> {
  for (const m of req.mutations) {
    if (m.actorId !== agent.id) throw new StoreError('forbidden', `Mutation ${m.seq} is by ${m.actorId}: an agent can only push their own mutations.`)
  }
  let lastSeq = await bindClient(sql, agent.id, req.clientId)
  const prepared = req.mutations.map((m) => prepare(agent, m))
  const results: Result[] = []
  // Within one push, a commit announces itself (NOTIFY in its own transaction) when it is the
  // push's last or when NOTIFY_EVERY_MS passed since the push last announced: every commit is
  // announced within that time, without a notification for each of 500 mutations (each one
  // wakes every listening process). What a failed push committed is announced on the way out.
  let announcedAt = -Infinity
  let unannounced = false
  let ahead: { cache: Prefetched; end: number } | null = null
  let aheadSize = AHEAD_MAX
  /** No read-ahead before this index (one that covered it was refused by the database). */
  let noAheadBefore = 0
  try {
    for (const [i, p] of prepared.entries()) {
      const m = p.m
      const notify = i === req.mutations.length - 1 || performance.now() - announcedAt >= NOTIFY_EVERY_MS
      let step: Step | undefined
      try {
        if (options.readAhead !== false) {
          if (ahead && i >= ahead.end) {
            ahead = null
            aheadSize = Math.min(AHEAD_MAX, aheadSize * 2)
          }
          if (!ahead && !alwaysFresh(m.name)) {
            // Up to aheadSize mutations, ending before the next that is always written the fresh way.
            let end = i + 1
            while (end < Math.min(req.mutations.length, i + aheadSize) && !alwaysFresh(prepared[end]!.m.name)) end++
            if (end - i >= AHEAD_MIN && i >= noAheadBefore) {
              try {
                const cache = await Prefetched.read(sql, req.clientId, prepared.slice(i, end).map((q) => ({ mutationId: q.m.mutationId, needs: q.needs, actorId: agent.id })))
                ahead = cache ? { cache, end } : null
              } catch (e) {
                // A value of one of these mutations the database refuses (it reads them all at
                // once): each goes the fresh way, where only the one carrying it is rejected.
                if (faultKind(e) !== 'refused') throw e
                noAheadBefore = end
              }
            }
          }
          if (ahead) {
            const got = await applyAhead(sql, agent, req.clientId, p, notify, ahead.cache)
            if (typeof got === 'object') step = got
            else {
              // Someone else wrote what it decided on, or it needs what was not read ahead: the
              // fresh way below writes what the cache does not know, so the cache goes.
              ahead = null
              if (got === 'changed') aheadSize = Math.max(AHEAD_MIN, aheadSize >> 2)
            }
          }
        }
        step ??= await pushOne(sql, agent, req.clientId, p, notify)
      } catch (e) {
        // The database refuses this mutation's values (a NUL, a taken id): it would fail the
        // same way on every retry and hold back every later change of this client, so it is
        // recorded as rejected, with the reason, and the push goes on. Transient faults are
        // thrown (the HTTP layer answers 503 and the client retries).
        if (faultKind(e) !== 'refused') throw e
        ahead = null
        step = await pushOne(sql, agent, req.clientId, refusal(p, e), notify)
      }
      if (step.gap !== undefined) throw new StoreError('sequence_gap', `Mutation ${m.seq} skips ahead: the server expects seq ${step.gap}.`, step.gap)
      results.push(step.result)
      lastSeq = step.lastSeq
      if (step.result.outcome !== 'duplicate') {
        if (notify) announcedAt = performance.now()
        unannounced = !notify
      }
    }
  } finally {
    if (unannounced) await sql.query("SELECT pg_notify('handoff_changes', '')").catch(() => {})
  }
  return { results, lastAppliedSeq: lastSeq }
}

/** The longest a commit of a push waits to be announced to listeners (see push()). */
export const NOTIFY_EVERY_MS = 20
/** The most mutations one read-ahead is for (a smaller batch sees others' writes sooner). */
const AHEAD_MAX = 64
/** Fewer mutations left than this are read one by one (a single mutation's read is cheaper). */
const AHEAD_MIN = 4
/**
 * The way each mutation is pushed. 'fresh': its changes include ops written by statements of
 * their own (views, settings: CHANGE_WRITTEN in apply.ts), so it always goes the fresh way and a
 * read-ahead ends before it; 'ahead': decided from the read-ahead. Typed over every mutation, so
 * a new one must be placed here (test/server/push-paths.test.ts checks each against what its
 * decision writes). A mutation placed 'ahead' that writes so is still written correctly, handed
 * to the fresh way once its decision shows it, only later.
 */
export const PUSH_PATH: { readonly [K in MutationName]: 'ahead' | 'fresh' } = {
  'item.create': 'ahead',
  'item.logContact': 'ahead',
  'item.reply': 'ahead',
  'item.addNote': 'ahead',
  'item.setStatus': 'ahead',
  'item.setPriority': 'ahead',
  'item.assign': 'ahead',
  'item.recordRating': 'ahead',
  'item.escalateToSupport': 'ahead',
  'item.escalateTier': 'ahead',
  'item.handBack': 'ahead',
  'item.deescalate': 'ahead',
  'view.save': 'fresh',
  'view.delete': 'fresh',
  'settings.update': 'fresh',
  'item.retryDelivery': 'ahead'
}
/** A pushed name that is no mutation is refused from the read-ahead like any other refusal. */
const alwaysFresh = (name: string): boolean => isMutationName(name) && PUSH_PATH[name] === 'fresh'

type Step = { result: Result; lastSeq: number; gap?: undefined } | { gap: number; result?: undefined; lastSeq?: undefined }

/** Optimistic attempts before a mutation falls back to the locking transaction. */
const OPTIMISTIC_ATTEMPTS = 4
/** A unique key taken by a concurrent copy of the mutation (23505), a deadlock or a serialization failure: run it again. */
const RERUN = new Set(['23505', '40P01', '40001'])

/**
 * One mutation decided from the read-ahead and written with one guarded statement. Returns
 * 'changed' when the write found something changed (nothing written), 'unknown' when the
 * mutation needs what was not read ahead or must be written another way.
 */
async function applyAhead(sql: SqlClient, agent: Agent, clientId: string, p: Prepared, notify: boolean, cache: Prefetched): Promise<Step | 'changed' | 'unknown'> {
  try {
    const step = await apply(sql, agent, clientId, p, 'optimistic', notify, cache)
    return step === 'locking' ? 'unknown' : step
  } catch (e) {
    const code = sqlState(e)
    if (code === undefined || !RERUN.has(code)) throw e
    return 'changed'
  }
}

/**
 * One mutation, applied once, from a fresh read. The usual way costs two round trips and no
 * explicit transaction: an unlocked read of what decide() needs (with each item's row version),
 * then ONE statement (so one transaction) that locks the client and the items, checks that
 * nothing it read has changed (the client's last seq, each item's xmin), and only then writes
 * the changes, the record, the seq and the feed rows: if anything changed, it writes nothing and
 * the mutation is read and decided again. The locking transaction (BEGIN, lock-and-load, write,
 * COMMIT) is the way for the rare mutations that write views or settings, and the fallback when
 * a mutation keeps losing races.
 */
async function pushOne(sql: SqlClient, agent: Agent, clientId: string, p: Prepared, notify: boolean): Promise<Step> {
  for (let attempt = 1; attempt <= OPTIMISTIC_ATTEMPTS; attempt++) {
    try {
      const step = await apply(sql, agent, clientId, p, 'optimistic', notify, null)
      if (step === 'locking') break
      if (step !== 'changed') return step
    } catch (e) {
      const code = sqlState(e)
      if (code === undefined || !RERUN.has(code)) throw e
    }
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await sql.transaction(async (tx) => {
        const step = await apply(tx, agent, clientId, p, 'locking', notify, null)
        if (step === 'changed' || step === 'locking') throw new Error('A locked read cannot go stale')
        return step
      })
    } catch (e) {
      // Two clients applying one mutation id at once collide on a unique key (the rows it creates
      // or mutations_applied_once): the loser re-runs and finds the mutation recorded.
      if (sqlState(e) === '23505' && attempt < 3) continue
      throw e
    }
  }
}

/** A pushed mutation with what depends on nothing stored: its plan (parsed arguments and needs), or why it is refused. */
interface Prepared {
  m: PushedMutation
  planned: PlannedMutation | null
  needs: Needs
  rejection: { code: string; message: string } | null
  itemId: string | null
}

function prepare(agent: Agent, m: PushedMutation): Prepared {
  // needs() reads only the arguments and the actor.
  const plan = planStoredMutation(m.name, m.args, { mutationId: m.mutationId, actorId: agent.id, now: new Date().toISOString() })
  if (plan.ok) return { m, planned: plan.planned, needs: plan.planned.needs, rejection: null, itemId: plan.planned.needs.items?.[0] ?? null }
  switch (plan.reason) {
    case 'unknown_mutation':
      return { m, planned: null, needs: {}, rejection: { code: 'invalid_argument', message: `There is no mutation ${m.name}.` }, itemId: null }
    case 'invalid_args': {
      // The schema's own messages (they are written for people), each with where it applies.
      const message = plan.issues.map((i) => (i.path.length > 0 ? `${i.path.map(String).join('.')}: ${i.message}` : i.message)).join(' ')
      return { m, planned: null, needs: {}, rejection: { code: 'invalid_argument', message: message || 'The arguments are not valid.' }, itemId: itemIdOf(m.args) }
    }
  }
}

/**
 * Reads (or takes from the read-ahead `cache`), decides and writes one mutation. 'locking': `db`
 * is a transaction, and the read locks the client row and the items. 'optimistic': `db` runs
 * each statement in its own transaction; returns 'changed' when the guarded write found the
 * client or an item changed since the read (nothing written), or 'locking' when the decision
 * needs the locking way (or the cache lacks what it needs). `notify`: the write also NOTIFYs
 * listeners (on commit).
 */
async function apply(db: SqlClient, agent: Agent, clientId: string, p: Prepared, mode: 'locking' | 'optimistic', notify: boolean, cache: Prefetched | null): Promise<Step | 'changed' | 'locking'> {
  const { m, planned, needs } = p
  let { rejection, itemId } = p
  const now = new Date().toISOString()
  const ctx: MutationContext = { mutationId: m.mutationId, actorId: agent.id, now }
  if (mode === 'optimistic' && (needs.views?.length ?? 0) > 0) return 'locking'

  const loaded = cache ? cache.load(m.mutationId, needs) : await lockAndLoad(db, clientId, m.mutationId, needs, mode === 'locking' ? 'lock' : 'read')
  if (!loaded) return 'locking'
  if (loaded.lastSeq === null) throw new StoreError('not_found', `There is no client ${clientId}.`)
  const lastSeq = loaded.lastSeq
  if (m.seq <= lastSeq) {
    // A sequence seen before is a resend, unless it carries another mutation: then the console's
    // counter went back (its data folder was restored or copied), and answering 'duplicate'
    // would make it drop work the server never saw.
    const { rows } = await db.query<{ mutation_id: string }>('SELECT mutation_id::text AS mutation_id FROM mutations WHERE client_id = $1 AND seq = $2', [clientId, m.seq])
    const recorded = rows[0]?.mutation_id
    if (recorded !== undefined && recorded !== m.mutationId.toLowerCase()) {
      throw new StoreError('client_conflict', `Sequence ${m.seq} of this client already holds another change: this workspace was restored or copied. Continue under a new client id.`)
    }
    return { result: { seq: m.seq, outcome: 'duplicate' }, lastSeq }
  }
  // A gap seen in the read-ahead may only be another push of this client moving on: confirmed afresh.
  if (m.seq > lastSeq + 1) return cache ? 'locking' : { gap: lastSeq + 1 }

  const out = new WriteStatement()
  const [client, seq] = [out.param(clientId), out.param(m.seq)]
  const lockedItems = [...loaded.versions.keys()].sort()
  if (mode === 'optimistic') {
    // Lock what was read, in the locking way's order (client, then items by id), and see it
    // unchanged: a row updated since the read no longer matches its xmin (FOR UPDATE re-checks
    // the condition on the newest version), and an item that was missing is still missing. One
    // parameter per value, so the statement's plan is cached (see readText in snapshot.ts).
    const itemsUnchanged =
      lockedItems.length === 0
        ? ''
        : ` AND (SELECT count(*) FROM (SELECT 1 FROM items WHERE ${lockedItems.map((id) => `(id = ${out.param(id)} AND xmin = ${out.param(loaded.versions.get(id)!)}::xid)`).join(' OR ')}
              ORDER BY id FOR UPDATE) x) = ${lockedItems.length}`
    const stillMissing = loaded.missing.map((id) => ` AND NOT EXISTS (SELECT 1 FROM items WHERE id = ${out.param(id)})`).join('')
    // The settings as decided on (SLA targets, reasons): a change since means deciding again.
    const settingsUnchanged = ` AND (SELECT xmin::text FROM settings WHERE id = 1) IS NOT DISTINCT FROM ${out.param(loaded.settingsVersion)}::text`
    out.guard(
      `SELECT (SELECT count(*) FROM (SELECT 1 FROM clients WHERE id = ${client} AND last_seq = ${out.param(lastSeq)} FOR UPDATE) c) = 1${itemsUnchanged}${stillMissing}${settingsUnchanged} AS ok`
    )
  }
  let feed: FeedRow[] = []
  let applied: { after: Map<string, Item>; changes: readonly Change[] } | null = null
  if (loaded.dupSeq !== null) {
    rejection = { code: 'duplicate', message: `Mutation ${m.mutationId} was already pushed (seq ${loaded.dupSeq}).` }
  } else if (planned && !rejection) {
    // Scope first, and a refusal there writes no feed row: nothing of it depends on the item.
    rejection = outOfReach(agent, planned.needs, loaded.snapshot)
    const decision = rejection ? null : decideMutation(planned, loaded.snapshot, ctx)
    if (decision && !decision.ok) {
      rejection = decision.rejection
      // Clients that applied it optimistically re-receive the true state of its items.
      feed = [...loaded.snapshot.items.values()].map((item) => itemFeedRow(item.id, item, item))
    } else if (decision) {
      if (mode === 'optimistic' && writesApart(decision.changes)) return 'locking'
      const written = await applyChanges(db, decision.changes, loaded.snapshot, out)
      feed = written.feed
      applied = { after: written.after, changes: decision.changes }
      if (itemId === null) itemId = feed.find((f) => f.entity === 'item')?.entity_id ?? null
    }
  }
  if (applied) {
    // An applied change moves the row version of every item it read, even one it only added a
    // child row to (a rating, a note), so that a concurrent decision on the same item sees it
    // (whichever way either was written).
    const untouched = lockedItems.filter((id) => !out.updatedItems.has(id))
    if (untouched.length > 0) out.cte(`UPDATE items SET updated_at = updated_at WHERE id IN (${untouched.map((id) => out.param(id)).join(', ')}) AND ${out.when}`)
  }

  out.cte(
    `INSERT INTO mutations (client_id, seq, mutation_id, name, actor_id, status, rejection_code, rejection_message, item_id, applied_at)
     SELECT ${client}, ${seq}, ${out.param(m.mutationId)}, ${out.param(m.name)}, ${out.param(agent.id)}, ${out.param(rejection ? 'rejected' : 'applied')},
            ${out.param(rejection?.code ?? null)}, ${out.param(rejection?.message ?? null)}, ${out.param(itemId)}, ${out.param(now)} WHERE ${out.when}`
  )
  out.cte(`UPDATE clients SET last_seq = ${seq} WHERE id = ${client} AND ${out.when}`)
  if (feed.length > 0) {
    out.cte(`INSERT INTO changes (entity, entity_id, owner_id, queue_before, assignee_before, queue_after, assignee_after) ${feedRowsSelect(out.param(JSON.stringify(feed)))} WHERE ${out.when}`)
  }
  const announce = notify ? `(SELECT 1 FROM (SELECT pg_notify('handoff_changes', '')) n WHERE ${out.when})` : 'NULL'
  // The writing transaction's id is the new row version (xmin) of every item row it wrote.
  const version = cache ? `CASE WHEN ${out.when} THEN pg_current_xact_id()::xid::text END` : 'NULL'
  const [verdict] = await out.run<{ ok: boolean; version: string | null }>(db, `SELECT ${out.when} AS ok, ${announce} AS notified, ${version} AS version`)
  if (verdict?.ok !== true) return 'changed'
  if (cache) cache.recordedAs(m.mutationId, m.seq, applied && !rejection ? { loaded, ...applied, version: verdict.version! } : null)
  return { result: rejection ? { seq: m.seq, outcome: 'rejected', rejection } : { seq: m.seq, outcome: 'applied' }, lastSeq: m.seq }
}

/**
 * An agent changes only the items of their scope (their queues, or assigned to them);
 * supervisors, any. The check runs before the rules, and an item outside the scope gets the very
 * answer a made-up id gets: the rules' reasons name the item's state ("already has a CSAT answer
 * (4)", "now assigned to nobody"), and not_found against forbidden would tell whether an id
 * exists. A mutation that names no item (item.create, views, settings) is not concerned; an item
 * an agent creates outside their scope is applied and leaves them through the pull (pull.ts).
 */
function outOfReach(agent: Agent, needs: Needs, snapshot: Snapshot): Rejection | null {
  if (agent.role === 'supervisor') return null
  const id = (needs.items ?? []).find((itemId) => {
    const item = snapshot.items.get(itemId)
    return item === undefined || !inScope(agent, item)
  })
  return id === undefined ? null : unreachableItem(id)
}

/** The one answer for an item an agent may not change, whether it exists or not (see outOfReach). */
export const unreachableItem = (itemId: string): Rejection => ({
  code: 'not_found',
  message: `There is no item ${itemId} in your queues or assigned to you, so the change was not applied.`
})

/**
 * The mutation as a rejection of what the database refused (`e`): nothing of it is applied, and
 * only what can be stored is recorded (its name and item id as text the database accepts).
 */
function refusal(p: Prepared, e: unknown): Prepared {
  const constraint = sqlState(e)?.startsWith('23') === true
  const detail = storableText(e instanceof Error ? e.message : String(e)).slice(0, 300)
  const rejection = constraint
    ? { code: 'conflict', message: `The server could not store this change: it conflicts with what is stored, such as an id already in use (${detail}).` }
    : { code: 'invalid_argument', message: `The server could not store this change: the database refuses a value in it (${detail}).` }
  return { m: { ...p.m, name: storableText(p.m.name) }, planned: null, needs: {}, rejection, itemId: p.itemId !== null && isStorableText(p.itemId) ? p.itemId : null }
}

/** `text` with every NUL and lone surrogate replaced by U+FFFD. */
function storableText(text: string): string {
  let out = ''
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    const pair = c >= 0xd800 && c <= 0xdbff && text.charCodeAt(i + 1) >= 0xdc00 && text.charCodeAt(i + 1) <= 0xdfff
    if (pair) {
      out += text.slice(i, i + 2)
      i++
    } else if (c === 0 || (c >= 0xd800 && c <= 0xdfff)) out += '\ufffd'
    else out += text[i]
  }
  return out
}

function inScope(agent: Agent, item: Item): boolean {
  return item.assigneeId === agent.id || queuesOfAgent(agent).includes(item.queue)
}

function itemIdOf(args: unknown): string | null {
  if (typeof args === 'object' && args !== null && 'itemId' in args) {
    const id = (args as { itemId: unknown }).itemId
    if (typeof id === 'string' && id.length > 0 && id.length <= 200) return id
  }
  return null
}
