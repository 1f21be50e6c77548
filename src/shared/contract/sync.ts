import { z } from 'zod'
import { noArgs, operation, result } from './operation'

/** localhost, 127.0.0.0/8 and ::1: an address that never leaves this computer. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127(\.\d{1,3}){3}$/.test(hostname)
}

/** Where the console stands with its server (docs/sync-protocol.md). */
export const SYNC_STATES = ['local', 'signed_out', 'connecting', 'online', 'offline'] as const
export type SyncState = (typeof SYNC_STATES)[number]
export interface SyncStatus {
  /** 'local': a workspace of this computer only (demo or empty), never synced. */
  state: SyncState
  serverUrl: string | null
  /** The agent this workspace is bound to on the server. */
  agentId: string | null
  /** Local changes not yet confirmed by a pull. */
  pending: number
  lastSyncedAt: string | null
  /** During the first sync of a workspace: items received and items in scope. */
  firstSync: { done: number; total: number } | null
  /** Changes the server refused and the agent has not dismissed yet. */
  rejections: number
  /** Goes up whenever a pull changed local data: the UI reloads what it shows. */
  dataVersion: number
  /** Why the last attempt failed (offline, credential refused), for the status line. */
  lastError: string | null
  /**
   * What a pull did that the agent should hear of and is no refusal, oldest first, until they
   * dismiss it: "Your new item “X” is now in the Support tier 1 queue, outside your queues."
   */
  notices: string[]
}

/** A change the server refused, with its reason, kept until the agent dismisses it. */
export interface SyncRejection {
  seq: number
  mutationId: string
  name: string
  code: string
  message: string
  itemId: string | null
  at: string
}

const serverUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((u) => /^https?:\/\/[^\s/]+/i.test(u) && URL.canParse(u), 'Enter the server address, like https://handoff.example.com.')

/** Plain http:// to another computer: the credential, sent with every request, would cross the network in clear. */
export function isUnencryptedRemote(serverUrl: string): boolean {
  const u = serverUrl.trim()
  if (!URL.canParse(u)) return false
  const url = new URL(u)
  return url.protocol === 'http:' && !isLoopbackHost(url.hostname)
}

/** The workspace's server: connecting to it, its status, and the changes it refused. */
export const syncOperations = {
  'sync.status': operation({ args: noArgs, result: result<SyncStatus>() }),
  'sync.signIn': operation({
    args: z
      .object({
        serverUrl,
        credential: z.string().trim().min(1, 'Enter your credential.').max(200),
        /** The agent ticked "Allow an unencrypted connection" for a plain http:// server on another computer. */
        allowUnencrypted: z.boolean().optional()
      })
      .strict()
      // The credential travels with every request: in clear only to this computer, unless the agent explicitly allows it.
      .refine((a) => a.allowUnencrypted === true || !isUnencryptedRemote(a.serverUrl), {
        path: ['serverUrl'],
        message: 'Use https:// for a server on another computer (plain http:// only reaches this one), or allow an unencrypted connection.'
      }),
    result: result<SyncStatus>(),
    async: true
  }),
  'sync.signOut': operation({ args: noArgs, result: result<SyncStatus>() }),
  'sync.rejections': operation({ args: noArgs, result: result<SyncRejection[]>() }),
  'sync.dismissRejection': operation({ args: z.object({ seq: z.number().int().min(1) }).strict(), result: result<SyncStatus>() }),
  'sync.dismissNotices': operation({ args: noArgs, result: result<SyncStatus>() })
}
