/** The server store's migrations and agents, on a real PostgreSQL and on PGlite. */
import pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import { SchemaTooNewError, SCHEMA_VERSION, openStore, type ServerStore } from '../../src/server/store'
import { freshDatabase } from '../support/pg-database'

const backends = [
  { name: 'postgres', url: () => freshDatabase('store') },
  { name: 'pglite', url: async () => undefined }
] as const

describe.each(backends)('store on $name', ({ name, url }) => {
  const open: ServerStore[] = []
  const openOne = async (databaseUrl?: string) => {
    const store = await openStore(databaseUrl ? { databaseUrl } : {})
    open.push(store)
    return store
  }
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close()
  })

  describe('migrations', () => {
    it('creates a fresh store with a server id and the current version', async () => {
      const store = await openOne(await url())
      expect(store.kind).toBe(name)
      expect(store.serverId()).toMatch(/^[0-9a-f-]{36}$/)
      const { rows } = await store.sql.query<{ version: number }>('SELECT version FROM schema_version')
      expect(rows).toEqual([{ version: SCHEMA_VERSION }])
      for (const table of ['server_meta', 'agents', 'clients', 'mutations', 'customers', 'items', 'messages', 'item_events', 'ratings', 'views', 'settings', 'changes']) {
        await expect(store.sql.query(`SELECT count(*) FROM ${table}`)).resolves.toBeTruthy()
      }
    })

    it('refuses a store whose schema is newer than the code', async () => {
      const store = await openOne(await url())
      await store.sql.query('UPDATE schema_version SET version = $1', [SCHEMA_VERSION + 1])
      const { migrate } = await import('../../src/server/store/migrate')
      const error = await migrate(store.sql).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(SchemaTooNewError)
      expect((error as Error).message).toMatch(new RegExp(`schema version ${SCHEMA_VERSION + 1}.*up to ${SCHEMA_VERSION}.*upgrade the server`))
    })
  })

  describe('agents', () => {
    it('adds an agent whose credential authenticates; wrong, malformed and disabled ones do not', async () => {
      const store = await openOne(await url())
      const { agent, credential } = await store.addAgent({ id: 'ann', name: 'Ann', email: 'ann@example.com', role: 'support', tiers: [2, 1], admin: true })
      expect(agent).toMatchObject({ id: 'ann', name: 'Ann', role: 'support', tiers: [1, 2], admin: true, disabled: false })
      expect(credential).toMatch(/^hf1\.ann\.[A-Za-z0-9_-]{43}$/)
      expect((await store.authenticate(credential))?.id).toBe('ann')
      expect(await store.authenticate(credential)).not.toBeNull() // the remembered path
      const secret = credential.split('.')[2]!
      const wrong = `hf1.ann.${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`
      expect(await store.authenticate(wrong)).toBeNull()
      expect(await store.authenticate('hf1.nobody.' + secret)).toBeNull()
      expect(await store.authenticate('Bearer nonsense')).toBeNull()
      expect(await store.authenticate('')).toBeNull()

      const { rows } = await store.sql.query<{ credential_hash: string }>('SELECT credential_hash FROM agents WHERE id = $1', ['ann'])
      expect(rows[0]!.credential_hash).not.toContain(secret)
      expect(rows[0]!.credential_hash).toMatch(/^scrypt\$/)

      await store.setDisabled('ann', true)
      expect(await store.authenticate(credential)).toBeNull()
      await store.setDisabled('ann', false)
      expect((await store.authenticate(credential))?.id).toBe('ann')

      const fresh = await store.resetCredential('ann')
      expect(await store.authenticate(credential)).toBeNull()
      expect((await store.authenticate(fresh))?.id).toBe('ann')

      const second = await store.addAgent({ name: 'Bo', email: 'bo@example.com', role: 'service', tiers: [], admin: false })
      expect((await store.authenticate(second.credential))?.id).toBe(second.agent.id)
      expect((await store.listAgents()).map((a) => a.id).sort()).toEqual(['ann', second.agent.id].sort())
      expect((await store.agentById('ann'))?.name).toBe('Ann')
      expect(await store.agentById('zed')).toBeNull()
      await expect(store.addAgent({ id: 'ann', name: 'Again', email: '', role: 'service', tiers: [], admin: false })).rejects.toMatchObject({ code: 'bad_request' })
      await expect(store.setDisabled('zed', true)).rejects.toMatchObject({ code: 'not_found' })
      await expect(store.resetCredential('zed')).rejects.toMatchObject({ code: 'not_found' })
    })
  })
})

describe('migrations on one PostgreSQL', () => {
  it('re-opening is a no-op and two servers starting at once migrate once', async () => {
    const databaseUrl = await freshDatabase('store')
    const [a, b, c] = await Promise.all([openStore({ databaseUrl }), openStore({ databaseUrl }), openStore({ databaseUrl })])
    try {
      expect(new Set([a.serverId(), b.serverId(), c.serverId()]).size).toBe(1)
      await a.addAgent({ id: 'x', name: 'X', email: '', role: 'service', tiers: [], admin: false })
      const again = await openStore({ databaseUrl })
      expect(again.serverId()).toBe(a.serverId())
      expect((await again.listAgents()).map((x) => x.id)).toEqual(['x'])
      await again.close()
      const client = new pg.Client({ connectionString: databaseUrl })
      await client.connect()
      const { rows } = await client.query('SELECT version FROM schema_version')
      await client.end()
      expect(rows).toEqual([{ version: SCHEMA_VERSION }])
    } finally {
      await Promise.all([a.close(), b.close(), c.close()])
    }
  })

  it('a store migrated by a newer server is refused at open', async () => {
    const databaseUrl = await freshDatabase('store')
    const store = await openStore({ databaseUrl })
    await store.sql.query('UPDATE schema_version SET version = 99')
    await store.close()
    await expect(openStore({ databaseUrl })).rejects.toBeInstanceOf(SchemaTooNewError)
  })
})

describe('PGlite on disk', () => {
  it('keeps its data and server id across a re-open', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    const dir = mkdtempSync(join(tmpdir(), 'handoff-store-'))
    try {
      const a = await openStore({ dataDir: dir })
      await a.addAgent({ id: 'x', name: 'X', email: '', role: 'service', tiers: [], admin: false })
      const id = a.serverId()
      await a.close()
      const b = await openStore({ dataDir: dir })
      expect(b.serverId()).toBe(id)
      expect((await b.listAgents()).map((x) => x.id)).toEqual(['x'])
      await b.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
