/**
 * A throwaway PostgreSQL cluster for tests and benchmarks: initdb into a temporary folder, start
 * on a free port of 127.0.0.1, hand out databases, stop and remove it all. Run as root (CI and
 * this machine), initdb refuses to run, so every PostgreSQL program runs as the `postgres` user.
 *
 * The binaries are found on PATH or under /usr/lib/postgresql/<newest>/bin (Debian's layout);
 * HANDOFF_PG_BIN overrides both.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'

export interface PostgresCluster {
  /** A superuser URL of the `postgres` database. */
  adminUrl: string
  port: number
  /** Creates an empty database and returns its URL (superuser; tests that need less make a role). */
  createDatabase(name?: string): Promise<string>
  stop(): void
}

function binDir(): string {
  if (process.env.HANDOFF_PG_BIN) return process.env.HANDOFF_PG_BIN
  const debian = '/usr/lib/postgresql'
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a))
    if (versions[0]) return join(debian, versions[0], 'bin')
  }
  const which = spawnSync('sh', ['-c', 'dirname "$(command -v pg_ctl)"'], { encoding: 'utf8' })
  if (which.status === 0 && which.stdout.trim()) return which.stdout.trim()
  throw new Error('PostgreSQL is not installed: no pg_ctl found (apt-get install postgresql, or set HANDOFF_PG_BIN).')
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0

/** Runs a PostgreSQL program, as the postgres user when we are root. */
function run(program: string, args: string[]): void {
  const bin = join(binDir(), program)
  const [cmd, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args]
  execFileSync(cmd as string, argv as string[], { stdio: ['ignore', 'pipe', 'pipe'] })
}

export interface StartOptions {
  /** Durable commits (fsync) as in production: on for benchmarks, off by default for tests. */
  durable?: boolean
  /** More server settings (`name=value`, as for `postgres -c`), e.g. for a benchmark's diagnostics. */
  settings?: readonly string[]
}

export async function startPostgres(options: StartOptions = {}): Promise<PostgresCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'handoff-pg-'))
  const data = join(dir, 'data')
  if (isRoot()) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim())
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim())
    chownSync(dir, uid, gid)
  }
  chmodSync(dir, 0o700)
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-instructions'])
  const port = await freePort()
  const settings = [
    `-c listen_addresses=127.0.0.1`,
    `-c port=${port}`,
    `-c unix_socket_directories=${dir}`,
    `-c max_connections=300`,
    ...(options.durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
    ...(options.settings ?? []).map((s) => `-c ${s}`)
  ].join(' ')
  run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-o', settings, '-w', '-t', '60', 'start'])
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`
  let counter = 0
  let stopped = false
  return {
    adminUrl,
    port,
    async createDatabase(name) {
      const db = name ?? `t${process.pid}_${Date.now()}_${counter++}`
      const client = new pg.Client({ connectionString: adminUrl })
      await client.connect()
      try {
        await client.query(`CREATE DATABASE "${db}"`)
      } finally {
        await client.end()
      }
      return `postgres://postgres@127.0.0.1:${port}/${db}`
    },
    stop() {
      if (stopped) return
      stopped = true
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'])
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    }
  }
}
