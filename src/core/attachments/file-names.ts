/**
 * Where a saved attachment goes: <workspace folder>/attachments/<id>/<name>. Both parts come from
 * the server, and the name from a customer: each is made a single, harmless path segment (no
 * separators, no "..", no control or direction-override characters, no names Windows reserves),
 * and the result is checked to stay under the attachments folder whatever they held.
 */
import { createHash } from 'node:crypto'
import { extname, isAbsolute, join, relative, resolve } from 'node:path'

/** The longest file name written, in UTF-8 bytes (file systems allow 255; room for a suffix). */
export const MAX_NAME_BYTES = 200

// C0 and C1 controls, DEL, and the bidirectional overrides that make "fdp.exe" look like "exe.pdf".
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g
// Separators and what Windows refuses in a name.
const FORBIDDEN = /[<>:"/\\|?*]/g
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i

/** Cuts `text` to at most `max` UTF-8 bytes, never inside a character. */
function cutToBytes(text: string, max: number): string {
  let out = ''
  let bytes = 0
  for (const ch of text) {
    const size = Buffer.byteLength(ch, 'utf8')
    if (bytes + size > max) break
    out += ch
    bytes += size
  }
  return out
}

/** A customer's file name as one safe segment; "attachment" when nothing of it is left. */
export function safeFileName(name: string): string {
  let n = name.normalize('NFC').replace(UNSAFE, '').replace(FORBIDDEN, '_').trim()
  // No hidden files and no "." or "..": leading dots go; trailing dots and spaces vanish on Windows.
  n = n.replace(/^[.\s]+/, '').replace(/[.\s]+$/, '')
  if (WINDOWS_RESERVED.test(n)) n = `_${n}`
  if (Buffer.byteLength(n, 'utf8') > MAX_NAME_BYTES) {
    const ext = extname(n)
    const keep = ext.length > 1 && Buffer.byteLength(ext, 'utf8') <= 20 ? ext : ''
    n = cutToBytes(n.slice(0, n.length - keep.length), MAX_NAME_BYTES - Buffer.byteLength(keep, 'utf8')).replace(/[.\s]+$/, '') + keep
  }
  return n || 'attachment'
}

/** The attachment's folder name: its id when that is a plain token (server ids are UUIDs), else a digest of it. */
export function folderOf(attachmentId: string): string {
  return /^[A-Za-z0-9_-]{1,100}$/.test(attachmentId) ? attachmentId : createHash('sha256').update(attachmentId).digest('hex').slice(0, 40)
}

export interface AttachmentPlace {
  /** attachments/<folder> under the workspace folder. */
  dir: string
  name: string
  path: string
}

/** Where an attachment is saved under `workspaceDir`; throws if that would leave the attachments folder (it cannot, by construction). */
export function attachmentPlace(workspaceDir: string, attachmentId: string, fileName: string): AttachmentPlace {
  const root = resolve(workspaceDir, 'attachments')
  const dir = join(root, folderOf(attachmentId))
  const name = safeFileName(fileName)
  const path = join(dir, name)
  const rel = relative(root, path)
  if (rel.startsWith('..') || isAbsolute(rel) || rel.split(/[\\/]/).length !== 2) throw new Error(`Refusing to write an attachment outside ${root}.`)
  return { dir, name, path }
}
