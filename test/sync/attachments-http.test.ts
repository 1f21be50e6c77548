/**
 * GET /v1/attachments/:id over real HTTP, on PostgreSQL and PGlite: an email ingested with a
 * binary attachment (kept) and one over the channel's limit (refused); the bytes come back exact
 * with the headers that keep a browser from rendering them; only within the agent's scope, a
 * missing id and an out-of-scope one answering the same 404; a refused one 410 with why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ingestEmail } from '../../src/server/channels/ingest'
import { parseInboundEmail } from '../../src/server/channels/email/parse'
import { contentDisposition } from '../../src/server/http/attachment-routes'
import { emailWithFiles } from './support/emails'
import { BACKENDS, TEAM, addAgents, startTestServer, type TestServer } from './support/servers'

/** Every byte value, twice, and a few more: what a text-minded path would mangle. */
const BYTES = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.from(Array.from({ length: 256 }, (_, i) => 255 - i)), Buffer.from('%PDF\r\n\0end')])

describe.each(BACKENDS)('GET /v1/attachments/:id (%s)', (backend) => {
  let server: TestServer
  let cred: Record<string, string>
  let kept: string
  let refused: string
  let itemId: string

  const get = (id: string, credential: string | null) => fetch(`${server.url}/v1/attachments/${encodeURIComponent(id)}`, credential ? { headers: { authorization: `Bearer ${credential}` } } : {})

  beforeAll(async () => {
    server = await startTestServer(backend)
    cred = await addAgents(server.store, TEAM)
    await server.store.sql.query(`INSERT INTO channels (id, kind, name, address, config) VALUES ('support', 'email', 'Support', 'support@handoff.example', '{}')`)
    const email = await parseInboundEmail(
      emailWithFiles({
        messageId: `<files.${backend}@customer.example>`,
        files: [
          { name: 'Rechnung März "final".pdf', type: 'application/pdf', bytes: BYTES },
          { name: 'huge.bin', type: 'application/octet-stream', bytes: Buffer.alloc(5000, 1) }
        ]
      }),
      { maxAttachmentBytes: 4096 }
    )
    const out = await ingestEmail(server.store, { id: 'support' }, email)
    if (out.status !== 'item') throw new Error(out.status)
    itemId = out.itemId
    const { rows } = await server.store.sql.query<{ id: string }>('SELECT id FROM attachments WHERE message_id = $1 ORDER BY position', [out.messageId])
    ;[kept, refused] = rows.map((r) => r.id) as [string, string]
  })
  afterAll(async () => server?.stop())

  it('gives the exact bytes, as an attachment nothing renders, to an agent whose queue holds the item', async () => {
    const res = await get(kept, cred.dana!)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/octet-stream')
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="Rechnung M_rz _final_.pdf"; filename*=UTF-8''Rechnung%20M%C3%A4rz%20%22final%22.pdf`)
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.headers.get('content-length')).toBe(String(BYTES.length))
    expect(Buffer.from(await res.arrayBuffer()).equals(BYTES)).toBe(true)
    // A supervisor sees everything.
    const lee = await get(kept, cred.lee!)
    expect(lee.status).toBe(200)
    expect(Buffer.from(await lee.arrayBuffer()).equals(BYTES)).toBe(true)
  })

  it('answers an out-of-scope item exactly as a missing id: 404, the same body', async () => {
    const outOfScope = await get(kept, cred.sam!)
    const missing = await get('0190a8c2-0000-7000-8000-000000000000', cred.sam!)
    expect(outOfScope.status).toBe(404)
    expect(missing.status).toBe(404)
    const [a, b] = [await outOfScope.json(), await missing.json()]
    expect(a).toEqual(b)
    expect(a).toEqual({ error: { code: 'not_found', message: expect.stringMatching(/no such attachment/) as string } })
    // Assigned to Sam, the item is in his scope.
    await server.store.sql.query('UPDATE items SET assignee_id = $2 WHERE id = $1', [itemId, 'sam'])
    try {
      expect((await get(kept, cred.sam!)).status).toBe(200)
    } finally {
      await server.store.sql.query('UPDATE items SET assignee_id = NULL WHERE id = $1', [itemId])
    }
  })

  it('answers 410 with the reason for an attachment the server did not keep', async () => {
    const res = await get(refused, cred.dana!)
    expect(res.status).toBe(410)
    expect(await res.json()).toEqual({ error: { code: 'gone', message: 'The server did not keep this attachment: 4.9 kB is over the 4.0 kB limit.' } })
  })

  it('refuses without a valid credential (401) before looking anything up', async () => {
    expect((await get(kept, null)).status).toBe(401)
    expect((await get(kept, `hf1.dana.${'x'.repeat(43)}`)).status).toBe(401)
  })
})

describe('contentDisposition', () => {
  it('keeps a header one line and quotes nothing it should not, whatever the name', () => {
    expect(contentDisposition('a.txt')).toBe(`attachment; filename="a.txt"; filename*=UTF-8''a.txt`)
    expect(contentDisposition('ü\\"x\r\n.txt')).toBe(`attachment; filename="___x__.txt"; filename*=UTF-8''%C3%BC%5C%22x%0D%0A.txt`)
    expect(contentDisposition("it's (1).pdf")).toBe(`attachment; filename="it's (1).pdf"; filename*=UTF-8''it%27s%20%281%29.pdf`)
  })
})
