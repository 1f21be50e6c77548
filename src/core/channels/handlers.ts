/**
 * channels.health: the server's channels and their health (GET /v1/channels), for a supervisor of
 * a workspace bound to a server. Asked each time, never cached: an old "connected" would mislead.
 * A local workspace is told channels need a server; any other agent is refused before any request.
 */
import { HandoffError, type Handlers } from '../../shared/contract'
import { channelsResponse } from '../../shared/sync/channels-protocol'
import type { HandlerContext } from '../infra/handler-context'
import { agentById } from '../people/directory'
import type { SyncController } from '../sync/controller'
import { isSyncTransportError, normalizeServerUrl, requestJson } from '../sync/transport'

/** A supervisor waits for the health table, but not long. */
export const CHANNELS_TIMEOUT_MS = 15_000

const forbidden = (message = 'Only a supervisor can see the channels.') => new HandoffError({ code: 'rejected', rejection: 'forbidden', message })

export function channelHandlers(ctx: HandlerContext, sync: SyncController) {
  return {
    'channels.health': async () => {
      const agentId = sync.boundAgentId()
      if (agentId === null) {
        throw new HandoffError({ code: 'not_signed_in', message: 'Channels run on a sync server: connect this workspace to a server to see them.' })
      }
      if (agentById(ctx.db, agentId)?.role !== 'supervisor') throw forbidden()
      const access = await sync.serverAccess()
      if (!access) throw new HandoffError({ code: 'not_signed_in', message: 'You are signed out of the server: sign in again to see the channels.' })
      try {
        return await requestJson(
          { base: normalizeServerUrl(access.serverUrl), credential: access.credential, fetchImpl: access.fetch, timeoutMs: CHANNELS_TIMEOUT_MS },
          'GET',
          '/v1/channels',
          undefined,
          channelsResponse
        )
      } catch (e) {
        if (!isSyncTransportError(e)) throw e
        if (e.unauthorized) throw new HandoffError({ code: 'unauthorized', message: 'The server no longer accepts your credential. Sign in again.' })
        if (e.kind === 'http' && (e.status === 403 || e.code === 'forbidden')) throw forbidden(e.message)
        if (e.kind === 'network') throw new HandoffError({ code: 'unreachable', message: `The server cannot be reached, so the channels’ health cannot be shown now. (${e.message})` })
        throw new HandoffError({ code: 'unreachable', message: `The server could not give the channels’ health: ${e.message}` })
      }
    }
  } satisfies Partial<Handlers>
}
