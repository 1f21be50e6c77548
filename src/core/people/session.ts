import type { Database } from 'better-sqlite3'
import type { SessionInfo } from '../../shared/contract'
import { outboxPending } from '../infra/outbox'
import { agentById } from './directory'
import { plucked } from '../infra/statements'
import { META, getMeta } from '../infra/meta'

/** From the trigger-kept facet counts: no scan of items. */
export function itemCount(db: Database): number {
  return plucked<[], number>(db, 'SELECT coalesce(sum(n), 0) FROM item_facets').get() ?? 0
}

export function hasAnyItem(db: Database): boolean {
  return plucked<[], number>(db, 'SELECT EXISTS (SELECT 1 FROM items)').get() === 1
}

export function hasAnyAgent(db: Database): boolean {
  return plucked<[], number>(db, 'SELECT EXISTS (SELECT 1 FROM agents)').get() === 1
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
