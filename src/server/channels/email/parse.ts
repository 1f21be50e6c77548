/**
 * An inbound email, raw RFC 5322 bytes, becomes one normalized, plain-text-only record. Everything
 * in it comes from a stranger: text is plain text (HTML is converted, never kept), strings are
 * stripped of control characters, attachments over the limit are dropped, and whatever cannot be
 * read is reported in `problems` rather than thrown, so one broken message never stops a mailbox.
 */
import { createHash } from 'node:crypto'
import { convert as htmlToText, type HtmlToTextOptions } from 'html-to-text'
import {
  MailParser,
  type AddressObject,
  type AttachmentStream,
  type EmailAddress as ParsedAddress,
  type HeaderLines,
  type Headers,
  type HeaderValue,
  type MessageText,
  type StructuredHeader
} from 'mailparser'
import { trimQuotedText } from './quotes'

export interface ParseLimits {
  /** Decoded size over which an attachment is refused: listed with its size, its content not kept. */
  maxAttachmentBytes: number
  /** HTML longer than this (characters) is converted only up to here. */
  maxHtmlChars: number
  /** Text longer than this (characters) is cut here. */
  maxTextChars: number
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = {
  maxAttachmentBytes: 10 * 1024 * 1024,
  maxHtmlChars: 2_000_000,
  maxTextChars: 1_000_000
}

export interface EmailAddress {
  name: string
  /** Lower-cased. */
  address: string
}

interface AttachmentBase {
  /** Without any path; a name of our own when the part gave none. */
  filename: string
  contentType: string
  /** Decoded bytes, counted even when the content was refused. */
  size: number
  /** Shown in the body (e.g. an embedded image) rather than attached. */
  inline: boolean
  contentId: string | null
}

export type InboundAttachment = (AttachmentBase & { content: Buffer; refused: null }) | (AttachmentBase & { content: null; refused: string })

/** Why a message was sent by a machine, not a person: such mail must never start a conversation or a reply. */
export type Automated = null | 'bounce' | 'auto-reply' | 'bulk'

export interface InboundEmail {
  /** With angle brackets, as in References. */
  messageId: string
  /** True when the message had none (or an unreadable one) and `messageId` is a hash of its bytes. */
  messageIdGenerated: boolean
  inReplyTo: string | null
  references: string[]
  from: EmailAddress | null
  replyTo: EmailAddress[]
  to: EmailAddress[]
  cc: EmailAddress[]
  subject: string
  /** ISO 8601, or null when the Date header is missing or unreadable. */
  date: string | null
  /** Plain text: the text/plain part, or the HTML part converted to text. */
  text: string
  /** `text` without the quoted history and signature, where they are recognisable. */
  textTrimmed: string
  attachments: InboundAttachment[]
  /** What could not be read or was not kept, for a person to see; never fatal. */
  problems: string[]
  automated: Automated
}

export type EmailParseErrorCode = 'empty' | 'not_an_email' | 'unreadable'

/** Thrown only when nothing at all can be read from the bytes. */
export class EmailParseError extends Error {
  readonly code: EmailParseErrorCode
  constructor(code: EmailParseErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'EmailParseError'
    this.code = code
  }
}

// Headers any email has at least one of; bytes with none of them are not an email.
const EMAIL_HEADERS = new Set(['from', 'to', 'cc', 'subject', 'date', 'message-id', 'received', 'return-path', 'reply-to', 'in-reply-to', 'references', 'mime-version', 'content-type', 'sender'])

// The HTML parser under html-to-text (htmlparser2) pays for every opening tag in proportion to
// how deeply it is nested, so deliberately deep HTML costs quadratic time: 50 000 nested <div>s
// (250 kB) take over ten seconds. Above this estimated cost the HTML is not converted.
const HTML_NESTING_BUDGET = 25_000_000
const VOID_TAGS = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr'])
// Tags whose next sibling closes them, so a run of them does not nest.
const SIBLING_CLOSED_TAGS = new Set(['p', 'li', 'dt', 'dd', 'tr', 'td', 'th', 'option', 'optgroup', 'thead', 'tbody', 'tfoot', 'colgroup', 'rb', 'rt', 'rp'])

const MAX_HEADER_CHARS = 2000
const MAX_ID_CHARS = 998
const MAX_REFERENCES = 100

const HTML_TO_TEXT: HtmlToTextOptions = {
  wordwrap: false,
  // html-to-text walks the tree recursively and overflows the stack a few thousand levels down;
  // content deeper than this is shown as "...".
  limits: { maxDepth: 500 },
  selectors: [
    { selector: 'script', format: 'skip' },
    { selector: 'style', format: 'skip' },
    { selector: 'noscript', format: 'skip' },
    { selector: 'template', format: 'skip' },
    { selector: 'img', format: 'skip' },
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } }
  ]
}

