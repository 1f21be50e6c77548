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

/**
 * The change notification's payload when an agent's credential or disabled flag changed: event
 * streams opened with the old credential must be checked again (other changes notify '').
 */
export const AGENTS_CHANGED = 'agents'

const AGENT_ID = /^[A-Za-z0-9_-]{1,64}$/
const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 }

/** One key derivation (scrypt); injectable so tests can count how many a check costs. */
export type Derive = (secret: string, salt: Buffer, keylen: number, opts: ScryptOptions) => Promise<Buffer>

const nodeScrypt: Derive = (secret, salt, keylen, opts) =>
  new Promise((resolve, reject) => scryptCb(secret, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))))

/**
 * A counting semaphore. scrypt runs on libuv's thread pool (4 threads by default), which file I/O
 * and DNS share too: a burst of credential checks must not occupy all of it, nor queue a
 * legitimate sign-in behind a hundred guesses that all run at once.
 */
export class Semaphore {
  private active = 0
  private readonly waiting: (() => void)[] = []
  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('A semaphore needs a limit of at least 1.')
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve))
    else this.active++
    try {
      return await work()
    } finally {
      // Hand the slot straight to the next waiter (active stays the same), or free it.
      const next = this.waiting.shift()
      if (next) next()
      else this.active--
    }
  }
}

/** At most two credential checks derive keys at once, per process (the thread pool is per process). */
const SCRYPT_GATE = new Semaphore(2)

/**
 * What an unknown agent id is checked against, so that it costs the same scrypt as a known one
 * and the answer's timing does not tell which ids exist. Same parameters as a real hash; its key
 * (all zeros) is no scrypt output anyone can find a secret for.
 */
const DECOY_HASH = `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${Buffer.alloc(16, 7).toString('base64url')}$${Buffer.alloc(SCRYPT.keylen).toString('base64url')}`

export interface AgentsOptions {
  /** The key derivation (default: node's scrypt). */
  derive?: Derive
  /** Caps concurrent derivations (default: one semaphore of 2 for the whole process). */
  gate?: Semaphore
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
async function hashSecret(secret: string, scrypt: Derive): Promise<string> {
  const salt = randomBytes(16)
  const key = await scrypt(secret, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p })
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64url')}$${key.toString('base64url')}`
}

async function verifySecret(secret: string, stored: string, scrypt: Derive): Promise<boolean> {
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
 * A credential not remembered costs exactly one scrypt whether its agent exists, is disabled or
 * not, so that the time of a refusal tells nothing; the HTTP layer rate-limits failures.
 */
export class Agents {
  private readonly verified = new Map<string, string>()
  private readonly derive: Derive
  constructor(
    private readonly sql: SqlClient,
    options: AgentsOptions = {}
  ) {
    const derive = options.derive ?? nodeScrypt
    const gate = options.gate ?? SCRYPT_GATE
    this.derive = (secret, salt, keylen, opts) => gate.run(() => derive(secret, salt, keylen, opts))
  }

  async add(a: NewAgent): Promise<{ agent: AgentRecord; credential: string }> {
    validate(a)
    const id = a.id ?? randomUUID()
    const secret = newSecret()
    const hash = await hashSecret(secret, this.derive)
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
    const hash = await hashSecret(secret, this.derive)
    await this.sql.transaction(async (tx) => {
      const { rows } = await tx.query<AgentRow>(`UPDATE agents SET credential_hash = $2 WHERE id = $1 RETURNING ${AGENT_COLUMNS}`, [id, hash])
      if (!rows[0]) throw new StoreError('not_found', `There is no agent ${id}.`)
      await insertFeedRows(tx, [agentFeedRow(id)])
      // The directory changed: consoles pull now, and open event streams are checked again (AGENTS_CHANGED).
      await tx.query("SELECT pg_notify('handoff_changes', $1)", [AGENTS_CHANGED])
    })
    return `hf1.${id}.${secret}`
  }

  async setDisabled(id: string, disabled: boolean): Promise<AgentRecord> {
    return this.sql.transaction(async (tx) => {
      const { rows } = await tx.query<AgentRow>(`UPDATE agents SET disabled = $2 WHERE id = $1 RETURNING ${AGENT_COLUMNS}`, [id, disabled])
      if (!rows[0]) throw new StoreError('not_found', `There is no agent ${id}.`)
      await insertFeedRows(tx, [agentFeedRow(id)])
      // The directory changed: consoles pull now, and open event streams are checked again (AGENTS_CHANGED).
      await tx.query("SELECT pg_notify('handoff_changes', $1)", [AGENTS_CHANGED])
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

  /**
   * The agent a credential belongs to; null when it is malformed, unknown, wrong or the agent is
   * disabled. With `onlyRemembered`, a credential not verified before is refused without any
   * scrypt (the HTTP layer's answer while an address or agent id is rate-limited: an agent who
   * is already signed in keeps working while someone guesses at their id).
   */
  async authenticate(credential: string, options: { onlyRemembered?: boolean } = {}): Promise<AgentRecord | null> {
    const parsed = parseCredential(credential)
    if (!parsed) return null
    const { rows } = await this.sql.query<AgentRow & { credential_hash: string }>(`SELECT ${AGENT_COLUMNS}, credential_hash FROM agents WHERE id = $1`, [parsed.agentId])
    const row = rows[0]
    const key = createHash('sha256').update(credential).digest('base64url')
    const remembered = row !== undefined && this.verified.get(key) === row.credential_hash
    if (remembered) return row.disabled ? null : recordFromRow(row)
    if (options.onlyRemembered) return null
    // Unknown and disabled ids spend the same scrypt as a known one before their refusal.
    const matches = await verifySecret(parsed.secret, row?.credential_hash ?? DECOY_HASH, this.derive)
    if (!row || row.disabled || !matches) return null
    if (this.verified.size >= 10_000) this.verified.clear()
    this.verified.set(key, row.credential_hash)
    return recordFromRow(row)
  }
}
