/**
 * attachments.save: an attachment the pull listed, saved as a file on this computer. Looked up in
 * the local store (it must be in this workspace), fetched from the server with the stored
 * credential, written atomically (a temporary file in the same folder, synced, then renamed) to
 * <workspace folder>/attachments/<id>/<safe name>; a file already there with the listed size is
 * the same attachment saved before and is reused, even offline.
 */
import { randomUUID } from 'node:crypto'
import { mkdir, rename, rm, stat } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import type { Database } from 'better-sqlite3'
import { HandoffError, type SavedAttachment } from '../../shared/contract'
import { prepared } from '../infra/statements'
import type { SyncController } from '../sync/controller'
import { isSyncTransportError, type SyncTransportError } from '../sync/transport'
import { AttachmentSizeError, downloadAttachment } from './download'
import { attachmentPlace } from './file-names'

interface AttachmentRow {
  id: string
  name: string
  size: number
  refused: string | null
}

/** The folder of the workspace's database file: its attachments go beside it. */
export function workspaceFolder(db: Database): string {
  if (db.memory) throw new HandoffError({ code: 'internal', message: 'This workspace lives in memory only: it has no folder to save attachments in.' })
  return dirname(resolve(db.name))
}

async function sizeOnDisk(path: string): Promise<number | null> {
  try {
    const s = await stat(path)
    return s.isFile() ? s.size : null
  } catch {
    return null
  }
}

/** The server's verdict or silence, as the error the agent reads. */
function fromTransport(e: SyncTransportError, name: string): HandoffError {
  if (e.unauthorized) return new HandoffError({ code: 'unauthorized', message: 'The server no longer accepts your credential. Sign in again to save attachments.' })
  switch (e.kind) {
    case 'network':
      return new HandoffError({ code: 'unreachable', message: `The server cannot be reached, so “${name}” cannot be downloaded now. Try again when you are online. (${e.message})` })
    case 'invalid':
      return new HandoffError({ code: 'unreachable', message: e.message })
    case 'http':
      if (e.status === 404 || e.code === 'not_found') {
        return new HandoffError({ code: 'not_found', message: `The server has no attachment “${name}” for you: it may have been removed, or its item is no longer in your scope.` })
      }
      if (e.status === 410 || e.code === 'gone') return new HandoffError({ code: 'rejected', message: e.message })
      return new HandoffError({ code: 'unreachable', message: `The server could not give “${name}” (${e.status ?? 'no status'}): ${e.message}` })
  }
}

export async function saveAttachment(db: Database, sync: SyncController, attachmentId: string): Promise<SavedAttachment> {
  const row = prepared<[string], AttachmentRow>(db, 'SELECT id, name, size, refused FROM attachments WHERE id = ?').get(attachmentId)
  if (!row) throw new HandoffError({ code: 'not_found', message: 'This attachment is not in this workspace.' })
  if (row.refused !== null) throw new HandoffError({ code: 'rejected', message: `The server did not keep “${row.name}”: ${row.refused}.` })

  const place = attachmentPlace(workspaceFolder(db), row.id, row.name)
  const saved: SavedAttachment = { path: place.path, name: place.name, size: row.size }
  if ((await sizeOnDisk(place.path)) === row.size) return saved

  if (sync.boundAgentId() === null) {
    throw new HandoffError({ code: 'not_signed_in', message: 'Attachments are kept on the server: connect this workspace to a server to save them.' })
  }
  const access = await sync.serverAccess()
  if (!access) throw new HandoffError({ code: 'not_signed_in', message: 'You are signed out of the server: sign in again to save attachments.' })

  await mkdir(place.dir, { recursive: true })
  const temp = `${place.dir}/.${randomUUID()}.part`
  try {
    await downloadAttachment(access, row.id, row.size, temp)
    // Atomic on one file system: the name holds either an earlier complete copy or this one.
    await rename(temp, place.path)
  } catch (e) {
    await rm(temp, { force: true }).catch(() => undefined)
    if (isSyncTransportError(e)) throw fromTransport(e, row.name)
    if (e instanceof AttachmentSizeError) throw new HandoffError({ code: 'unreachable', message: `“${row.name}” did not arrive whole: ${e.message} Nothing was saved; try again.` })
    throw e
  }
  return saved
}
