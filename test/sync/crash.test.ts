/**
 * Crash tests: nothing lost, nothing doubled.
 * - A console process is killed (SIGKILL) after committing replies locally but before pushing
 *   them, and after its push was applied by the server but before the answer came back. A
 *   console reopened on the same file sends what is left; the server applies each reply once.
 * - The server process is killed (SIGKILL) after committing a push and before its answer
 *   reached the console. Restarted on the same store, it answers the console's resend as a
 *   duplicate; each reply exists once.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCore, type Core } from '../../src/core/core'
import { memoryVault } from '../../src/core/sync/credentials'
import type { ItemDetail, SyncStatus } from '../../src/shared/contract'
import { runCli, startServerProcess, type ServerProcess } from '../../scripts/harness/server-process'
import { freshDatabase } from '../support/pg-database'
import { ok, tempDir, tempFile } from '../core/helpers/workspace'
import { call, createItemArgs, mutation, newClientId } from './support/http'
import { TEAM, addAgents, startTestServer, type TestServer } from './support/servers'
import { until as waitUntil } from '../support/until'

const root = fileURLToPath(new URL('../..', import.meta.url))
const until = (what: string, check: () => boolean | Promise<boolean>, ms = 30_000) => waitUntil(what, check, ms, 50)
const status = (core: Core) => ok<SyncStatus>(core.dispatch('sync.status', {}))
const replies = (core: Core, itemId: string) =>
  ok<ItemDetail>(core.dispatch('item.get', { itemId }))
    .thread.flatMap((e) => (e.type === 'message' && e.message.kind === 'reply' ? [e.message.body] : []))
    .sort()

/** Makes an item on the server, binds a console file to Dana and syncs it; returns the file (core closed). */
async function boundFile(serverUrl: string, credentials: Record<string, string>): Promise<{ file: string; itemId: string }> {
  const m = mutation(1, 'lee', 'item.create', createItemArgs('Crash test item'))
  expect((await call(serverUrl, '/v1/push', { credential: credentials.lee!, body: { clientId: newClientId(), mutations: [m] } })).status).toBe(200)
  const file = tempFile()
  const core = createCore({ file, vault: memoryVault() })
  ok(await core.dispatch('sync.signIn', { serverUrl, credential: credentials.dana! }))
  await until('the item arrives', () => {
    const rows = ok<{ rows: { id: string }[] }>(core.dispatch('inbox.page', { filter: {}, sort: { column: 'age', direction: 'desc' }, offset: 0, limit: 10 })).rows
    return rows.some((r) => r.id === m.mutationId)
  })
  core.close()
  return { file, itemId: m.mutationId }
}

describe('a console killed around its push', () => {
  let server: TestServer
  afterAll(async () => server?.stop())

  let credentials: Record<string, string>
  beforeAll(async () => {
    server = await startTestServer('postgres')
    credentials = await addAgents(server.store, TEAM)
  })

  it.each(['before-push', 'after-push'] as const)('killed %s: every reply reaches the server exactly once', async (mode) => {
    const { file, itemId } = await boundFile(server.url, credentials)

    // tsx as a loader: one process, so the SIGKILL kills the console itself.
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/sync/support/crash-client.ts')], {
      cwd: root,
      env: { ...process.env, FILE: file, CREDENTIAL: credentials.dana!, ITEM: itemId, COUNT: '5', MODE: mode },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    const trigger = mode === 'before-push' ? 'push-attempted' : 'pushed 1'
    await until(`the console to reach "${trigger}"`, () => out.includes(trigger) || child.exitCode !== null)
    child.kill('SIGKILL')
    await once(child, 'exit')
    const ids = /committed ([^\n]+)/.exec(out)?.[1]?.split(' ') ?? []
    expect(ids, err).toHaveLength(5)

    const before = await server.store.sql.query<{ n: string }>('SELECT count(*) AS n FROM mutations WHERE mutation_id = ANY($1::uuid[])', [ids])
    expect(Number(before.rows[0]!.n)).toBe(mode === 'before-push' ? 0 : 5)

    // The agent starts the console again.
    const core = createCore({ file, vault: memoryVault(credentials.dana!) })
    try {
      await until('the outbox is confirmed', () => status(core).pending === 0 && status(core).state === 'online')
      const handled = await server.store.sql.query<{ mutation_id: string; status: string }>('SELECT mutation_id::text AS mutation_id, status FROM mutations WHERE mutation_id = ANY($1::uuid[])', [ids])
      expect(handled.rows.map((r) => r.mutation_id).sort()).toEqual(ids.map((i) => i.toLowerCase()).sort())
      expect(handled.rows.every((r) => r.status === 'applied')).toBe(true)
      const onServer = await server.store.sql.query<{ body: string }>("SELECT body FROM messages WHERE item_id = $1 AND kind = 'reply' ORDER BY body", [itemId])
      expect(onServer.rows.map((r) => r.body)).toEqual(['Crash-test reply 1', 'Crash-test reply 2', 'Crash-test reply 3', 'Crash-test reply 4', 'Crash-test reply 5'])
      expect(replies(core, itemId)).toEqual(['Crash-test reply 1', 'Crash-test reply 2', 'Crash-test reply 3', 'Crash-test reply 4', 'Crash-test reply 5'])
    } finally {
      core.close()
    }
  }, 90_000)
})

