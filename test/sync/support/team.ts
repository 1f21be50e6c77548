/**
 * The usual setting of a sync integration test file: one real server (PGlite by default) with the
 * TEAM as its agents, started before the file's tests, and consoles (real cores on their own
 * SQLite files) signed in to it as any of them; everything is closed after the file.
 */
import { afterAll, beforeAll } from 'vitest'
import { createCore, type Core } from '../../../src/core/core'
import { memoryVault } from '../../../src/core/sync/credentials'
import { ok, tempFile } from '../../core/helpers/workspace'
import { TEAM, addAgents, startTestServer, type Backend, type TestServer } from './servers'

export interface TeamServer {
  /** The server (once the file's beforeAll ran). */
  readonly server: TestServer
  /** Each agent's credential, by agent id. */
  readonly cred: Record<string, string>
  /** A new console signed in as the agent (its sign-in answered; not yet waited online). */
  consoleFor(agentId: string): Promise<Core>
}

export function teamServer(backend: Backend = 'pglite', opts: { pollMs?: number } = {}): TeamServer {
  let server: TestServer | undefined
  let cred: Record<string, string> = {}
  const cores: Core[] = []
  beforeAll(async () => {
    server = await startTestServer(backend)
    cred = await addAgents(server.store, TEAM)
  })
  afterAll(async () => {
    for (const c of cores) c.close()
    await server?.stop()
  })
  const started = (): TestServer => {
    if (!server) throw new Error('The team server starts in beforeAll')
    return server
  }
  return {
    get server() {
      return started()
    },
    get cred() {
      return cred
    },
    async consoleFor(agentId) {
      const core = createCore({ file: tempFile(), vault: memoryVault(), sync: { pollMs: opts.pollMs ?? 1000 } })
      cores.push(core)
      ok(await core.dispatch('sync.signIn', { serverUrl: started().url, credential: cred[agentId]! }))
      return core
    }
  }
}