// C0 controls but tab and newline, DEL, and NUL (which PostgreSQL text cannot hold).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F]/g
// Direction overrides can make "invoice\u202Efdp.exe" read as "invoiceexe.pdf".
const BIDI_OVERRIDES = /[\u202A-\u202E\u2066-\u2069]/g

function cleanText(value: string): string {
  return value.replace(/\r\n?/g, '\n').replace(CONTROL, '')
}

function cleanLine(value: string, max = MAX_HEADER_CHARS): string {
  return value.replace(/\s+/g, ' ').replace(CONTROL, '').trim().slice(0, max)
}

/** The sum over opening tags of their nesting depth: what parsing the HTML will cost. */
function htmlNestingCost(html: string): number {
  let depth = 0
  let cost = 0
  // [^<>]* keeps the scan linear even on a "<a<a<a..." with no ">".
  for (const m of html.matchAll(/<(\/?)([a-zA-Z][\w:-]*)[^<>]*>/g)) {
    const name = (m[2] ?? '').toLowerCase()
    if (m[1]) depth = Math.max(0, depth - 1)
    else if (!VOID_TAGS.has(name) && !SIBLING_CLOSED_TAGS.has(name)) cost += ++depth
  }
  return cost
}

function describeBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

/** The first occurrence of a header, unfolded, without its name. */
function rawHeader(lines: HeaderLines, key: string): string | null {
  const line = lines.find((l) => l.key === key)?.line
  if (line === undefined) return null
  const colon = line.indexOf(':')
  return colon < 0 ? '' : line.slice(colon + 1).replace(/\r?\n[ \t]+/g, ' ').trim()
}

function messageIds(value: string | null): string[] {
  if (!value) return []
  return [...value.matchAll(/<([^<>\s]+)>/g)].map((m) => `<${m[1]}>`).filter((id) => id.length <= MAX_ID_CHARS)
}

function addresses(value: HeaderValue | undefined): EmailAddress[] {
  const objects: AddressObject[] = value === undefined ? [] : Array.isArray(value) ? (value as AddressObject[]) : [value as AddressObject]
  const flat: ParsedAddress[] = []
  const visit = (entry: ParsedAddress) => (entry.group ? entry.group.forEach(visit) : flat.push(entry))
  for (const object of objects) if (object && Array.isArray(object.value)) object.value.forEach(visit)
  return flat
    .map((entry) => ({ name: cleanLine(entry.name ?? '', 200), address: cleanLine(entry.address ?? '', 320).toLowerCase() }))
    .filter((entry) => /^[^\s@<>]+@[^\s@<>]+$/.test(entry.address))
}

function safeFilename(name: string | undefined, index: number): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? ''
  const clean = cleanLine(base, 255).replace(BIDI_OVERRIDES, '').replace(/^\.+/, '')
  return clean || `attachment-${index + 1}`
}

function knownCharset(label: string): boolean {
  const name = label.toLowerCase().replace(/\*.*$/, '').replace(/^win(?:dows)?[-_]?(\d+)$/, 'windows-$1')
  try {
    new TextDecoder(name)
    return true
  } catch {
    return false
  }
}

