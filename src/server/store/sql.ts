/**
 * The one SQL door of the store: a tiny client both backends implement, so the SAME SQL text
 * (`$1` parameters, nothing backend-specific) runs on a PostgreSQL server (through `pg`) and on
 * PGlite (PostgreSQL in WASM, one connection, for a single-process server or tests).
 */
import type { PGlite } from '@electric-sql/pglite'
import { createHash } from 'node:crypto'
import pg from 'pg'

export interface SqlClient {
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<{ rows: T[] }>
  /**
   * Runs fn in one READ COMMITTED transaction (fn may change the level with SET TRANSACTION as
   * its first statement) and commits; rolls back when fn throws. The whole fn is retried on a
   * serialization failure or a deadlock (40001, 40P01), up to 5 attempts. Inside fn, `tx` is the
   * only client to use; nested transactions are not supported.
   */
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>
  /** LISTEN on a channel; resolves to the unlisten function. */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>
  close(): Promise<void>
}

const RETRYABLE = new Set(['40001', '40P01'])
export const MAX_TX_ATTEMPTS = 5

export function sqlState(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof (e as { code: unknown }).code === 'string' ? (e as { code: string }).code : undefined
}

/**
 * What a failed statement says about retrying it (docs/sync-protocol.md, "what a client does
 * about a 500/503"):
 * - 'refused': the database refuses the values themselves (class 22: data exception, e.g. a NUL
 *   in text or a lone surrogate in JSON; 23: an integrity constraint, e.g. a taken id; 54: a
 *   program limit, e.g. an index row too large). The same statement fails the same way on every
 *   retry, so the change carrying them is rejected, never retried.
 * - 'transient': the database is unreachable or went away (08: connection exception, 57P0x: an
 *   operator or crash shutdown, 53: out of resources, 40: serialization failure or deadlock that
 *   outlived the retries), or the socket broke (a Node error code, or pg's "Connection
 *   terminated"). Answered 503: the client retries later, and the same request then succeeds.
 * - 'other': anything else, a fault of this server's own (a 500).
 */
export type FaultKind = 'refused' | 'transient' | 'other'
const SOCKET_ERRORS = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN'])
export function faultKind(e: unknown): FaultKind {
  const code = sqlState(e)
  if (code !== undefined) {
    if (SOCKET_ERRORS.has(code)) return 'transient'
    if (/^[0-9A-Z]{5}$/.test(code)) {
      const cls = code.slice(0, 2)
      if (cls === '22' || cls === '23' || cls === '54') return 'refused'
      if (cls === '08' || cls === '40' || cls === '53' || /^57P0[1-4]$/.test(code)) return 'transient'
      return 'other'
    }
  }
  // pg reports a connection that died mid-query (a restart, a cut network) without a code.
  if (e instanceof Error && /Connection terminated|connection timeout|Client has encountered a connection error/i.test(e.message)) return 'transient'
  return 'other'
}

async function withRetry<T>(attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt()
    } catch (e) {
      const code = sqlState(e)
      if (n >= MAX_TX_ATTEMPTS || code === undefined || !RETRYABLE.has(code)) throw e
      await new Promise((r) => setTimeout(r, Math.random() * 5 * n))
    }
  }
}

const noNested = (): never => {
  throw new Error('Nested transactions are not supported')
}
const noListen = (): never => {
  throw new Error('LISTEN inside a transaction is not supported')
}

// ---- pg (a PostgreSQL server) ----------------------------------------------------------------

/**
 * Statements with parameters run as named prepared statements (pg prepares each once per
 * connection): the store's statements are few and repeated thousands of times a second, and
 * parsing and planning them again each time cost more than running them.
 */
const statementNames = new Map<string, string>()
function prepared(text: string, params: readonly unknown[] | undefined): pg.QueryConfig {
  if (!params || params.length === 0) return { text }
  let name = statementNames.get(text)
  if (!name) {
    if (statementNames.size > 2000) statementNames.clear()
    name = 'h' + createHash('sha1').update(text).digest('hex').slice(0, 20)
    statementNames.set(text, name)
  }
  return { name, text, values: params as unknown[] }
}

