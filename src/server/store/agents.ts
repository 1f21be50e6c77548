import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual, randomUUID, type ScryptOptions } from 'node:crypto'
import type { Agent } from '../../shared/domain/entities'
import { AGENT_ROLES, TIERS, type AgentRole, type Tier } from '../../shared/domain/vocabulary'
import { parseCredential } from '../../shared/sync/protocol'
import { insertFeedRows, type FeedRow } from './apply'
import { StoreError } from './errors'
import { AGENT_COLUMNS, agentFromRow, type AgentRow } from './rows'
import type { SqlClient } from './sql'

/** An agent as the server keeps it (never with its credential hash). */
export interface AgentRecord extends Agent {
  admin: boolean
  disabled: boolean
  createdAt: string
  /** The agent's team (figures cut by team); null when none. */
  team: string | null
}

export interface NewAgent {
  id?: string
  name: string
  email: string
  role: AgentRole
  tiers: Tier[]
  admin: boolean
  team?: string | null
}

const AGENT_ID = /^[A-Za-z0-9_-]{1,64}$/
const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 }

function scrypt(secret: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(secret, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))))
}

export const recordFromRow = (r: AgentRow): AgentRecord => ({
  ...agentFromRow(r),
  admin: r.admin,
  disabled: r.disabled,
  team: r.team ?? null,
  createdAt: (r.created_at instanceof Date ? r.created_at : new Date(r.created_at)).toISOString()
})

const agentFeedRow = (id: string): FeedRow => ({ entity: 'agent', entity_id: id, owner_id: null, queue_before: null, assignee_before: null, queue_after: null, assignee_after: null })

/** `scrypt$N$r$p$<salt b64url>$<hash b64url>` of the secret. */
async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await scrypt(secret, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p })
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64url')}$${key.toString('base64url')}`
}

async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const parts = stored.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])]
  const salt = Buffer.from(parts[4]!, 'base64url')
  const expected = Buffer.from(parts[5]!, 'base64url')
  const key = await scrypt(secret, salt, expected.length, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 })
  return key.length === expected.length && timingSafeEqual(key, expected)
}

const newSecret = () => randomBytes(32).toString('base64url')

function validate(a: NewAgent): void {
  if (a.id !== undefined && !AGENT_ID.test(a.id)) throw new StoreError('bad_request', 'An agent id is 1 to 64 letters, digits, dashes or underscores.')
  if (!a.name.trim() || a.name.length > 200) throw new StoreError('bad_request', 'An agent needs a name of at most 200 characters.')
  if (a.email.length > 320) throw new StoreError('bad_request', 'An email address is at most 320 characters.')
  if (!AGENT_ROLES.includes(a.role)) throw new StoreError('bad_request', `A role is one of ${AGENT_ROLES.join(', ')}.`)
  if (!a.tiers.every((t) => (TIERS as readonly number[]).includes(t))) throw new StoreError('bad_request', 'Tiers are 1, 2 or 3.')
  if (a.team !== undefined && a.team !== null) validateTeam(a.team)
}

function validateTeam(team: string): void {
  if (!team.trim() || team.length > 100) throw new StoreError('bad_request', 'A team name is 1 to 100 characters.')
}

/**
 * Agents and their credentials. Checking a credential costs a scrypt (tens of milliseconds), so
 * a verified credential is remembered by its SHA-256, together with the stored hash it matched:
 * a reset credential (a new stored hash) or a disabled agent (read on every call) is refused at once.
 */
export class Agents {
  private readonly verified = new Map<string, string>()
  constructor(private readonly sql: SqlClient) {}

