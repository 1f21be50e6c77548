/** Where a saved attachment goes: whatever the server and the customer named it, one safe segment under attachments/. */
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { MAX_NAME_BYTES, attachmentPlace, folderOf, safeFileName } from '../../src/core/attachments/file-names'

describe('safeFileName', () => {
  it.each([
    ['invoice.pdf', 'invoice.pdf'],
    ['../../etc/passwd', '_.._etc_passwd'],
    ['..', 'attachment'],
    ['.bashrc', 'bashrc'],
    ['C:\\Windows\\evil.dll', 'C__Windows_evil.dll'],
    ['a<b>c:"d"|e?f*g.txt', 'a_b_c__d__e_f_g.txt'],
    ['invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['line\r\nbreak\u0000.txt', 'linebreak.txt'],
    ['trailing dots...  ', 'trailing dots'],
    ['CON', '_CON'],
    ['nul.txt', '_nul.txt'],
    ['', 'attachment'],
    ['   ', 'attachment'],
    ['Rechnung März.pdf', 'Rechnung März.pdf']
  ])('%j -> %j', (given, expected) => {
    expect(safeFileName(given)).toBe(expected)
  })

  it('cuts a long name to the byte limit, keeping its extension and whole characters', () => {
    const name = safeFileName(`${'ä'.repeat(300)}.pdf`)
    expect(Buffer.byteLength(name, 'utf8')).toBeLessThanOrEqual(MAX_NAME_BYTES)
    expect(name.endsWith('ä.pdf')).toBe(true)
    expect(name).not.toContain('\uFFFD')
  })
})

describe('attachmentPlace', () => {
  it('is always attachments/<folder>/<name> under the workspace folder', () => {
    for (const [id, name] of [
      ['0190a8c2-0000-7000-8000-000000000000', 'a.txt'],
      ['../../outside', '../../x'],
      ['a/b', '/abs/path'],
      ['..', '..']
    ] as const) {
      const place = attachmentPlace('/data/ws', id, name)
      const rel = relative('/data/ws/attachments', place.path).split(/[\\/]/)
      expect(rel).toHaveLength(2)
      expect(rel[0]).toBe(folderOf(id))
      expect(rel).not.toContain('..')
      expect(place.path).toBe(join(place.dir, place.name))
    }
    expect(folderOf('../../outside')).toMatch(/^[0-9a-f]{40}$/)
    expect(folderOf('0190a8c2-0000-7000-8000-000000000000')).toBe('0190a8c2-0000-7000-8000-000000000000')
  })
})
