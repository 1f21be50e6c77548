import type { Database } from 'better-sqlite3'
import type { SessionInfo } from '../../shared/contract'
import { outboxPending } from './apply-mutation'
import { agentById } from './directory'
import { prepared } from './statements'

/** Keys of the meta table. */
export const META = {
  app: 'app',
  demo: 'demo',
  signedInAgent: 'session.agentId',
  /** High-water marks of the full-text index (search-index.ts). */
  searchMessages: 'search.messages',
  searchCustomers: 'search.customers',
  /** The binding to a sync server (sync/binding.ts); absent while the workspace is local. */
  syncServerUrl: 'sync.serverUrl',
  syncServerId: 'sync.serverId',
  syncAgentId: 'sync.agentId',
  /** This workspace's client id (a UUID made at bind), sent with every push and pull. */
  syncClientId: 'sync.clientId',
  /** outbox.seq - seqBase is the per-client sequence the server sees (the first pushed is 1). */
  syncSeqBase: 'sync.seqBase',
  /** The opaque pull cursor; absent before the first pull. */
  syncCursor: 'sync.cursor',
  /** The highest rejection seq recorded in sync_rejections. */
  syncRejectionsAfter: 'sync.rejectionsAfter',
  syncLastSyncedAt: 'sync.lastSyncedAt'
} as const
export type MetaKey = (typeof META)[keyof typeof META]

export function getMeta(db: Database, key: MetaKey): string | null {
  return prepared<[string], string>(db, 'SELECT value FROM meta WHERE key = ?').pluck().get(key) ?? null
}

export function deleteMeta(db: Database, key: MetaKey): void {
  prepared(db, 'DELETE FROM meta WHERE key = ?').run(key)
}

export function setMeta(db: Database, key: MetaKey, value: string): void {
  prepared(db, 'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value)
}

/** From the trigger-kept facet counts: no scan of items. */
export function itemCount(db: Database): number {
  return prepared<[], number>(db, 'SELECT coalesce(sum(n), 0) FROM item_facets').pluck().get() ?? 0
}

export function hasAnyItem(db: Database): boolean {
  return prepared<[], number>(db, 'SELECT EXISTS (SELECT 1 FROM items)').pluck().get() === 1
}

export function hasAnyAgent(db: Database): boolean {
  return prepared<[], number>(db, 'SELECT EXISTS (SELECT 1 FROM agents)').pluck().get() === 1
}

/** The signed-in local agent, if the id in meta still names an agent. */
export function signedInAgentId(db: Database): string | null {
  const id = getMeta(db, META.signedInAgent)
  return id !== null && agentById(db, id) ? id : null
}

export function sessionInfo(db: Database): SessionInfo {
  const agentId = signedInAgentId(db)
  const count = itemCount(db)
  return {
    agent: agentId ? agentById(db, agentId) : null,
    workspace: { empty: count === 0 && !hasAnyAgent(db), demo: getMeta(db, META.demo) === '1', itemCount: count },
    outboxPending: outboxPending(db)
  }
}
