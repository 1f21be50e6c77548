/**
 * The sync server's HTTP face (docs/sync-protocol.md): a stateless Fastify app over a
 * ServerStore. Every /v1 route but /v1/health authenticates its caller; every body is validated
 * by the protocol's zod schemas before it reaches the store; errors always answer
 * `{ error: { code, message } }` with the status the protocol names.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import type { z } from 'zod'
import { escalationFiguresOf } from '../../shared/domain/figures/escalations'
import { figuresReport } from '../store/figures'
import {
  MAX_BODY_BYTES,
  PROTOCOL_VERSION,
  pullRequest,
  pushRequest,
  type MeResponse,
  type SyncErrorBody,
  type SyncErrorCode
} from '../../shared/sync/protocol'
import { StoreError, type AgentRecord, type ServerStore } from '../store'
import { faultKind } from '../store/sql'
import { registerAttachmentRoutes } from './attachment-routes'
import { AttemptLimiter, bearerCredential, DEFAULT_ATTEMPT_LIMITS, type AttemptLimits } from './auth'
import { parseCredential } from '../../shared/sync/protocol'
import { registerChannelRoutes } from './channel-routes'
import { HttpError, STATUS } from './errors'
import { figuresQuery } from './figures-query'
import { registerFiguresRoutes } from './figures-routes'
import { Nudger } from './nudger'

export { HttpError }

export interface AppOptions {
  store: ServerStore
  /** Fastify's logger (pino); off in tests. */
  logger?: boolean
  /** How often an idle event stream gets a heartbeat comment (ms). */
  heartbeatMs?: number
  /** Failed credential checks allowed per address and per agent id (default DEFAULT_ATTEMPT_LIMITS). */
  attemptLimits?: AttemptLimits
  /**
   * Fastify's trustProxy: behind a reverse proxy, the client's address (the rate limit's key) is
   * read from X-Forwarded-For only when the proxy is trusted; otherwise every client would share
   * the proxy's address and its limit.
   */
  trustProxy?: boolean | string
  /** PEM certificate and key: serve HTTPS (TLS) instead of plain HTTP. */
  tls?: { cert: string | Buffer; key: string | Buffer }
}

declare module 'fastify' {
  interface FastifyRequest {
    agent: AgentRecord | null
  }
}

