/**
 * An agent's reply as the RFC 5322 message Handoff sends, and the threading helpers that
 * recognise the customer's answer to it: the Message-ID Handoff chose (it comes back in
 * In-Reply-To/References) and the item key in the subject (it survives clients that drop those).
 */
import MailComposer from 'nodemailer/lib/mail-composer'

export interface Recipient {
  name?: string
  address: string
}

export interface ReplyInput {
  agentName: string
  workspaceName: string
  /** The address customers write to; the reply comes from it and answers go back to it. */
  supportAddress: string
  to: Recipient | Recipient[]
  cc?: Recipient[]
  /** The conversation's subject as the customer wrote it; "Re:" and the key are added here. */
  subject: string
  /** The item key the subject carries, e.g. "H-1234". */
  threadKey: string
  /** Handoff's own id for this message, kept to thread the answer (see handoffMessageId). */
  messageId: string
  /** The Message-ID of the customer's message this answers. */
  inReplyTo?: string | null
  /** The References of that message: the thread so far. */
  references?: readonly string[]
  text: string
  date?: Date
}

export interface ComposedReply {
  raw: Buffer
  /** The SMTP envelope: bounces go to the support address, where they are recognised as bounces. */
  envelope: { from: string; to: string[] }
  messageId: string
  subject: string
}

const ADDRESS = /^[^\s@<>"]+@[^\s@<>"]+$/
const MESSAGE_ID = /^<[^<>\s@]+@[^<>\s@]+>$/
const KEY = /^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/
const KEY_TAG = /\[#([A-Za-z0-9][A-Za-z0-9-]{0,31})\]/g
// Any run of "Re:", "RE[2]:", and the German/Nordic/Dutch forms clients put before a subject when answering.
const REPLY_PREFIXES = /^\s*(?:(?:re|aw|sv|antw)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*)+/i
// RFC 5322 lines stop at 998 characters; a subject longer than this is not a subject.
const MAX_SUBJECT_CHARS = 900
const UUID = /^<?handoff\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})@[^<>\s@]+>?$/i
// RFC 5322 suggests trimming a long References list; mail clients keep the first and the latest.
const MAX_REFERENCES = 20

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F]/g

function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').replace(CONTROL, '').trim()
}

function checkAddress(address: string, what: string): string {
  const clean = address.trim()
  if (!ADDRESS.test(clean)) throw new TypeError(`${what} is not an email address: ${JSON.stringify(address)}`)
  return clean
}

function checkMessageId(id: string, what: string): string {
  const clean = id.trim()
  if (!MESSAGE_ID.test(clean)) throw new TypeError(`${what} is not a Message-ID (<id@domain>): ${JSON.stringify(id)}`)
  return clean
}

/** Handoff's Message-ID for an outbound message: the uuid it is stored under, at the support domain. */
export function handoffMessageId(uuid: string, domain: string): string {
  return checkMessageId(`<handoff.${uuid.toLowerCase()}@${domain}>`, 'handoffMessageId')
}

/** The uuid in a Message-ID Handoff made (see handoffMessageId), or null for any other id. */
export function handoffMessageIdToUuid(messageId: string): string | null {
  return UUID.exec(messageId.trim())?.[1]?.toLowerCase() ?? null
}

/** The item key in a subject ("Re: Broken [#H-12]" -> "H-12"); the last one when there are several. */
export function threadKeyFromSubject(subject: string): string | null {
  const keys = [...subject.matchAll(KEY_TAG)]
  return keys.at(-1)?.[1] ?? null
}

/** "Re: <subject> [#<key>]", however many "Re:" and keys the subject already carries. */
export function replySubject(subject: string, threadKey: string): string {
  if (!KEY.test(threadKey)) throw new TypeError(`Not an item key: ${JSON.stringify(threadKey)}`)
  const base = oneLine(oneLine(subject.slice(0, MAX_SUBJECT_CHARS).replace(KEY_TAG, ' ')).replace(REPLY_PREFIXES, ''))
  return base ? `Re: ${base} [#${threadKey}]` : `Re: [#${threadKey}]`
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')
}

/** The HTML alternative: the agent's text escaped, line breaks kept; never markup from anyone. */
export function textToHtml(text: string): string {
  const body = escapeHtml(text).replace(/\r?\n/g, '<br>\n')
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head><body><div style="font-family: sans-serif; font-size: 14px; line-height: 1.5;">${body}</div></body></html>\n`
}

function threadReferences(inReplyTo: string | null, references: readonly string[]): string[] {
  const chain = [...references.map((r) => checkMessageId(r, 'references')), ...(inReplyTo ? [inReplyTo] : [])]
  const unique = chain.filter((id, i) => chain.indexOf(id) === i)
  return unique.length <= MAX_REFERENCES ? unique : [unique[0] as string, ...unique.slice(-(MAX_REFERENCES - 1))]
}

export async function composeReply(input: ReplyInput): Promise<ComposedReply> {
  const support = checkAddress(input.supportAddress, 'supportAddress')
  const recipients = (Array.isArray(input.to) ? input.to : [input.to]).map((r) => ({ name: oneLine(r.name ?? ''), address: checkAddress(r.address, 'to') }))
  if (recipients.length === 0) throw new TypeError('A reply needs a recipient.')
  const cc = (input.cc ?? []).map((r) => ({ name: oneLine(r.name ?? ''), address: checkAddress(r.address, 'cc') }))
  const messageId = checkMessageId(input.messageId, 'messageId')
  const inReplyTo = input.inReplyTo ? checkMessageId(input.inReplyTo, 'inReplyTo') : null
  const references = threadReferences(inReplyTo, input.references ?? [])
  const subject = replySubject(input.subject, input.threadKey)
  const text = input.text.replace(/\r\n?/g, '\n').replace(CONTROL, '')

  const mail = new MailComposer({
    from: { name: `${oneLine(input.agentName)} via ${oneLine(input.workspaceName)}`, address: support },
    replyTo: support,
    to: recipients,
    ...(cc.length > 0 ? { cc } : {}),
    subject,
    messageId,
    ...(inReplyTo ? { inReplyTo } : {}),
    ...(references.length > 0 ? { references } : {}),
    date: input.date ?? new Date(),
    text,
    html: textToHtml(text),
    textEncoding: 'quoted-printable'
  })
  const raw = await mail.compile().build()
  return { raw, envelope: { from: support, to: [...recipients, ...cc].map((r) => r.address) }, messageId, subject }
}
