import { createHash } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test, expect } from './fixtures'

const corrupt = Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(8192, 0x5a)])
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

test.describe('a corrupt database file', () => {
  test.use({ harnessOptions: { prepare: (dir) => writeFile(join(dir, 'handoff.sqlite'), corrupt) } })

  test('is refused with a clear message and left untouched', async ({ page, harness }) => {
    await page.goto(harness.url)
    await expect(page.getByRole('heading', { name: 'Handoff cannot open this database' })).toBeVisible()
    await harness.stop()
    expect(sha(await readFile(harness.dbFile))).toBe(sha(corrupt))
  })
})

test('the harness socket refuses calls without the per-run token and bad arguments with typed errors', async ({ request, harness, openDb }) => {
  const noToken = await request.post(`${harness.origin}/rpc/session.get`, { data: {} })
  expect(noToken.status()).toBe(401)

  const headers = { 'x-handoff-token': harness.token }
  const unknown = await request.post(`${harness.origin}/rpc/item.get`, { data: { itemId: 'no-such-item' }, headers })
  expect((await unknown.json()).error.code).toBe('not_found')

  const wrongType = await request.post(`${harness.origin}/rpc/item.reply`, { data: { itemId: 42, body: ['x'] }, headers })
  const wrong = await wrongType.json()
  expect(wrong.ok).toBe(false)
  expect(wrong.error.code).toBe('invalid_argument')

  const huge = await request.post(`${harness.origin}/rpc/item.addNote`, { data: { itemId: 'x', body: 'y'.repeat(400_000) }, headers })
  expect(huge.status()).toBe(413)

  const db = openDb()
  expect((db.prepare(`SELECT count(*) AS n FROM outbox`).get() as { n: number }).n).toBe(0)
})