function send(reply: FastifyReply, code: SyncErrorCode, message: string, expectedSeq?: number): FastifyReply {
  const body: SyncErrorBody = { error: { code, message, ...(expectedSeq !== undefined ? { expectedSeq } : {}) } }
  return reply.code(STATUS[code]).type('application/json').send(body)
}

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value)
  if (!parsed.success) {
    const detail = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.map(String).join('.') || 'body'}: ${i.message}`)
      .join('; ')
    throw new HttpError('bad_request', `The request is not valid: ${detail}.`)
  }
  return parsed.data
}

function agentOf(request: FastifyRequest): AgentRecord {
  if (!request.agent) throw new HttpError('unauthorized', 'Sign in first.')
  return request.agent
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { store } = options
  // On close, connections are cut rather than waited for: a request in flight then fails like a
  // network error, which every client retries, and a push's mutations are each committed or not.
  const base = { logger: options.logger ?? false, bodyLimit: MAX_BODY_BYTES, return503OnClosing: true, forceCloseConnections: true, trustProxy: options.trustProxy ?? false }
  // With TLS the server is an https.Server; the routes and hooks are the same, so the app is typed
  // as the plain one (Fastify's types only differ in the raw request/response classes, which the
  // nudger uses through the methods both share).
  const app = options.tls ? (Fastify({ ...base, https: { cert: options.tls.cert, key: options.tls.key } }) as unknown as FastifyInstance) : Fastify(base)
  const attempts = new AttemptLimiter(options.attemptLimits ?? DEFAULT_ATTEMPT_LIMITS)
  const nudger = new Nudger(store, options.heartbeatMs ?? 15_000)
  // Open event streams would hold close() forever: end them first, then stop listening.
  app.addHook('preClose', async () => nudger.endStreams())
  app.addHook('onClose', async () => nudger.close())
  app.decorateRequest('agent', null)

  // Only JSON bodies exist in this protocol; anything else is refused before a route runs.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, JSON.parse(body as string))
    } catch {
      done(new HttpError('bad_request', 'The body is not valid JSON.'), undefined)
    }
  })
  app.addContentTypeParser('*', (_req, _payload, done) => done(new HttpError('bad_request', 'Send JSON (Content-Type: application/json).'), undefined))

  app.setErrorHandler((error: unknown, request, reply) => {
    if (error instanceof HttpError) return send(reply, error.code, error.message, error.expectedSeq)
    if (error instanceof StoreError) return send(reply, error.code, error.message, error.expectedSeq)
    const fastifyCode = (error as { code?: string }).code
    if (fastifyCode === 'FST_ERR_CTP_BODY_TOO_LARGE') return send(reply, 'too_large', `The body is larger than ${MAX_BODY_BYTES} bytes.`)
    if (fastifyCode?.startsWith('FST_ERR_CTP_') || (error as { statusCode?: number }).statusCode === 400) {
      return send(reply, 'bad_request', 'The request could not be read.')
    }
    // A transient fault of the database (unreachable, restarting, a serialization failure that
    // outlived the retries) is 503: the same request succeeds later, so the client retries it.
    if (faultKind(error) === 'transient') {
      request.log.warn({ err: error }, 'request failed on a transient fault')
      return send(reply, 'unavailable', 'The server cannot reach its database just now: try again shortly. A push keeps the mutations handled before the failure.')
    }
    request.log.error({ err: error }, 'request failed')
    return send(reply, 'internal', 'The server failed; the details were logged. A push keeps the mutations handled before the failure: pull to see how far it got.')
  })
  app.setNotFoundHandler((_request, reply) => send(reply, 'not_found', 'There is no such route.'))

  // Every route but the health check needs a valid credential.
  app.addHook('onRequest', async (request, reply) => {
    if (request.url === '/v1/health') return
    const credential = bearerCredential(request.headers.authorization)
    if (!credential) throw new HttpError('unauthorized', 'A credential is required (Authorization: Bearer hf1.…).')
    const { agentId } = parseCredential(credential)!
    const limited = attempts.begin(request.ip, agentId)
    // While limited, a credential this process already verified still works (it costs no scrypt):
    // guessing at an agent's id must not sign the agent out.
    const agent = await store.authenticate(credential, { onlyRemembered: limited !== null })
    if (limited && !agent) {
      void reply.header('retry-after', String(limited.retryAfterSeconds))
      throw new HttpError('rate_limited', `Too many failed sign-ins from this address or for this agent; try again in ${limited.retryAfterSeconds} s.`)
    }
    if (!agent) throw new HttpError('unauthorized', 'The credential was not accepted: it is wrong, revoked, or its agent is disabled.')
    if (!limited) attempts.succeeded(request.ip, agentId)
    request.agent = agent
  })

  app.get('/v1/health', async () => ({ ok: true, protocol: PROTOCOL_VERSION }))

  app.get('/v1/me', async (request): Promise<MeResponse> => {
    const agent = agentOf(request)
    return {
      protocol: PROTOCOL_VERSION,
      serverId: await store.serverId(),
      agent: { id: agent.id, name: agent.name, email: agent.email, role: agent.role, tiers: agent.tiers },
      admin: agent.admin
    }
  })

  app.post('/v1/push', async (request) => store.push(agentOf(request), parse(pushRequest, request.body)))

  app.post('/v1/pull', async (request) => store.pull(agentOf(request), parse(pullRequest, request.body)))

  app.get('/v1/events', (request, reply) => {
    // The stream is ended when this credential stops signing in (a reset, a disabled agent).
    nudger.attach(request, reply, agentOf(request), bearerCredential(request.headers.authorization)!)
  })

  app.get('/v1/figures/escalations', async (request) => {
    const agent = agentOf(request)
    const q = parse(figuresQuery, request.query)
    const everyone = q.agentId === undefined
    if ((everyone || q.agentId !== agent.id) && agent.role !== 'supervisor') {
      throw new HttpError('forbidden', 'Only a supervisor can read other agents’ figures.')
    }
    const from = new Date(q.from).toISOString()
    const to = new Date(q.to).toISOString()
    // The one implementation: the report's per-agent rows (the supervisor view's numbers), and the
    // de-escalations (not a figure of domain.md) counted from the period's events.
    if (from === to) return { from, to, figures: [] }
    const report = await figuresReport(store.sql, { from, to, by: 'agent' }, q.agentId === undefined ? {} : { onlyAgent: q.agentId })
    const deescalations = new Map<string, number>()
    for (const e of await store.eventsInRange(from, to)) {
      if (e.type === 'deescalated' && e.actorId !== null && (everyone || e.actorId === q.agentId)) deescalations.set(e.actorId, (deescalations.get(e.actorId) ?? 0) + 1)
    }
    return { from, to, figures: escalationFiguresOf(report.rows, deescalations) }
  })

  registerFiguresRoutes(app, { store, parse, agentOf })
  registerAttachmentRoutes(app, { store, parse, agentOf })
  registerChannelRoutes(app, { store, agentOf })

  await nudger.start()
  return app
}