  async add(a: NewAgent): Promise<{ agent: AgentRecord; credential: string }> {
    validate(a)
    const id = a.id ?? randomUUID()
    const secret = newSecret()
    const hash = await hashSecret(secret)
    const tiers = [...new Set(a.tiers)].sort()
    const agent = await this.sql.transaction(async (tx) => {
      const { rows } = await tx.query<AgentRow>(
        `INSERT INTO agents (id, name, email, role, tiers, admin, credential_hash, team) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8)
         ON CONFLICT (id) DO NOTHING RETURNING ${AGENT_COLUMNS}`,
        [id, a.name.trim(), a.email, a.role, JSON.stringify(tiers), a.admin, hash, a.team?.trim() || null]
      )
      if (!rows[0]) throw new StoreError('bad_request', `There is already an agent ${id}.`)
      await insertFeedRows(tx, [agentFeedRow(id)])
      await tx.query("SELECT pg_notify('handoff_changes', '')") // the directory changed: consoles pull now
      return recordFromRow(rows[0])
    })
    return { agent, credential: `hf1.${id}.${secret}` }
  }

  /** A new credential for the agent (the old one stops working); returns it, shown once. */
  async resetCredential(id: string): Promise<string> {
    const secret = newSecret()
    const hash = await hashSecret(secret)
    await this.sql.transaction(async (tx) => {
      const { rows } = await tx.query<AgentRow>(`UPDATE agents SET credential_hash = $2 WHERE id = $1 RETURNING ${AGENT_COLUMNS}`, [id, hash])
      if (!rows[0]) throw new StoreError('not_found', `There is no agent ${id}.`)
      await insertFeedRows(tx, [agentFeedRow(id)])
      await tx.query("SELECT pg_notify('handoff_changes', '')") // the directory changed: consoles pull now
    })
    return `hf1.${id}.${secret}`
  }

  async setDisabled(id: string, disabled: boolean): Promise<AgentRecord> {
    return this.sql.transaction(async (tx) => {
      const { rows } = await tx.query<AgentRow>(`UPDATE agents SET disabled = $2 WHERE id = $1 RETURNING ${AGENT_COLUMNS}`, [id, disabled])
      if (!rows[0]) throw new StoreError('not_found', `There is no agent ${id}.`)
      await insertFeedRows(tx, [agentFeedRow(id)])
      await tx.query("SELECT pg_notify('handoff_changes', '')") // the directory changed: consoles pull now
      return recordFromRow(rows[0])
    })
  }

  /** Puts the agent in a team (null: none). Teams only cut the figures: no feed row, nothing to pull. */
  async setTeam(id: string, team: string | null): Promise<AgentRecord> {
    if (team !== null) validateTeam(team)
    const { rows } = await this.sql.query<AgentRow>(`UPDATE agents SET team = $2 WHERE id = $1 RETURNING ${AGENT_COLUMNS}`, [id, team?.trim() ?? null])
    if (!rows[0]) throw new StoreError('not_found', `There is no agent ${id}.`)
    return recordFromRow(rows[0])
  }

  async list(): Promise<AgentRecord[]> {
    const { rows } = await this.sql.query<AgentRow>(`SELECT ${AGENT_COLUMNS} FROM agents ORDER BY id`)
    return rows.map(recordFromRow)
  }

  async byId(id: string): Promise<AgentRecord | null> {
    const { rows } = await this.sql.query<AgentRow>(`SELECT ${AGENT_COLUMNS} FROM agents WHERE id = $1`, [id])
    return rows[0] ? recordFromRow(rows[0]) : null
  }

  /** The agent a credential belongs to; null when it is malformed, unknown, wrong or the agent is disabled. */
  async authenticate(credential: string): Promise<AgentRecord | null> {
    const parsed = parseCredential(credential)
    if (!parsed) return null
    const { rows } = await this.sql.query<AgentRow & { credential_hash: string }>(`SELECT ${AGENT_COLUMNS}, credential_hash FROM agents WHERE id = $1`, [parsed.agentId])
    const row = rows[0]
    if (!row || row.disabled) return null
    const key = createHash('sha256').update(credential).digest('base64url')
    if (this.verified.get(key) !== row.credential_hash) {
      if (!(await verifySecret(parsed.secret, row.credential_hash))) return null
      if (this.verified.size >= 10_000) this.verified.clear()
      this.verified.set(key, row.credential_hash)
    }
    return recordFromRow(row)
  }
}