export function pgClient(connectionString: string, poolSize = 20): SqlClient & { pool: pg.Pool } {
  const pool = new pg.Pool({ connectionString, max: poolSize })
  // An idle client's error (server restart) must not crash the process; the pool replaces it.
  pool.on('error', () => {})

  let listener: pg.Client | null = null
  let listenerReady: Promise<pg.Client> | null = null
  let closed = false
  const handlers = new Map<string, Set<(payload: string) => void>>()
  const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`

  /**
   * The dedicated LISTEN connection. When it breaks (a server restart), it is replaced after a
   * short wait, LISTENs again on every channel, and every handler is called once: a change
   * committed while nobody listened must not go unannounced.
   */
  async function listenerClient(): Promise<pg.Client> {
    if (!listenerReady) {
      const ready = (async () => {
        const c = new pg.Client({ connectionString })
        c.on('notification', (n) => {
          for (const h of handlers.get(n.channel) ?? []) h(n.payload ?? '')
        })
        const lost = () => {
          if (listenerReady !== ready) return
          listener = null
          listenerReady = null
          c.end().catch(() => {})
          if (!closed && handlers.size > 0) setTimeout(() => void relisten(), 500)
        }
        c.on('error', lost)
        c.on('end', lost)
        await c.connect()
        for (const channel of handlers.keys()) await c.query(`LISTEN ${quoteIdent(channel)}`)
        listener = c
        return c
      })()
      listenerReady = ready
      ready.catch(() => {
        if (listenerReady === ready) listenerReady = null
      })
    }
    return listenerReady
  }

  async function relisten(): Promise<void> {
    if (closed || handlers.size === 0) return
    try {
      await listenerClient()
      for (const set of handlers.values()) for (const h of set) h('')
    } catch {
      setTimeout(() => void relisten(), 2000)
    }
  }

  const client: SqlClient & { pool: pg.Pool } = {
    pool,
    async query<T>(text: string, params?: readonly unknown[]) {
      const r = await pool.query(prepared(text, params))
      return { rows: r.rows as T[] }
    },
    transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
      return withRetry(async () => {
        const conn = await pool.connect()
        let broken = false
        try {
          await conn.query('BEGIN')
          const tx: SqlClient = {
            async query<R>(text: string, params?: readonly unknown[]) {
              const r = await conn.query(prepared(text, params))
              return { rows: r.rows as R[] }
            },
            transaction: noNested,
            listen: noListen,
            close: async () => {}
          }
          const result = await fn(tx)
          await conn.query('COMMIT')
          return result
        } catch (e) {
          try {
            await conn.query('ROLLBACK')
          } catch {
            broken = true
          }
          throw e
        } finally {
          conn.release(broken)
        }
      })
    },
    async listen(channel, onNotify) {
      let set = handlers.get(channel)
      if (!set) {
        set = new Set()
        handlers.set(channel, set)
        const c = await listenerClient()
        await c.query(`LISTEN ${quoteIdent(channel)}`)
      }
      set.add(onNotify)
      return async () => {
        const s = handlers.get(channel)
        if (!s) return
        s.delete(onNotify)
        if (s.size === 0) {
          handlers.delete(channel)
          if (listener) await listener.query(`UNLISTEN ${quoteIdent(channel)}`)
        }
      }
    },
    async close() {
      closed = true
      const l = listener
      listener = null
      listenerReady = null
      if (l) await l.end().catch(() => {})
      await pool.end()
    }
  }
  return client
}

// ---- PGlite (one connection: every transaction and query goes through one queue) -------------

export function pgliteClient(db: PGlite): SqlClient {
  let tail: Promise<unknown> = Promise.resolve()
  /** Runs job after everything queued before it (a transaction holds the queue until it ends). */
  function exclusive<T>(job: () => Promise<T>): Promise<T> {
    const run = tail.then(job, job)
    tail = run.catch(() => {})
    return run
  }
  return {
    query<T>(text: string, params?: readonly unknown[]) {
      return exclusive(async () => {
        const r = await db.query<T>(text, params as unknown[] | undefined)
        return { rows: r.rows }
      })
    },
    transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
      return withRetry(() =>
        exclusive(() =>
          db.transaction(async (t) => {
            const tx: SqlClient = {
              async query<R>(text: string, params?: readonly unknown[]) {
                const r = await t.query<R>(text, params as unknown[] | undefined)
                return { rows: r.rows }
              },
              transaction: noNested,
              listen: noListen,
              close: async () => {}
            }
            return fn(tx)
          })
        )
      )
    },
    async listen(channel, onNotify) {
      const unlisten = await exclusive(() => db.listen(channel, onNotify))
      return () => exclusive(() => unlisten())
    },
    async close() {
      await exclusive(() => db.close())
    }
  }
}
