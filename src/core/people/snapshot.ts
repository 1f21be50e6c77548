import type { Database } from 'better-sqlite3'
import type { Agent, Customer } from '../../shared/domain/entities'
import { AGENT_COLUMNS, CUSTOMER_COLUMNS, agentFromRow, customerFromRow, type AgentRow, type CustomerRow } from '../infra/rows'
import { prepared } from '../infra/statements'

/** The customers of a snapshot, by id; missing ids are simply absent. */
export function loadCustomers(db: Database, ids: readonly string[] | undefined): Map<string, Customer> {
  const customers = new Map<string, Customer>()
  for (const id of ids ?? []) {
    const row = prepared<[string], CustomerRow>(db, `SELECT ${CUSTOMER_COLUMNS} FROM customers c WHERE c.id = ?`).get(id)
    if (row) customers.set(id, customerFromRow(row))
  }
  return customers
}

/** The agents of a snapshot, by id (each read once however often it is named); missing ids are simply absent. */
export function loadAgents(db: Database, ids: readonly string[]): Map<string, Agent> {
  const agents = new Map<string, Agent>()
  for (const id of ids) {
    if (agents.has(id)) continue
    const row = prepared<[string], AgentRow>(db, `SELECT ${AGENT_COLUMNS} FROM agents a WHERE a.id = ?`).get(id)
    if (row) agents.set(id, agentFromRow(row))
  }
  return agents
}
