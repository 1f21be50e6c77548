import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'

const root = fileURLToPath(new URL('../..', import.meta.url))

export interface HarnessProcess {
  url: string
  origin: string
  token: string
  dataDir: string
  dbFile: string
  output: () => string
  stop(): Promise<void>
}

/** Starts `npm run harness` as a user would (through tsx), on a free port, and waits for its URL line. */
export async function startHarness(dataDir: string, opts: { empty?: boolean } = {}): Promise<HarnessProcess> {
  const args = [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'scripts/harness.ts'), '--data', dataDir, '--port', '0']
  if (opts.empty) args.push('--empty')
  const child: ChildProcess = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
  let log = ''
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`harness did not start in 60 s:\n${log}`)), 60_000)
    child.stdout?.on('data', (d: Buffer) => {
      log += d.toString()
      const m = /Handoff harness: (http:\/\/127\.0\.0\.1:\d+\/#token=([A-Za-z0-9_-]+))/.exec(log)
      if (m?.[1]) {
        clearTimeout(timer)
        resolve(m[1])
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`harness exited with ${code}:\n${log}`))
    })
  })
  const parsed = new URL(url)
  return {
    url,
    origin: parsed.origin,
    token: parsed.hash.replace('#token=', ''),
    dataDir,
    dbFile: join(dataDir, 'handoff.sqlite'),
    output: () => log,
    async stop() {
      if (child.exitCode !== null) return
      child.kill('SIGTERM')
      await once(child, 'exit')
    }
  }
}
