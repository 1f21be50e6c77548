/**
 * attachments.save and channels.health, the core operations, against the real sync server over
 * HTTP (PGlite store): a customer's email with files is ingested on the server, a signed-in
 * console pulls it and saves a file under its workspace folder, byte for byte; a refused one says
 * why; the server's 404 and 410 come through as such; a transfer of the wrong size saves nothing;
 * a saved file is reused offline; a local or signed-out workspace is told what it needs.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCore, type Core } from '../../src/core/core'
import { memoryVault } from '../../src/core/sync/credentials'
import { ingestEmail } from '../../src/server/channels/ingest'
import { parseInboundEmail } from '../../src/server/channels/email/parse'
import type { ChannelsHealth, Envelope, HandoffErrorData, ItemDetail, SavedAttachment, SyncStatus } from '../../src/shared/contract'
import { ok, tempFile } from '../core/helpers/workspace'
import { until as waitUntil } from '../support/until'
import { emailWithFiles } from './support/emails'
import { call } from './support/http'
import { TEAM, addAgents, startTestServer, type TestServer } from './support/servers'

const PDF = Buffer.concat([Buffer.from('%PDF-1.7\r\n'), Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 31) % 256))])
const SHEET = Buffer.from('a,b\r\n1,2\r\n')
const PHOTO = Buffer.alloc(2048, 0xaa)
const NOTE = Buffer.from('remember the milk')

let server: TestServer
let cred: Record<string, string>
const cores: Core[] = []
const files = new Map<Core, string>()
let dana: Core
let lee: Core
let itemId: string
/** The attachments of the email, by name, as the console lists them. */
const ids: Record<string, string> = {}

const status = (c: Core) => ok<SyncStatus>(c.dispatch('sync.status', {}))
const failure = (e: Envelope<unknown>): HandoffErrorData => {
  if (e.ok) throw new Error(`Expected a refusal, got ${JSON.stringify(e.value).slice(0, 200)}`)
  return e.error
}
const until = (what: string, check: () => boolean | Promise<boolean>, ms = 20_000) => waitUntil(what, check, ms, 25)
const save = (c: Core, attachmentId: string) => c.dispatch('attachments.save', { attachmentId })

async function consoleFor(agentId: string): Promise<Core> {
  const file = tempFile()
  const core = createCore({ file, vault: memoryVault(), sync: { pollMs: 500 } })
  files.set(core, file)
  cores.push(core)
  ok(await core.dispatch('sync.signIn', { serverUrl: server.url, credential: cred[agentId]! }))
  await until(`${agentId} online`, () => status(core).state === 'online')
  return core
}

beforeAll(async () => {
  server = await startTestServer('pglite')
  cred = await addAgents(server.store, TEAM)
  await server.store.sql.query(`INSERT INTO channels (id, kind, name, address, config) VALUES ('support', 'email', 'Support', 'support@handoff.example', '{}')`)
  const email = await parseInboundEmail(
    emailWithFiles({
      messageId: '<files@customer.example>',
      files: [
        { name: 'report: Q1?.pdf', type: 'application/pdf', bytes: PDF },
        { name: 'sheet.csv', type: 'text/csv', bytes: SHEET },
        { name: 'photo.jpg', type: 'image/jpeg', bytes: PHOTO },
        { name: 'note.txt', type: 'text/plain', bytes: NOTE },
        { name: 'huge.iso', type: 'application/octet-stream', bytes: Buffer.alloc(9000, 1) }
      ]
    }),
    { maxAttachmentBytes: 8192 }
  )
  const out = await ingestEmail(server.store, { id: 'support' }, email)
  if (out.status !== 'item') throw new Error(out.status)
  itemId = out.itemId
  dana = await consoleFor('dana')
  lee = await consoleFor('lee')
  const attachments = () => {
    const detail = dana.dispatch('item.get', { itemId }) as Envelope<ItemDetail>
    if (!detail.ok) return []
    return detail.value.thread.flatMap((e) => (e.type === 'message' ? e.attachments : []))
  }
  await until('dana has the email and its files', () => attachments().length === 5)
  for (const a of attachments()) ids[a.name] = a.id
}, 90_000)

afterAll(async () => {
  for (const c of cores) c.close()
  await server?.stop().catch(() => undefined)
})