describe.each(['postgres', 'pglite'] as const)('the server killed between its commit and its answer (%s)', (backend) => {
  const running: ServerProcess[] = []
  afterAll(async () => {
    for (const s of running) await s.stop()
  })

  it('loses nothing and applies nothing twice', async () => {
    const store = backend === 'postgres' ? { databaseUrl: await freshDatabase('crash') } : { data: join(tempDir('handoff-crash-'), 'server') }
    const credentials: Record<string, string> = {}
    for (const a of TEAM) {
      const added = await runCli<{ credential: string }>(store, ['agent', 'add', '--id', a.id, '--name', a.name, '--email', `${a.id}@example.com`, '--role', a.role, ...(a.tiers ? ['--tiers', a.tiers.join(',')] : [])])
      credentials[a.id] = added.credential
    }
    let server = await startServerProcess(store)
    running.push(server)
    const port = Number(new URL(server.url).port)
    const { file, itemId } = await boundFile(server.url, credentials)

    // The console's network: the first push reaches the server, which commits; then the server
    // dies before its answer is read.
    let killed = false
    const crashingFetch: typeof fetch = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input)
      const response = await fetch(input, init)
      if (url.endsWith('/v1/push') && !killed) {
        killed = true
        await server.kill()
        throw new TypeError('fetch failed (connection reset)')
      }
      return response
    }
    const core = createCore({ file, vault: memoryVault(credentials.dana!), fetch: crashingFetch, sync: { random: () => 0.01 } })
    try {
      const ids: string[] = []
      for (let i = 0; i < 3; i++) ids.push(ok<{ mutationId: string }>(core.dispatch('item.reply', { itemId, body: `Crash-test reply ${i + 1}` })).mutationId)
      await until('the server is killed', () => killed)
      expect(status(core), JSON.stringify(status(core))).toMatchObject({ pending: 3 })

      server = await startServerProcess(store, { port })
      running.push(server)
      await until('the outbox is confirmed', () => status(core).pending === 0 && status(core).state === 'online')

      expect(replies(core, itemId)).toEqual(['Crash-test reply 1', 'Crash-test reply 2', 'Crash-test reply 3'])
      // A fresh supervisor sync sees each reply once.
      const pulled = await call<{ messages: { body: string }[] }>(server.url, '/v1/pull', { credential: credentials.lee!, body: { clientId: newClientId(), cursor: null } })
      expect(pulled.body.messages.filter((m) => m.body.startsWith('Crash-test reply')).map((m) => m.body).sort()).toEqual(['Crash-test reply 1', 'Crash-test reply 2', 'Crash-test reply 3'])
      if (backend === 'postgres') {
        const client = new pg.Client({ connectionString: store.databaseUrl })
        await client.connect()
        try {
          const { rows } = await client.query<{ status: string }>('SELECT status FROM mutations WHERE mutation_id = ANY($1::uuid[])', [ids])
          expect(rows.map((r) => r.status)).toEqual(['applied', 'applied', 'applied'])
        } finally {
          await client.end()
        }
      }
    } finally {
      core.close()
    }
  }, 120_000)
})
