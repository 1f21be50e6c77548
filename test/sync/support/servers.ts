/**
 * Real sync servers for tests: the Fastify app over a real store (a fresh PostgreSQL database in
 * the run's throwaway cluster, or PGlite in a temporary folder), listening on 127.0.0.1.
 * `restart()` closes the app and the store and opens both again on the same data, as a process
 * restart would.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../../src/server/http/app'
import { openStore, type ServerStore } from '../../../src/server/store'
import type { AgentRole, Tier } from '../../../src/shared/domain/vocabulary'
import { freshDatabase } from '../../support/pg-database'

export const BACKENDS = ['postgres', 'pglite'] as const
export type Backend = (typeof BACKENDS)[number]

export interface TestServer {
  backend: Backend
  url: string
  store: ServerStore
  app: FastifyInstance
  /** Opens a second server process's worth (app + store) over the same data: PostgreSQL only. */
  sibling(): Promise<TestServer>
  restart(): Promise<void>
  stop(): Promise<void>
}

export interface StoreLocation {
  databaseUrl?: string
  dataDir?: string
}

export async function storeLocationFor(backend: Backend): Promise<{ location: StoreLocation; cleanup: () => void }> {
  if (backend === 'postgres') return { location: { databaseUrl: await freshDatabase('sync') }, cleanup: () => undefined }
  const dir = mkdtempSync(join(tmpdir(), 'handoff-pglite-'))
  return { location: { dataDir: join(dir, 'pgdata') }, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

export async function startTestServer(backend: Backend, given?: { location: StoreLocation; cleanup: () => void }): Promise<TestServer> {
  const { location, cleanup } = given ?? (await storeLocationFor(backend))
  let store = await openStore(location)
  let app = await buildApp({ store, heartbeatMs: 60_000 })
  let port = 0
  const listen = async () => {
    const address = await app.listen({ host: '127.0.0.1', port })
    port = Number(new URL(address).port)
    return address
  }
  const server: TestServer = {
    backend,
    url: await listen(),
    get store() {
      return store
    },
    get app() {
      return app
    },
    async sibling() {
      if (backend !== 'postgres') throw new Error('PGlite belongs to one process: no sibling servers')
      return startTestServer(backend, { location, cleanup: () => undefined })
    },
    async restart() {
      await app.close()
      await store.close()
      store = await openStore(location)
      app = await buildApp({ store, heartbeatMs: 60_000 })
      await listen() // the same port, so clients keep their URL
    },
    async stop() {
      await app.close()
      await store.close()
      cleanup()
    }
  } as TestServer
  return server
}

export interface NewAgent {
  id: string
  name: string
  role: AgentRole
  tiers?: Tier[]
}

/** Adds agents and returns their credentials by id. */
export async function addAgents(store: ServerStore, agents: readonly NewAgent[]): Promise<Record<string, string>> {
  const credentials: Record<string, string> = {}
  for (const a of agents) {
    const { credential } = await store.addAgent({ id: a.id, name: a.name, email: `${a.id}@example.com`, role: a.role, tiers: a.tiers ?? [], admin: false })
    credentials[a.id] = credential
  }
  return credentials
}

/** A team of four: a frontline agent, tier 1 and tier 2 specialists, a supervisor. */
export const TEAM: readonly NewAgent[] = [
  { id: 'dana', name: 'Dana Reyes', role: 'service' },
  { id: 'sam', name: 'Sam Okafor', role: 'support', tiers: [1] },
  { id: 'mei', name: 'Mei Tanaka', role: 'support', tiers: [2] },
  { id: 'lee', name: 'Lee Park', role: 'supervisor' }
]
