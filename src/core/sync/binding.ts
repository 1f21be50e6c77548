import type { Database } from 'better-sqlite3'
import { randomUUID } from 'node:crypto'
import { HandoffError } from '../../shared/contract'
import type { MeResponse } from '../../shared/sync/protocol'
import { outboxPending } from '../infra/outbox'
import { META, getMeta, setMeta } from '../infra/meta'
import { hasAnyItem } from '../people/session'
import { plucked, prepared } from '../infra/statements'

/**
 * The binding of a workspace to one agent on one sync server, in meta. A workspace is bound once
 * (at its first sign-in) and stays bound: signing out forgets only the credential, never the
 * binding, the data or the outbox, so nothing waiting to be pushed is lost.
 */
export interface Binding {
  serverUrl: string
  serverId: string
  agentId: string
  clientId: string
  /** outbox.seq - seqBase is the per-client sequence number the server sees. */
  seqBase: number
}

export function readBinding(db: Database): Binding | null {
  const serverId = getMeta(db, META.syncServerId)
  const agentId = getMeta(db, META.syncAgentId)
  const clientId = getMeta(db, META.syncClientId)
  const serverUrl = getMeta(db, META.syncServerUrl)
  if (serverId === null || agentId === null || clientId === null || serverUrl === null) return null
  return { serverUrl, serverId, agentId, clientId, seqBase: Number(getMeta(db, META.syncSeqBase) ?? 0) }
}

const refuse = (message: string) => new HandoffError({ code: 'rejected', rejection: 'forbidden', message })

/**
 * Throws when this workspace may not bind to `me` (or, without `me`, to any server): bound to
 * another server or agent, or unbound but holding local data (the demo, or items made before
 * signing in), which must never be pushed to a server.
 */
export function assertCanBind(db: Database, me?: MeResponse): void {
  const bound = readBinding(db)
  if (bound) {
    if (!me) return
    if (bound.serverId !== me.serverId) {
      throw refuse(`This workspace belongs to another Handoff server (${bound.serverUrl}). Start a new data folder to connect to this one.`)
    }
    if (bound.agentId !== me.agent.id) {
      throw refuse(`This workspace belongs to another agent (${bound.agentId}); this credential is ${me.agent.name}'s. Start a new data folder to sign in as someone else.`)
    }
    return
  }
  if (hasAnyItem(db) || outboxPending(db) > 0) {
    throw refuse('This workspace already holds local data (the demo or items made on this computer), which cannot be sent to a server. Start a new data folder to connect.')
  }
}

/**
 * Binds the workspace to `me` (or refreshes the server address of a workspace already bound to
 * it), in one transaction: local agents and views go (the server's directory replaces them), the
 * signed-in agent becomes the server's agent, a new client id is made and the per-client
 * sequence starts after every outbox seq ever used.
 */
export function bindWorkspace(db: Database, serverUrl: string, me: MeResponse): Binding {
  return db.transaction(() => {
    assertCanBind(db, me)
    if (readBinding(db)) {
      setMeta(db, META.syncServerUrl, serverUrl)
    } else {
      prepared(db, 'DELETE FROM views').run()
      prepared(db, 'DELETE FROM agents').run()
      const { agent } = me
      prepared(db, 'INSERT INTO agents (id, name, email, role, tiers) VALUES (?, ?, ?, ?, ?)').run(agent.id, agent.name, agent.email, agent.role, JSON.stringify(agent.tiers))
      // AUTOINCREMENT never reuses a seq, so the next outbox row is seqBase + 1: per-client seq 1.
      const used = plucked<[], number>(db, `SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0)`).get() ?? 0
      setMeta(db, META.syncServerUrl, serverUrl)
      setMeta(db, META.syncServerId, me.serverId)
      setMeta(db, META.syncAgentId, agent.id)
      setMeta(db, META.syncClientId, randomUUID())
      setMeta(db, META.syncSeqBase, String(used))
      setMeta(db, META.syncRejectionsAfter, '0')
      setMeta(db, META.demo, '0')
    }
    setMeta(db, META.signedInAgent, me.agent.id)
    return readBinding(db)!
  }).immediate()
}

/**
 * The server saw this client's sequence numbers under other mutations (client_conflict): the data
 * folder was restored from a backup or copied, so the outbox counter went back. In one
 * transaction: a fresh client id, a seqBase that renumbers the still-pending outbox rows from 1
 * (the server then applies the ones it never saw and rejects as duplicates those whose mutation
 * id it already applied), and the rejections cursor back to 0 (the new client's rejections start
 * over). The pull cursor stays: the data feed does not depend on the client id.
 *
 * sync_rejections is keyed by the per-client seq, so the old client's rows would shadow the new
 * client's (a new rejection with the same seq would be dropped): the dismissed ones go, and the
 * ones still shown move, in their order, to the top of the seq range, where the new client's
 * numbers never reach.
 */
export function resetClient(db: Database): Binding {
  return db.transaction(() => {
    if (!readBinding(db)) throw new Error('The workspace is not bound to a server.')
    const pending = prepared<[], { lo: number | null }>(db, 'SELECT min(seq) AS lo FROM outbox').get()?.lo ?? null
    const seqBase =
      pending !== null ? pending - 1 : (plucked<[], number>(db, `SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0)`).get() ?? 0)
    setMeta(db, META.syncClientId, randomUUID())
    setMeta(db, META.syncSeqBase, String(seqBase))
    setMeta(db, META.syncRejectionsAfter, '0')
    prepared(db, 'DELETE FROM sync_rejections WHERE dismissed = 1').run()
    const kept = prepared<[], { seq: number }>(db, 'SELECT seq FROM sync_rejections ORDER BY at, seq').all()
    // Through negative seqs first, so no two rows ever share one mid-way.
    prepared(db, 'UPDATE sync_rejections SET seq = -seq').run()
    kept.forEach(({ seq }, i) => prepared(db, 'UPDATE sync_rejections SET seq = ? WHERE seq = ?').run(Number.MAX_SAFE_INTEGER - (kept.length - 1 - i), -seq))
    return readBinding(db)!
  }).immediate()
}
