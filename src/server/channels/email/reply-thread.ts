/**
 * The threading headers of an outbound reply, from the Message-IDs known on its item: In-Reply-To
 * is the customer's last email before the reply; References are the ids of the thread up to that
 * email (the customer's emails and Handoff's earlier replies, oldest first; composeReply appends
 * In-Reply-To, drops repeats and trims a long list). Without an email of the customer (an item an
 * agent opened), no In-Reply-To and References are Handoff's earlier replies. Pure.
 */
import type { ThreadMessage } from '../delivery-queue'

const MESSAGE_ID = /^<[^<>\s@]+@[^<>\s@]+>$/
// parse.ts makes up an id for an email that had none: no mail client knows it, so it threads nothing.
const GENERATED = /@generated\.handoff\.invalid>$/i

const usable = (id: string) => MESSAGE_ID.test(id) && !GENERATED.test(id)

export function replyThreading(thread: readonly ThreadMessage[], reply: { id: string; itemId: string; createdAt: string | null }): { inReplyTo: string | null; references: string[] } {
  const before = thread.filter((m) => m.itemId === reply.itemId && m.id !== reply.id && (reply.createdAt === null || m.createdAt <= reply.createdAt) && usable(m.externalId))
  const parent = before.findLastIndex((m) => m.kind === 'customer')
  if (parent < 0) return { inReplyTo: null, references: before.map((m) => m.externalId) }
  return { inReplyTo: before[parent]!.externalId, references: before.slice(0, parent).map((m) => m.externalId) }
}
