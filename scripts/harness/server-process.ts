/**
 * Starts `npm run server` (through tsx, as a user would) as a child process on a free port and
 * waits for its "listening" line; and runs `npm run cli` commands. Used by the end-to-end tests,
 * the crash tests and the sync benchmark.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))
const tsx = join(root, 'node_modules/tsx/dist/cli.mjs')

export type ServerStoreArgs = { databaseUrl: string } | { data: string }

const storeArgs = (store: ServerStoreArgs): string[] => ('databaseUrl' in store ? ['--database-url', store.databaseUrl] : ['--data', store.data])

export interface ServerProcess {
  url: string
  pid: number
  output: () => string
  /** SIGTERM and wait: a clean stop. */
  stop(): Promise<void>
  /** SIGKILL and wait: a crash. */
  kill(): Promise<void>
}

export async function startServerProcess(store: ServerStoreArgs, opts: { port?: number } = {}): Promise<ServerProcess> {
  // One process (tsx as a loader, not tsx's CLI, which would run the server in a child of its
  // own): a SIGKILL then kills the server itself, as a crash would.
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/server/main.ts'), ...storeArgs(store), '--port', String(opts.port ?? 0), '--quiet'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let log = ''
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 60 s:\n${log}`)), 60_000)
    child.stdout?.on('data', (d: Buffer) => {
      log += d.toString()
      const m = /Handoff server listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(log)
      if (m?.[1]) {
        clearTimeout(timer)
        resolve(m[1])
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`server exited with ${code}:\n${log}`))
    })
  })
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill(signal)
    await once(child, 'exit')
  }
  return { url, pid: child.pid ?? -1, output: () => log, stop: () => end('SIGTERM'), kill: () => end('SIGKILL') }
}

/** Runs `npm run cli -- ARGS --json` and parses its JSON line. */
export async function runCli<T = unknown>(store: ServerStoreArgs, args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [tsx, join(root, 'src/server/cli.ts'), ...args, ...storeArgs(store), '--json'], { cwd: root }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`cli ${args.join(' ')} failed: ${stderr || error.message}`))
      try {
        resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as T)
      } catch {
        reject(new Error(`cli ${args.join(' ')} printed no JSON: ${stdout}`))
      }
    })
  })
}