/** The Content-Type headers of every part, read from the bytes (the parser does not expose nested ones). */
function contentTypeHeaders(raw: string): string[] {
  return [...raw.matchAll(/^content-type[ \t]*:[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*/gim)].map((m) => m[0].replace(/\r?\n[ \t]+/g, ' '))
}

function headerParam(header: string, name: string): string | null {
  const match = new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(header)
  return match ? (match[1] ?? match[2] ?? null) : null
}

/** Unknown charsets and broken multipart structure, which the parser silently reads around. */
function structureProblems(raw: string, lines: HeaderLines): string[] {
  const problems: string[] = []
  const unknown = new Set<string>()
  for (const { line } of lines) {
    for (const m of line.matchAll(/=\?([^?\s]+)\?[bq]\?/gi)) if (m[1] && !knownCharset(m[1])) unknown.add(m[1])
  }
  for (const name of unknown) problems.push(`A header uses the unknown character set "${cleanLine(name, 60)}": some characters may be shown wrong.`)
  const headers = contentTypeHeaders(raw)
  const unknownBody = new Set<string>()
  for (const header of headers) {
    const charset = headerParam(header, 'charset')
    if (charset && !knownCharset(charset)) unknownBody.add(charset)
    if (!/^content-type[ \t]*:\s*multipart\//i.test(header)) continue
    const boundary = headerParam(header, 'boundary')
    if (!boundary) {
      problems.push('A multipart part has no boundary: its content could not be read.')
      continue
    }
    if (!raw.includes(`--${boundary}`)) problems.push('A multipart part never uses its boundary: its content could not be read.')
    else if (!raw.includes(`--${boundary}--`)) problems.push('A multipart part is not closed: the message may be cut short.')
  }
  for (const name of unknownBody) problems.push(`A text part uses the unknown character set "${cleanLine(name, 60)}": some characters may be shown wrong.`)
  return problems
}

function classify(headers: Headers, lines: HeaderLines, from: EmailAddress | null): Automated {
  const contentType = headers.get('content-type') as StructuredHeader | undefined
  if (contentType?.value?.toLowerCase() === 'multipart/report' && contentType.params?.['report-type']?.toLowerCase() === 'delivery-status') return 'bounce'
  const local = from?.address.split('@')[0] ?? ''
  if (local === 'mailer-daemon' || local === 'postmaster') return 'bounce'
  const autoSubmitted = rawHeader(lines, 'auto-submitted')
  if (autoSubmitted !== null && autoSubmitted.split(/[;(\s]/)[0]?.toLowerCase() !== 'no') return 'auto-reply'
  if (rawHeader(lines, 'x-autoreply') !== null || rawHeader(lines, 'x-autorespond') !== null) return 'auto-reply'
  const precedence = rawHeader(lines, 'precedence')?.toLowerCase() ?? ''
  if (precedence === 'auto_reply') return 'auto-reply'
  // A null reverse path is what RFC 5321 prescribes for delivery notifications.
  if (/^<\s*>$/.test(rawHeader(lines, 'return-path') ?? '')) return 'bounce'
  if (precedence === 'bulk' || precedence === 'junk' || precedence === 'list') return 'bulk'
  return null
}

interface ParserOutput {
  headers: Headers | null
  lines: HeaderLines
  text: string
  html: string
  conversionError: Error | null
  attachments: InboundAttachment[]
  error: Error | null
}

function runParser(raw: Buffer, limits: ParseLimits, problems: string[]): Promise<ParserOutput> {
  return new Promise((resolve) => {
    const out: ParserOutput = { headers: null, lines: [], text: '', html: '', conversionError: null, attachments: [], error: null }
    let settled = false
    let attachmentCount = 0
    const finish = () => {
      if (settled) return
      settled = true
      resolve(out)
    }
    const parser = new MailParser({ skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true, checksumAlgo: false })
    parser.on('headers', (headers: Headers) => (out.headers = headers))
    parser.on('headerLines', (lines: HeaderLines) => (out.lines = lines))
    parser.on('data', (data: AttachmentStream | MessageText) => {
      if (data.type === 'text') {
        out.text = data.text ?? ''
        out.html = data.html ?? ''
        out.conversionError = data.textConversionError ?? null
        return
      }
      // Streamed, so an attachment over the limit is counted and dropped, never held whole.
      const index = attachmentCount++
      const chunks: Buffer[] = []
      let size = 0
      data.content.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size <= limits.maxAttachmentBytes) chunks.push(chunk)
        else chunks.length = 0
      })
      data.content.on('end', () => {
        const base: AttachmentBase = {
          filename: safeFilename(data.filename, index),
          contentType: cleanLine(data.contentType || 'application/octet-stream', 200).toLowerCase(),
          size,
          inline: data.contentDisposition === 'inline' || data.related === true,
          contentId: data.cid ? cleanLine(data.cid, MAX_ID_CHARS) : null
        }
        if (size <= limits.maxAttachmentBytes) {
          out.attachments[index] = { ...base, content: Buffer.concat(chunks), refused: null }
        } else {
          const refused = `${describeBytes(size)} is over the ${describeBytes(limits.maxAttachmentBytes)} limit`
          out.attachments[index] = { ...base, content: null, refused }
          problems.push(`Attachment "${base.filename}" was not kept: ${refused}.`)
        }
        data.release?.()
      })
      data.content.on('error', (error: Error) => {
        out.error = error
        data.release?.()
      })
    })
    parser.on('error', (error: Error) => {
      out.error = error
      finish()
    })
    parser.on('end', finish)
    try {
      parser.end(raw)
    } catch (error) {
      out.error = error instanceof Error ? error : new Error(String(error))
      finish()
    }
  })
}

