/**
 * What a message carries besides its text, for the pull: the delivery state of a reply the
 * server delivers on a channel, the attachments of an inbound message (never their bytes: a
 * console fetches one on demand), and what could not be read of it. Read by message id, one
 * query per kind, and set on the wire messages only when there is something to say.
 */
import type { MessageWire } from '../../shared/sync/protocol'
import type { DeliveryState } from '../../shared/domain/entities'
import type { SqlClient } from './sql'

interface DeliveryRow {
  message_id: string
  state: DeliveryState
  attempts: number
  next_attempt_at: Date | null
  last_error: string | null
  sent_at: Date | null
}
interface AttachmentRow {
  id: string
  message_id: string
  filename: string
  content_type: string
  size: string | number
  refused: string | null
}

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString())

/**
 * The wire's limits (protocol.ts) are a console's: a page with one value over them is refused,
 * and the same page would come back on every pull, stopping sync for everyone in scope. What a
 * stranger wrote (101 attachments, 60 unreadable headers) or a relay answered (a long 5xx) is
 * therefore cut here to fit, and the cut said in words.
 */
export const WIRE = { attachments: 100, problems: 50, problemChars: 500, errorChars: 2000, nameChars: 255, typeChars: 255, refusedChars: 500 } as const
const clip = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 1)}…`)

function fitProblems(problems: string[], attachmentsLeftOut: number): string[] {
  const all = attachmentsLeftOut > 0 ? [...problems, `${attachmentsLeftOut} more attachment${attachmentsLeftOut === 1 ? ' is' : 's are'} not listed.`] : problems
  const fitted = all.length <= WIRE.problems ? all : [...all.slice(0, WIRE.problems - 1), `${all.length - WIRE.problems + 1} more problems are not listed.`]
  return fitted.map((p) => clip(p, WIRE.problemChars))
}

/** Sets delivery, attachments and problems on the messages given (in place). */
export async function withMessageExtras(tx: SqlClient, messages: MessageWire[], problems: ReadonlyMap<string, string[]>): Promise<void> {
  if (messages.length === 0) return
  const ids = messages.map((m) => m.id)
  const [deliveries, attachments] = [
    await tx.query<DeliveryRow>(
      'SELECT message_id, state, attempts, next_attempt_at, last_error, sent_at FROM deliveries WHERE message_id = ANY($1::text[])',
      [ids]
    ),
    await tx.query<AttachmentRow>(
      'SELECT id, message_id, filename, content_type, size, refused FROM attachments WHERE message_id = ANY($1::text[]) ORDER BY message_id, position',
      [ids]
    )
  ]
  const delivery = new Map(deliveries.rows.map((d) => [d.message_id, d]))
  const files = new Map<string, AttachmentRow[]>()
  for (const a of attachments.rows) {
    const list = files.get(a.message_id)
    if (list) list.push(a)
    else files.set(a.message_id, [a])
  }
  for (const m of messages) {
    const d = delivery.get(m.id)
    if (d) {
      const error = d.last_error === null ? null : clip(d.last_error, WIRE.errorChars)
      m.delivery = { state: d.state, attempts: d.attempts, nextAttemptAt: iso(d.next_attempt_at), error, sentAt: iso(d.sent_at) }
    }
    const list = files.get(m.id) ?? []
    if (list.length > 0) {
      m.attachments = list.slice(0, WIRE.attachments).map((a) => ({
        id: a.id,
        name: clip(a.filename, WIRE.nameChars) || 'attachment',
        contentType: clip(a.content_type, WIRE.typeChars),
        size: Number(a.size),
        refused: a.refused === null ? null : clip(a.refused, WIRE.refusedChars)
      }))
    }
    const p = fitProblems(problems.get(m.id) ?? [], Math.max(0, list.length - WIRE.attachments))
    if (p.length > 0) m.problems = p
  }
}
