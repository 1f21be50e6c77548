/**
 * GET /v1/attachments/:id (docs/sync-protocol.md) into a file: the bytes are streamed to `file`
 * as they arrive, never held whole, and counted against the size the pull listed, so a server
 * (or anything in between) that sends more is cut off at once and one that sends less is caught.
 * Failures are SyncTransportErrors like every other call to the server (network / http /
 * invalid), or an AttachmentSizeError.
 */
import { open } from 'node:fs/promises'
import { syncErrorBody } from '../../shared/sync/protocol'
import type { ServerAccess } from '../sync/controller'
import { SyncTransportError, normalizeServerUrl } from '../sync/transport'

/** With no byte arriving for this long, the download counts as cut. */
export const DOWNLOAD_IDLE_MS = 30_000

/** The server sent a different number of bytes than the attachment has. */
export class AttachmentSizeError extends Error {
  constructor(
    readonly expected: number,
    readonly received: number
  ) {
    super(`The server sent ${received > expected ? 'more than' : `only ${received} of`} the ${expected} bytes of the attachment.`)
    this.name = 'AttachmentSizeError'
  }
}

const describe = (e: unknown): string => {
  if (e instanceof Error) {
    const cause = (e as Error & { cause?: unknown }).cause
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'no answer in time'
    return cause instanceof Error && cause.message ? cause.message : e.message
  }
  return String(e)
}

/** Downloads the attachment's bytes into `file` (created, must not exist) and syncs it to disk. */
export async function downloadAttachment(access: ServerAccess, attachmentId: string, expectedSize: number, file: string, idleMs = DOWNLOAD_IDLE_MS): Promise<void> {
  const base = normalizeServerUrl(access.serverUrl)
  const abort = new AbortController()
  let idle: ReturnType<typeof setTimeout> | undefined
  const touch = () => {
    clearTimeout(idle)
    idle = setTimeout(() => abort.abort(new DOMException('The download stalled.', 'TimeoutError')), idleMs)
  }
  touch()
  try {
    let response: Response
    try {
      response = await access.fetch(`${base}/v1/attachments/${encodeURIComponent(attachmentId)}`, {
        headers: { Authorization: `Bearer ${access.credential}`, Accept: 'application/octet-stream' },
        signal: abort.signal
      })
    } catch (e) {
      throw new SyncTransportError('network', `Could not reach ${base}: ${describe(e)}`)
    }
    if (!response.ok) {
      const body: unknown = await response.json().catch(() => null)
      const error = syncErrorBody.safeParse(body)
      if (!error.success) throw new SyncTransportError('http', `The server answered ${response.status}.`, { status: response.status })
      throw new SyncTransportError('http', error.data.error.message, { status: response.status, code: error.data.error.code })
    }
    if (response.headers.get('content-type') !== 'application/octet-stream' || !response.body) {
      await response.body?.cancel().catch(() => undefined)
      throw new SyncTransportError('invalid', `${base} did not answer like a Handoff server (an attachment comes as application/octet-stream).`, { status: response.status })
    }
    const declared = response.headers.get('content-length')
    if (declared !== null && Number(declared) !== expectedSize) {
      await response.body.cancel().catch(() => undefined)
      throw new AttachmentSizeError(expectedSize, Number(declared))
    }
    const out = await open(file, 'wx', 0o600)
    try {
      let received = 0
      const reader = response.body.getReader()
      for (;;) {
        let chunk: Awaited<ReturnType<typeof reader.read>>
        try {
          chunk = await reader.read()
        } catch (e) {
          throw new SyncTransportError('network', `The connection to ${base} broke during the download: ${describe(e)}`)
        }
        if (chunk.done) break
        touch()
        received += chunk.value.byteLength
        if (received > expectedSize) {
          await reader.cancel().catch(() => undefined)
          throw new AttachmentSizeError(expectedSize, received)
        }
        await out.write(chunk.value)
      }
      if (received !== expectedSize) throw new AttachmentSizeError(expectedSize, received)
      await out.sync()
    } finally {
      await out.close()
    }
  } finally {
    clearTimeout(idle)
  }
}
