/** Plain HTTP calls to a test server, as any client of the protocol would make them. */
import { randomUUID } from 'node:crypto'
import { v7 as uuidv7 } from 'uuid'
import type { PullResponse, PushedMutation } from '../../../src/shared/sync/protocol'

export interface Answer<T = unknown> {
  status: number
  body: T
}

export async function call<T = unknown>(url: string, path: string, init: { method?: string; credential?: string | null; body?: unknown; rawBody?: string; contentType?: string; headers?: Record<string, string> } = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...(init.headers ?? {}) }
  if (init.credential) headers.authorization = `Bearer ${init.credential}`
  let body: string | undefined
  if (init.rawBody !== undefined) body = init.rawBody
  else if (init.body !== undefined) body = JSON.stringify(init.body)
  if (body !== undefined) headers['content-type'] = init.contentType ?? 'application/json'
  const response = await fetch(new URL(path, url), { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, ...(body !== undefined ? { body } : {}) })
  const text = await response.text()
  let parsed: unknown = text
  try {
    parsed = JSON.parse(text)
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed as T }
}

/** Everything a supervisor can see, from a first sync: the store's data as a comparable value. */
export async function fingerprint(url: string, supervisorCredential: string, clientId: string): Promise<unknown> {
  let cursor: string | null = null
  const items = new Map<string, unknown>()
  const rows: Record<'messages' | 'events' | 'ratings' | 'customers', Map<string, unknown>> = { messages: new Map(), events: new Map(), ratings: new Map(), customers: new Map() }
  for (;;) {
    const answer: Answer<PullResponse> = await call<PullResponse>(url, '/v1/pull', { credential: supervisorCredential, body: { clientId, cursor, limit: 2000 } })
    if (answer.status !== 200) throw new Error(`fingerprint pull failed: ${answer.status} ${JSON.stringify(answer.body)}`)
    const page = answer.body
    for (const i of page.items) items.set(i.id, i)
    for (const key of ['messages', 'events', 'ratings', 'customers'] as const) for (const r of page[key]) rows[key].set(r.id, r)
    cursor = page.cursor
    if (!page.more) break
  }
  const sorted = (m: Map<string, unknown>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => v)
  return { items: sorted(items), messages: sorted(rows.messages), events: sorted(rows.events), ratings: sorted(rows.ratings), customers: sorted(rows.customers) }
}

export function mutation(seq: number, actorId: string, name: string, args: unknown): PushedMutation {
  return { seq, mutationId: uuidv7(), name, args, actorId, clientTime: new Date().toISOString() }
}

export const newClientId = (): string => randomUUID()

export function createItemArgs(subject: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: 'service',
    category: 'billing',
    channel: 'email',
    customer: { type: 'new', name: 'Ada Lovelace', email: 'ada@example.com' },
    subject,
    body: `Customer wrote about: ${subject}`,
    priority: 'normal',
    ...over
  }
}
