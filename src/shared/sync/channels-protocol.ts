/**
 * The channels' health for supervisors (issue 12):
 *
 *   GET /v1/channels  -> ChannelsResponse   (supervisors only; anyone else 403)
 *
 * Per channel: what it is (id, kind, name, the support address), whether it is switched off, what
 * its runner last saw (connected, last poll, last error), its delivery queue (replies waiting or
 * being handed over, failed, unconfirmed) and what came in over the last 24 hours (became items,
 * ignored as automated, refused as unreadable), with the latest reasons mail was refused. Never
 * its configuration: no server names, user names or where passwords are.
 */
import { z } from 'zod'

/** The kinds of channel the server runs (part 2 of issue 12 adds more). */
export const CHANNEL_KINDS = ['email'] as const
export type ChannelKind = (typeof CHANNEL_KINDS)[number]

/** How many of the latest refusals a channel's health lists. */
export const MAX_RECENT_REFUSALS = 5
/** The window of the inbound counts. */
export const INBOUND_WINDOW_HOURS = 24

const iso = z.iso.datetime({ offset: false })
const count = z.number().int().min(0)

export const channelHealthWire = z
  .object({
    id: z.string().min(1).max(64),
    kind: z.enum(CHANNEL_KINDS),
    name: z.string().min(1).max(200),
    /** The support address customers write to. */
    address: z.string().max(320),
    disabled: z.boolean(),
    connected: z.boolean(),
    lastPollAt: iso.nullable(),
    lastError: z.string().max(2000).nullable(),
    lastErrorAt: iso.nullable(),
    /** The delivery queue: queued (waiting or being handed over now), failed (retrying or given up), unconfirmed (maybe sent: the agent decides). */
    deliveries: z.object({ queued: count, failed: count, unconfirmed: count }).strict(),
    /** Inbound messages of the last INBOUND_WINDOW_HOURS hours, by what became of them. */
    inbound: z.object({ items: count, ignored: count, refused: count }).strict(),
    /** The latest refused messages, newest first, with why (any age). */
    recentRefusals: z
      .array(z.object({ at: iso, reason: z.string().max(500) }).strict())
      .max(MAX_RECENT_REFUSALS)
  })
  .strict()
export type ChannelHealth = z.infer<typeof channelHealthWire>

export const channelsResponse = z
  .object({
    /** When the server read these. */
    asOf: iso,
    channels: z.array(channelHealthWire).max(1000)
  })
  .strict()
export type ChannelsResponse = z.infer<typeof channelsResponse>
