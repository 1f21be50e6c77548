/**
 * GET /v1/attachments/:id: the bytes of a file that came with a customer's message, for a
 * console that fetches it on demand (the pull lists attachments, never their bytes).
 *
 * Only within the agent's scope (the pull's rule, store/rows.ts: supervisors everything; others
 * their queues' items and those assigned to them). An id that does not exist and one whose item
 * is out of scope answer the same 404, so ids cannot be probed. An attachment the server refused
 * to keep (over the channel's limit, unreadable) answers 410 with why.
 *
 * The bytes come from a stranger: they go as application/octet-stream, as an attachment, with
 * nosniff, so nothing that receives them renders or runs them, and no-store, so no cache keeps
 * them after the agent's scope changes.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { AgentRecord, ServerStore } from '../store'
import { inScope, scopeOf } from '../store/rows'
import { HttpError } from './errors'

export interface AttachmentRouteDeps {
  store: ServerStore
  /** The app's validation (throws its 400). */
  parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S>
  /** The signed-in agent (throws its 401). */
  agentOf(request: FastifyRequest): AgentRecord
}

const attachmentParams = z.object({ id: z.string().min(1).max(200) }).strict()

interface AttachmentRow {
  filename: string
  size: string | number
  content: Uint8Array | null
  refused: string | null
  queue: string | null
  assignee_id: string | null
}

const NOT_FOUND = 'There is no such attachment, or its item is not in your scope.'

// RFC 5987 attr-char: what may stand unencoded in filename*.
const ATTR_CHAR = /^[A-Za-z0-9!#$&+\-.^_`|~]$/

/**
 * `attachment; filename="<ASCII stand-in>"; filename*=UTF-8''<percent-encoded UTF-8>` (RFC 6266,
 * RFC 5987): the exact name for clients that read filename*, a safe one for those that do not.
 */
export function contentDisposition(name: string): string {
  // No control characters, quotes or backslashes in the quoted stand-in (a header must not be split).
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_')
  let encoded = ''
  for (const byte of Buffer.from(name, 'utf8')) {
    const ch = String.fromCharCode(byte)
    encoded += byte < 0x80 && ATTR_CHAR.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return `attachment; filename="${ascii || 'attachment'}"; filename*=UTF-8''${encoded}`
}

export function registerAttachmentRoutes(app: FastifyInstance, { store, parse, agentOf }: AttachmentRouteDeps): void {
  app.get('/v1/attachments/:id', async (request, reply) => {
    const agent = agentOf(request)
    const { id } = parse(attachmentParams, request.params)
    const { rows } = await store.sql.query<AttachmentRow>(
      `SELECT a.filename, a.size, a.content, a.refused, i.queue, i.assignee_id
         FROM attachments a JOIN items i ON i.id = a.item_id WHERE a.id = $1`,
      [id]
    )
    const row = rows[0]
    if (!row || !inScope(scopeOf(agent), row.queue, row.assignee_id)) throw new HttpError('not_found', NOT_FOUND)
    if (row.content === null) throw new HttpError('gone', `The server did not keep this attachment: ${row.refused ?? 'its content is missing'}.`)
    const bytes = Buffer.from(row.content.buffer, row.content.byteOffset, row.content.byteLength)
    return reply
      .code(200)
      .header('content-type', 'application/octet-stream')
      .header('content-disposition', contentDisposition(row.filename))
      .header('content-length', bytes.length)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'no-store')
      .send(bytes)
  })
}
