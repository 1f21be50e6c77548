/**
 * The sync server's store: PostgreSQL (a server, through `pg`) or PGlite (in-process, on disk or
 * in memory), the same SQL on both. openStore() migrates and returns the ServerStore the HTTP
 * layer calls; requests arrive already parsed by the protocol's schemas.
 */
import { PGlite } from '@electric-sql/pglite'
import type { ItemEvent } from '../../shared/domain/entities'
import type { ItemKind } from '../../shared/domain/vocabulary'
import type { PullRequest, PullResponse, PushRequest, PushResponse } from '../../shared/sync/protocol'
import { Agents, type AgentRecord, type NewAgent } from './agents'
import { migrate } from './migrate'
import { pull } from './pull'
import { push } from './push'
import { EVENT_COLUMNS, eventFromRow, type EventRow } from './rows'
import { pgClient, pgliteClient, type SqlClient } from './sql'
import { StoreError } from './errors'

export { StoreError, SchemaTooNewError, type StoreErrorCode } from './errors'
export type { AgentRecord, NewAgent } from './agents'
export { AGENTS_CHANGED } from './agents'
export type { SqlClient } from './sql'
export { SCHEMA_VERSION } from './schema'

/** The channel every committed change is announced on (payload empty). */
export const CHANGES_CHANNEL = 'handoff_changes'

/** A history event with its item's kind and `at` (= createdAt); GET /v1/figures/escalations counts de-escalations from them. */
export type FigureEvent = ItemEvent & { kind: ItemKind; at: string }

export interface ServerStore {
  readonly kind: 'postgres' | 'pglite'
  /** The low-level client (tests, tools). */
  readonly sql: SqlClient
  serverId(): string
  /** See Agents.authenticate: `onlyRemembered` refuses, without a scrypt, a credential this process has not verified before. */
  authenticate(credential: string, options?: { onlyRemembered?: boolean }): Promise<AgentRecord | null>
  agentById(id: string): Promise<AgentRecord | null>
  addAgent(agent: NewAgent): Promise<{ agent: AgentRecord; credential: string }>
  resetCredential(id: string): Promise<string>
  setDisabled(id: string, disabled: boolean): Promise<AgentRecord>
  /** Puts an agent in a team, or in none (null). */
  setTeam(id: string, team: string | null): Promise<AgentRecord>
  listAgents(): Promise<AgentRecord[]>
  push(agent: AgentRecord, req: PushRequest): Promise<PushResponse>
  pull(agent: AgentRecord, req: PullRequest): Promise<PullResponse>
  /**
   * The history events the escalation figures read (escalated, handed_back, deescalated, and
   * status changes to resolved), created in [from, to), with their item's kind, by time.
   */
  eventsInRange(from: string, to: string): Promise<FigureEvent[]>
  /**
   * Calls listener after any change committed (by any server process on the same database), with
   * the notification's payload: AGENTS_CHANGED when a credential was reset or an agent disabled.
   */
  onChange(listener: (payload: string) => void): Promise<() => Promise<void>>
  close(): Promise<void>
}

export interface OpenOptions {
  /** postgres://… : a PostgreSQL server. */
  databaseUrl?: string
  /** A folder for PGlite when there is no databaseUrl; neither: PGlite in memory. */
  dataDir?: string
  /** pg pool size (default 20). */
  poolSize?: number
}

export async function openStore(opts: OpenOptions = {}): Promise<ServerStore> {
  const kind = opts.databaseUrl ? 'postgres' : 'pglite'
  const sql = opts.databaseUrl ? pgClient(opts.databaseUrl, opts.poolSize) : pgliteClient(opts.dataDir ? new PGlite(opts.dataDir) : new PGlite())
  try {
    await migrate(sql)
  } catch (e) {
    await sql.close().catch(() => {})
    throw e
  }
  const { rows } = await sql.query<{ server_id: string }>('SELECT server_id::text AS server_id FROM server_meta WHERE id = 1')
  const serverId = rows[0]!.server_id
  const agents = new Agents(sql)

  return {
    kind,
    sql,
    serverId: () => serverId,
    authenticate: (credential, options) => agents.authenticate(credential, options),
    agentById: (id) => agents.byId(id),
    addAgent: (a) => agents.add(a),
    resetCredential: (id) => agents.resetCredential(id),
    setDisabled: (id, disabled) => agents.setDisabled(id, disabled),
    setTeam: (id, team) => agents.setTeam(id, team),
    listAgents: () => agents.list(),
    push: (agent, req) => push(sql, agent, req),
    pull: (agent, req) => pull(sql, agent, req, serverId),
    async eventsInRange(fromIso, toIso) {
      // Stored times are toISOString() text: compare against the same form ('…00Z' sorts after '…00.000Z').
      const [from, to] = [fromIso, toIso].map((t) => {
        const ms = Date.parse(t)
        if (Number.isNaN(ms)) throw new StoreError('bad_request', `Not a time: ${t}`)
        return new Date(ms).toISOString()
      })
      const { rows } = await sql.query<EventRow & { item_kind: ItemKind }>(
        `SELECT ${EVENT_COLUMNS.split(', ')
          .map((c) => `e.${c}`)
          .join(', ')}, i.kind AS item_kind
           FROM item_events e JOIN items i ON i.id = e.item_id
          WHERE e.created_at >= $1 AND e.created_at < $2
            AND (e.type IN ('escalated', 'handed_back', 'deescalated') OR (e.type = 'status' AND e.to_value = 'resolved'))
          ORDER BY e.created_at, e.id`,
        [from, to]
      )
      return rows.map((r) => ({ ...eventFromRow(r), kind: r.item_kind, at: r.created_at }))
    },
    onChange: (listener) => sql.listen(CHANGES_CHANNEL, (payload) => listener(payload)),
    close: () => sql.close()
  }
}
