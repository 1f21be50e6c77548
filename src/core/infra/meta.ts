import type { Database } from 'better-sqlite3'
import { plucked, prepared } from './statements'

/**
 * The key-value `meta` table: small facts about this workspace that many capabilities keep
 * (the session, the search index's high-water marks, the sync binding and cursor). It imports
 * nothing of theirs, so any of them may use it without closing a circle.
 */
export const META = {
  app: 'app',
  demo: 'demo',
  signedInAgent: 'session.agentId',
  /** High-water marks of the full-text index (search/search-index.ts). */
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
  syncLastSyncedAt: 'sync.lastSyncedAt',
  /** What a pull did that the agent should hear of (a JSON array of sentences; sync/apply-pull.ts). */
  syncNotices: 'sync.notices'
} as const
export type MetaKey = (typeof META)[keyof typeof META]

export function getMeta(db: Database, key: MetaKey): string | null {
  return plucked<[string], string>(db, 'SELECT value FROM meta WHERE key = ?').get(key) ?? null
}

export function deleteMeta(db: Database, key: MetaKey): void {
  prepared(db, 'DELETE FROM meta WHERE key = ?').run(key)
}

export function setMeta(db: Database, key: MetaKey, value: string): void {
  prepared(db, 'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value)
}
