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
  searchCustomers: 'search.customers'
} as const
type MetaKey = (typeof META)[keyof typeof META]

export function getMeta(db: Database, key: MetaKey): string | null {
  return prepared<[string], string>(db, 'SELECT value FROM meta WHERE key = ?').pluck().get(key) ?? null
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
