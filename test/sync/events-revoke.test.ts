/**
 * An open GET /v1/events stream lives only as long as its credential (issue 13): disabling the
 * agent or resetting the credential ends it, also when done through another server process; and
 * an agent has at most MAX_STREAMS_PER_AGENT streams, a new one ending the oldest. Real servers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_STREAMS_PER_AGENT } from '../../src/server/http/nudger'
import { BACKENDS, addAgents, startTestServer, type TestServer } from './support/servers'

interface OpenStream {
  /** Resolves when the server ends the stream. */
  ended: Promise<void>
  isEnded: () => boolean
  abort: () => void
}

/** Opens an event stream and waits for its first "changed" (the server has registered it). */
async function openStream(url: string, credential: string): Promise<OpenStream> {
  const controller = new AbortController()
  const response = await fetch(new URL('/v1/events', url), { headers: { authorization: `Bearer ${credential}` }, signal: controller.signal })
  expect(response.status).toBe(200)
  const reader = response.body!.getReader()
  const decoder = new TextDecoder()
  let text = ''
  while (!text.includes('event: changed')) {
    const { value, done } = await reader.read()
    if (done) throw new Error('the stream ended before its first event')
    text += decoder.decode(value)
  }
  let ended = false
  const endedPromise = (async () => {
    try {
      for (;;) if ((await reader.read()).done) break
    } catch {
      // aborted by the test
    }
    ended = true
  })()
  return { ended: endedPromise, isEnded: () => ended, abort: () => controller.abort() }
}

describe.each(BACKENDS)('event streams end with their credential (%s)', (backend) => {
  let server: TestServer
  let cred: Record<string, string>
  const opened: OpenStream[] = []
  const open = async (credential: string) => {
    const s = await openStream(server.url, credential)
    opened.push(s)
    return s
  }

  beforeAll(async () => {
    server = await startTestServer(backend)
    cred = await addAgents(server.store, [
      { id: 'dana', name: 'Dana Reyes', role: 'service' },
      { id: 'sam', name: 'Sam Okafor', role: 'support', tiers: [1] },
      { id: 'mei', name: 'Mei Tanaka', role: 'support', tiers: [2] },
      { id: 'lee', name: 'Lee Park', role: 'supervisor' }
    ])
  })
  afterAll(async () => {
    for (const s of opened) s.abort()
    await server?.stop()
  })

  it('ends the streams of a disabled agent, and only theirs', async () => {
    const dana = await open(cred.dana!)
    const lee = await open(cred.lee!)
    await server.store.setDisabled('dana', true)
    await dana.ended
    // Lee's stream is still open: a later nudge reaches it.
    expect(lee.isEnded()).toBe(false)
    const again = await fetch(new URL('/v1/events', server.url), { headers: { authorization: `Bearer ${cred.dana!}` } })
    expect(again.status).toBe(401)
    await again.body?.cancel()
  })

  it('ends the streams of a reset credential; the new credential opens one', async () => {
    const sam = await open(cred.sam!)
    const fresh = await server.store.resetCredential('sam')
    await sam.ended
    const renewed = await open(fresh)
    expect(renewed.isEnded()).toBe(false)
  })

  it(`keeps at most ${MAX_STREAMS_PER_AGENT} streams per agent: a new one ends the oldest`, async () => {
    const streams: OpenStream[] = []
    for (let i = 0; i < MAX_STREAMS_PER_AGENT; i++) streams.push(await open(cred.mei!))
    expect(streams.some((s) => s.isEnded())).toBe(false)
    const ninth = await open(cred.mei!)
    await streams[0]!.ended
    expect(streams.slice(1).some((s) => s.isEnded())).toBe(false)
    expect(ninth.isEnded()).toBe(false)
  })
})

describe('event streams across server processes (postgres)', () => {
  it('ends a stream when another server process disables the agent', async () => {
    const server = await startTestServer('postgres')
    const sibling = await server.sibling()
    const cred = await addAgents(server.store, [{ id: 'lee', name: 'Lee Park', role: 'supervisor' }])
    const lee = await openStream(server.url, cred.lee!)
    try {
      await sibling.store.setDisabled('lee', true)
      await lee.ended
    } finally {
      lee.abort()
      await sibling.stop()
      await server.stop()
    }
  })
})
