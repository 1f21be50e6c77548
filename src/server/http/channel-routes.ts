/**
 * GET /v1/channels: the channels' health for supervisors (shapes in
 * src/shared/sync/channels-protocol.ts): what each channel's runner last saw (channels table),
 * its delivery queue (deliveries) and its last day of inbound mail (inbound_messages). Read in one
 * read-only transaction, so the counts agree with each other. Nothing of a channel's config
 * (servers, user names, where passwords are) is ever sent.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { INBOUND_WINDOW_HOURS, MAX_RECENT_REFUSALS, channelsResponse, type ChannelHealth, type ChannelsResponse } from '../../shared/sync/channels-protocol'
import { listChannels } from '../channels/registry'
import type { AgentRecord, ServerStore } from '../store'
import type { SqlClient } from '../store/sql'
import { HttpError } from './errors'

export interface ChannelRouteDeps {
  store: ServerStore
  /** The signed-in agent (throws its 401). */
  agentOf(request: FastifyRequest): AgentRecord
}

interface DeliveryCounts {
  channel_id: string
  queued: string | number
  failed: string | number
  unconfirmed: string | number
}
interface InboundCounts {
  channel_id: string
  items: string | number
  ignored: string | number
  refused: string | number
}
interface Refusal {
  channel_id: string
  reason: string | null
  received_at: Date | string
}

const iso = (d: Date | string) => new Date(d).toISOString()
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text)

/** Every channel's health, as of now (the database's clock). */
export async function channelsHealth(sql: SqlClient): Promise<ChannelsResponse> {
  return sql.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY')
    const { rows: clock } = await tx.query<{ now: Date | string }>('SELECT now() AS now')
    const channels = await listChannels(tx)
    const deliveries = await tx.query<DeliveryCounts>(
      `SELECT channel_id,
              count(*) FILTER (WHERE state IN ('queued', 'sending')) AS queued,
              count(*) FILTER (WHERE state = 'failed') AS failed,
              count(*) FILTER (WHERE state = 'unconfirmed') AS unconfirmed
         FROM deliveries WHERE channel_id IS NOT NULL GROUP BY channel_id`
    )
    const inbound = await tx.query<InboundCounts>(
      `SELECT channel_id,
              count(*) FILTER (WHERE status = 'item') AS items,
              count(*) FILTER (WHERE status = 'ignored') AS ignored,
              count(*) FILTER (WHERE status = 'refused') AS refused
         FROM inbound_messages WHERE received_at > now() - make_interval(hours => $1) GROUP BY channel_id`,
      [INBOUND_WINDOW_HOURS]
    )
    const refusals = await tx.query<Refusal>(
      `SELECT channel_id, reason, received_at FROM (
         SELECT channel_id, reason, received_at, row_number() OVER (PARTITION BY channel_id ORDER BY received_at DESC, external_id) AS n
           FROM inbound_messages WHERE status = 'refused') r
        WHERE n <= $1 ORDER BY channel_id, received_at DESC, n`,
      [MAX_RECENT_REFUSALS]
    )
    const deliveriesOf = new Map(deliveries.rows.map((r) => [r.channel_id, r]))
    const inboundOf = new Map(inbound.rows.map((r) => [r.channel_id, r]))
    const refusalsOf = new Map<string, ChannelHealth['recentRefusals']>()
    for (const r of refusals.rows) {
      const list = refusalsOf.get(r.channel_id) ?? []
      list.push({ at: iso(r.received_at), reason: clip(r.reason ?? 'No reason was recorded.', 500) })
      refusalsOf.set(r.channel_id, list)
    }
    const answer: ChannelsResponse = {
      asOf: iso(clock[0]!.now),
      channels: channels.map((c): ChannelHealth => {
        const d = deliveriesOf.get(c.id)
        const i = inboundOf.get(c.id)
        return {
          id: c.id,
          kind: c.kind,
          name: c.name,
          address: c.address,
          disabled: c.disabled,
          connected: c.health.connected,
          lastPollAt: c.health.lastPollAt,
          lastError: c.health.lastError === null ? null : clip(c.health.lastError, 2000),
          lastErrorAt: c.health.lastErrorAt,
          deliveries: { queued: Number(d?.queued ?? 0), failed: Number(d?.failed ?? 0), unconfirmed: Number(d?.unconfirmed ?? 0) },
          inbound: { items: Number(i?.items ?? 0), ignored: Number(i?.ignored ?? 0), refused: Number(i?.refused ?? 0) },
          recentRefusals: refusalsOf.get(c.id) ?? []
        }
      })
    }
    // The server holds itself to the shapes a console checks (a stray column never leaks out).
    return channelsResponse.parse(answer)
  })
}

export function registerChannelRoutes(app: FastifyInstance, { store, agentOf }: ChannelRouteDeps): void {
  app.get('/v1/channels', async (request): Promise<ChannelsResponse> => {
    const agent = agentOf(request)
    if (agent.role !== 'supervisor') throw new HttpError('forbidden', 'Only a supervisor can see the channels.')
    return channelsHealth(store.sql)
  })
}
