/**
 * The browser harness: the built renderer over the real core, in any browser, without Electron.
 * Replaces only the Electron IPC door with POST /rpc/<name> on 127.0.0.1, and its event channels
 * with GET /events (scripts/harness/server.ts, events.ts);
 * the core runs in the same worker as in the app (out/main/core-worker.js via src/core/worker/host.ts).
 *
 *   npm run harness -- --data DIR [--port PORT] [--empty]
 *
 * stdout carries exactly one line once ready: `Handoff harness: http://127.0.0.1:PORT/#token=TOKEN`.
 * Everything else goes to stderr. Runs until SIGINT/SIGTERM, then closes the database cleanly.
 */
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startCoreWorker } from '../src/core/worker/host'
import { memoryVault } from '../src/core/sync/credentials'
import { USAGE, parseHarnessArgs } from './harness/cli'
import { startHarnessServer } from './harness/server'

const root = fileURLToPath(new URL('..', import.meta.url))
const rendererDir = join(root, 'out/renderer')
const workerFile = join(root, 'out/main/core-worker.js')
const say = (line: string) => process.stderr.write(`${line}\n`)

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs)
  }
  return newest
}

/** Builds first when the output is missing; warns (only) when src/ changed since the last build. */
function ensureBuilt(): void {
  const missing = [join(rendererDir, 'index.html'), workerFile].filter((f) => !existsSync(f))
  if (missing.length > 0) {
    say(`Handoff harness: build output missing (${missing.map((f) => f.slice(root.length)).join(', ')}); running \`npm run build\` first…`)
    // The build's own output goes to stderr: stdout is reserved for the one ready line.
    const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 2, 2], shell: process.platform === 'win32' })
    if (build.status !== 0) {
      say('Handoff harness: `npm run build` failed; see above.')
      process.exit(1)
    }
    return
  }
  try {
    if (newestMtime(join(root, 'src')) > Math.min(statSync(join(rendererDir, 'index.html')).mtimeMs, statSync(workerFile).mtimeMs)) {
      say('Handoff harness: note: src/ changed since the last build; run `npm run build` to serve the current code.')
    }
  } catch {
    // Only a hint.
  }
}

async function main(): Promise<void> {
  let cli
  try {
    cli = parseHarnessArgs(process.argv.slice(2))
  } catch (error) {
    say(`Handoff harness: ${(error as Error).message}\n\n${USAGE}`)
    process.exit(2)
  }
  if (cli === 'help') {
    say(USAGE)
    return
  }
  ensureBuilt()

  const dataDir = resolve(cli.data)
  mkdirSync(dataDir, { recursive: true })
  const file = join(dataDir, 'handoff.sqlite')
  const seedDemoIfEmpty = !cli.empty && !existsSync(file)
  // The credential vault: in memory. The OS keychain (Electron's safeStorage) is a boundary the
  // harness cannot reach, so a harness signed in to a sync server forgets its credential on exit.
  const core = startCoreWorker(workerFile, { file, seedDemoIfEmpty }, { vault: memoryVault() })

  // Wait for the core to answer once (it opens, migrates and maybe seeds first). A refused
  // database is a valid state to serve (the renderer explains it); a core that cannot run is not.
  const first = await core.call('session.get', {})
  if (!first.ok && first.error.code === 'internal') {
    say(`Handoff harness: the core could not start: ${first.error.message}`)
    await core.close()
    process.exit(1)
  }
  if (!first.ok) say(`Handoff harness: the core answers ${first.error.code}: ${first.error.message}`)

  const token = randomBytes(32).toString('base64url')
  const server = await startHarnessServer({ rendererDir, call: (name, args) => core.call(name, args), onEvent: (listener) => core.onEvent(listener), token, port: cli.port })
  say(`Handoff harness: serving ${rendererDir} over ${file}${seedDemoIfEmpty ? ' (demo workspace seeded)' : ''}`)
  process.stdout.write(`Handoff harness: ${server.url}\n`)

  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    say(`Handoff harness: ${signal}, closing`)
    // Stop taking calls first, then close the database (WAL checkpoint) and end.
    void server
      .close()
      .then(() => core.close())
      .finally(() => process.exit(0))
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
}

main().catch((error: unknown) => {
  say(`Handoff harness: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
  process.exit(1)
})
