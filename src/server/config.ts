/**
 * Where the server keeps its data, from flags and the environment (flags win):
 *   --database-url URL | DATABASE_URL          PostgreSQL (many server processes may share it)
 *   --data DIR | HANDOFF_SERVER_DATA           the embedded PostgreSQL (PGlite) in DIR, default ./.handoff-server
 * The embedded store belongs to one process at a time: a lock file in DIR says which.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { join, resolve } from 'node:path'

export type StoreLocation = { kind: 'postgres'; databaseUrl: string } | { kind: 'embedded'; dir: string }

export class ConfigError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}

export function storeLocation(flags: { 'database-url'?: string | undefined; data?: string | undefined }, env: NodeJS.ProcessEnv = process.env): StoreLocation {
  const url = flags['database-url'] ?? (flags.data ? undefined : env.DATABASE_URL)
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url)) throw new ConfigError('DATABASE_URL must be a postgres:// or postgresql:// URL.') // never echoed: it may hold a password
    return { kind: 'postgres', databaseUrl: url }
  }
  return { kind: 'embedded', dir: resolve(flags.data ?? env.HANDOFF_SERVER_DATA ?? '.handoff-server') }
}

/** Options for openStore(): the embedded store's files live in DIR/pgdata. */
export function storeOptions(location: StoreLocation): { databaseUrl?: string; dataDir?: string } {
  return location.kind === 'postgres' ? { databaseUrl: location.databaseUrl } : { dataDir: join(location.dir, 'pgdata') }
}

export function describeLocation(location: StoreLocation): string {
  if (location.kind === 'embedded') return `embedded PostgreSQL (PGlite) in ${location.dir}`
  const url = new URL(location.databaseUrl)
  return `PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname}`
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Takes the embedded store's lock, or throws ConfigError naming the process that holds it (a
 * lock left by a process that is gone is taken over). Returns the release function.
 */
export function lockEmbeddedStore(dir: string, purpose: string): () => void {
  mkdirSync(dir, { recursive: true })
  const file = join(dir, 'handoff.lock')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx')
      writeSync(fd, JSON.stringify({ pid: process.pid, purpose }))
      closeSync(fd)
      return () => rmSync(file, { force: true })
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      let holder: { pid?: number; purpose?: string } = {}
      try {
        holder = JSON.parse(readFileSync(file, 'utf8')) as typeof holder
      } catch {
        // unreadable: treat as stale
      }
      if (typeof holder.pid === 'number' && alive(holder.pid)) {
        throw new ConfigError(
          `The embedded store in ${dir} is in use by process ${holder.pid} (${holder.purpose ?? 'unknown'}). ` +
            'Stop it first, or run the server on PostgreSQL (DATABASE_URL) to share one store.'
        )
      }
      rmSync(file, { force: true })
    }
  }
  throw new ConfigError(`Could not take the lock ${file}.`)
}