describe('attachments.save', () => {
  it('saves the exact bytes under the workspace folder, in attachments/<id>/ with a name safe for any file system', async () => {
    const saved = ok<SavedAttachment>(await save(dana, ids['report: Q1?.pdf']!))
    const folder = dirname(files.get(dana)!)
    expect(saved).toEqual({ path: join(folder, 'attachments', ids['report: Q1?.pdf']!, 'report_ Q1_.pdf'), name: 'report_ Q1_.pdf', size: PDF.length })
    expect(readFileSync(saved.path).equals(PDF)).toBe(true)
    // Nothing else was left behind (no temporary file).
    expect(readdirSync(dirname(saved.path))).toEqual(['report_ Q1_.pdf'])
    // Again: the same file, reused.
    expect(ok<SavedAttachment>(await save(dana, ids['report: Q1?.pdf']!))).toEqual(saved)
  })

  it('says why for a file the server refused to keep, without asking it', async () => {
    const error = failure(await save(dana, ids['huge.iso']!))
    expect(error).toEqual({ code: 'rejected', message: 'The server did not keep “huge.iso”: 8.8 kB is over the 8.0 kB limit.' })
  })

  it('refuses an id this workspace does not have', async () => {
    expect(failure(await save(dana, 'no-such-attachment'))).toEqual({ code: 'not_found', message: 'This attachment is not in this workspace.' })
  })

  it('passes on the server’s 404 and 410, and saves nothing when the bytes are not the size listed', async () => {
    await server.store.sql.query('DELETE FROM attachments WHERE id = $1', [ids['sheet.csv']])
    const missing = failure(await save(dana, ids['sheet.csv']!))
    expect(missing.code).toBe('not_found')
    expect(missing.message).toMatch(/The server has no attachment “sheet\.csv” for you/)

    await server.store.sql.query(`UPDATE attachments SET content = NULL, refused = 'it carried a virus' WHERE id = $1`, [ids['photo.jpg']])
    expect(failure(await save(dana, ids['photo.jpg']!))).toEqual({ code: 'rejected', message: 'The server did not keep this attachment: it carried a virus.' })

    await server.store.sql.query('UPDATE attachments SET content = $2 WHERE id = $1', [ids['note.txt'], Buffer.from('remember the milk and the eggs')])
    const short = failure(await save(dana, ids['note.txt']!))
    expect(short.code).toBe('unreachable')
    expect(short.message).toMatch(/“note\.txt” did not arrive whole: .*Nothing was saved/)
    expect(existsSync(join(dirname(files.get(dana)!), 'attachments', ids['note.txt']!, 'note.txt'))).toBe(false)
    expect(readdirSync(join(dirname(files.get(dana)!), 'attachments', ids['note.txt']!))).toEqual([])
  })

  it('tells a local workspace that attachments need a server', async () => {
    const file = tempFile()
    const local = createCore({ file, vault: memoryVault(), seedDemoIfEmpty: true })
    cores.push(local)
    // A file listed on a message, as if it had come in (a local workspace never pulls one).
    const db = new Database(file)
    try {
      const rid = db.prepare(`SELECT rid FROM messages WHERE kind = 'customer' LIMIT 1`).pluck().get() as number
      db.prepare(`INSERT INTO attachments (id, message_rid, position, name, content_type, size, refused) VALUES ('local-file', ?, 0, 'a.txt', 'text/plain', 3, NULL)`).run(rid)
    } finally {
      db.close()
    }
    expect(failure(await save(local, 'local-file'))).toEqual({ code: 'not_signed_in', message: 'Attachments are kept on the server: connect this workspace to a server to save them.' })
  })
})

describe('channels.health', () => {
  it('gives a supervisor the server’s answer', async () => {
    const mine = ok<ChannelsHealth>(await lee.dispatch('channels.health', {}))
    const direct = await call<ChannelsHealth>(server.url, '/v1/channels', { credential: cred.lee! })
    expect(mine.channels).toEqual(direct.body.channels)
    expect(mine.channels).toHaveLength(1)
    expect(mine.channels[0]).toMatchObject({ id: 'support', name: 'Support', inbound: { items: 1, ignored: 0, refused: 0 } })
  })

  it('refuses another agent before asking, and tells a local workspace that channels need a server', async () => {
    expect(failure(await dana.dispatch('channels.health', {}))).toEqual({ code: 'rejected', rejection: 'forbidden', message: 'Only a supervisor can see the channels.' })
    const local = createCore({ file: tempFile(), vault: memoryVault(), seedDemoIfEmpty: true })
    cores.push(local)
    expect(failure(await local.dispatch('channels.health', {}))).toEqual({
      code: 'not_signed_in',
      message: 'Channels run on a sync server: connect this workspace to a server to see them.'
    })
  })
})

describe('without the server', () => {
  it('reuses a saved file offline, and says the server cannot be reached for one not saved yet', async () => {
    const saved = ok<SavedAttachment>(await save(lee, ids['report: Q1?.pdf']!))
    await server.stop()
    expect(ok<SavedAttachment>(await save(lee, ids['report: Q1?.pdf']!))).toEqual(saved)
    expect(readFileSync(saved.path).equals(PDF)).toBe(true)
    const offline = failure(await save(dana, ids['note.txt']!))
    expect(offline.code).toBe('unreachable')
    expect(offline.message).toMatch(/The server cannot be reached, so “note\.txt” cannot be downloaded now/)
    const health = failure(await lee.dispatch('channels.health', {}))
    expect(health.code).toBe('unreachable')
  })

  it('tells a signed-out console to sign in again', async () => {
    ok(dana.dispatch('sync.signOut', {}))
    await until('dana signed out', () => status(dana).state === 'signed_out')
    expect(failure(await save(dana, ids['note.txt']!))).toEqual({ code: 'not_signed_in', message: 'You are signed out of the server: sign in again to save attachments.' })
  })
})
