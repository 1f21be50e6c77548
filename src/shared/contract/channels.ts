import type { ChannelsResponse } from '../sync/channels-protocol'
import { noArgs, operation, result } from './operation'

/** The channels' health as the server last reported it (shapes in shared/sync/channels-protocol.ts). */
export type ChannelsHealth = ChannelsResponse

/**
 * The channels (email mailboxes) run on the sync server; supervisors see their health in
 * Settings. Asked of the server each time: a local workspace has no channels.
 */
export const channelOperations = {
  'channels.health': operation({ args: noArgs, result: result<ChannelsHealth>(), async: true })
}
