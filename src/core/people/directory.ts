import type { Database } from 'better-sqlite3'
import type { Agent, Customer } from '../../shared/domain/entities'
import { AGENT_COLUMNS, CUSTOMER_COLUMNS, agentFromRow, customerFromRow, type AgentRow, type CustomerRow } from '../infra/rows'
import { flushSearchIndex } from '../search/search-index'
import { customerSearchExpression } from '../search/search-query'
import { isFtsQueryError } from '../search/search-text'
import { prepared } from '../infra/statements'

/** Agents and customers: the people in the workspace. */
export function listAgents(db: Database): Agent[] {
  return prepared<[], AgentRow>(db, `SELECT ${AGENT_COLUMNS} FROM agents a ORDER BY a.name, a.id`).all().map(agentFromRow)
}

export function agentById(db: Database, id: string): Agent | null {
  const row = prepared<[string], AgentRow>(db, `SELECT ${AGENT_COLUMNS} FROM agents a WHERE a.id = ?`).get(id)
  return row ? agentFromRow(row) : null
}

/**
 * Customers for a picker: every word of the query must begin a word of the customer's name,
 * email or phone ("ann sm" finds Ann Smith; "555014" finds +1 555-0142). An empty query lists
 * customers by name.
 */
export function searchCustomers(db: Database, query: string, limit: number): Customer[] {
  const match = customerSearchExpression(query)
  if (match !== null) flushSearchIndex(db)
  if (match === null) {
    return prepared<[number], CustomerRow>(db, `SELECT ${CUSTOMER_COLUMNS} FROM customers c ORDER BY c.name, c.rid LIMIT ?`).all(limit).map(customerFromRow)
  }
  try {
    return prepared<[string, number], CustomerRow>(
      db,
      `SELECT ${CUSTOMER_COLUMNS} FROM customers_fts CROSS JOIN customers c ON c.rid = customers_fts.rowid
       WHERE customers_fts MATCH ? ORDER BY c.name, c.rid LIMIT ?`
    )
      .all(match, limit)
      .map(customerFromRow)
  } catch (e) {
    if (isFtsQueryError(e)) return []
    throw e
  }
}