export async function parseInboundEmail(raw: Buffer, limits: Partial<ParseLimits> = {}): Promise<InboundEmail> {
  const limit: ParseLimits = { ...DEFAULT_PARSE_LIMITS, ...limits }
  // One char per byte, for the structure checks that look at the raw MIME.
  const rawText = raw.toString('latin1')
  if (rawText.trim() === '') throw new EmailParseError('empty', 'The message is empty.')
  const problems: string[] = []
  const out = await runParser(raw, limit, problems)
  const lines = out.lines
  if (!out.headers || !lines.some((l) => EMAIL_HEADERS.has(l.key))) {
    if (out.error) throw new EmailParseError('unreadable', `The message could not be read: ${out.error.message}`, { cause: out.error })
    throw new EmailParseError('not_an_email', 'The bytes have none of the headers an email has.')
  }
  const headers = out.headers
  if (out.error) problems.push(`The message could only be read in part: ${cleanLine(out.error.message, 300)}.`)
  problems.push(...structureProblems(rawText, lines))

  const declaredId = messageIds(rawHeader(lines, 'message-id'))[0]
  const messageIdGenerated = declaredId === undefined
  const messageId = declaredId ?? `<${createHash('sha256').update(raw).digest('hex').slice(0, 40)}@generated.handoff.invalid>`
  if (messageIdGenerated && rawHeader(lines, 'message-id') !== null) problems.push('The Message-ID header could not be read.')

  const from = addresses(headers.get('from'))[0] ?? null
  if (!from) problems.push('The sender address could not be read.')

  const rawDate = rawHeader(lines, 'date')
  const parsedDate = rawDate ? new Date(rawDate.replace(/\([^)]*\)/g, '').trim()) : null
  const date = parsedDate && !Number.isNaN(parsedDate.getTime()) ? parsedDate.toISOString() : null
  if (rawDate !== null && date === null) problems.push('The Date header could not be read.')

  let text = cleanText(out.text)
  if (!text.trim() && out.html) {
    const html = out.html.slice(0, limit.maxHtmlChars)
    if (out.html.length > limit.maxHtmlChars) problems.push(`The HTML body is longer than ${limit.maxHtmlChars} characters: only its start was read.`)
    if (htmlNestingCost(html) > HTML_NESTING_BUDGET) {
      problems.push('The HTML body is nested too deeply to convert to text: it was not read.')
    } else {
      try {
        text = cleanText(htmlToText(html, HTML_TO_TEXT))
      } catch (error) {
        problems.push(`The HTML body could not be converted to text: ${cleanLine(error instanceof Error ? error.message : String(error), 300)}.`)
      }
    }
  }
  if (out.conversionError) problems.push(`The HTML body could not be converted to text: ${cleanLine(out.conversionError.message, 300)}.`)
  if (text.length > limit.maxTextChars) {
    problems.push(`The text is longer than ${limit.maxTextChars} characters: it was cut.`)
    text = text.slice(0, limit.maxTextChars)
  }
  text = text.trim()

  const subject = cleanLine(typeof headers.get('subject') === 'string' ? (headers.get('subject') as string) : '')
  const decoded = [subject, from?.name ?? '', text].join('\n')
  if (decoded.includes('\uFFFD') && !rawText.includes('\xEF\xBF\xBD') && !problems.some((p) => p.includes('character set'))) {
    problems.push('Some characters could not be decoded and are shown as \uFFFD.')
  }

  return {
    messageId,
    messageIdGenerated,
    inReplyTo: messageIds(rawHeader(lines, 'in-reply-to'))[0] ?? null,
    references: messageIds(rawHeader(lines, 'references')).slice(-MAX_REFERENCES),
    from,
    replyTo: addresses(headers.get('reply-to')),
    to: addresses(headers.get('to')),
    cc: addresses(headers.get('cc')),
    subject,
    date,
    text,
    textTrimmed: trimQuotedText(text),
    attachments: out.attachments.filter((a): a is InboundAttachment => a !== undefined),
    problems,
    automated: classify(headers, lines, from)
  }
}
