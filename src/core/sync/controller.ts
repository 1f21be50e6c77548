import { isDeepStrictEqual } from 'node:util'
import type { Database } from 'better-sqlite3'
import { HandoffError, type Handlers, type SyncRejection, type SyncStatus } from '../../shared/contract'
import { parseCredential, type MeResponse } from '../../shared/sync/protocol'
import { outboxPending } from '../infra/outbox'
import { META, deleteMeta, getMeta } from '../infra/meta'
import { plucked, prepared } from '../infra/statements'
import { assertCanBind, bindWorkspace, readBinding, type Binding } from './binding'
import type { CoreEvents } from '../infra/events'
import { arrivalNotices } from '../items/arrivals'
import { syncNotices, type PurgeKeeper } from './apply-pull'
import type { CredentialVault } from './credentials'
import { SyncEngine, type Timers } from './engine'
import { httpTransport, isSyncTransportError, normalizeServerUrl, type SyncTransport } from './transport'

export type TransportFactory = (serverUrl: string, credential: string) => SyncTransport

export interface SyncControllerOptions {
  vault: CredentialVault
  /** What keeps facts about the items a pull deletes (apply-pull.ts): the personal figures' archive. */
  keeper: PurgeKeeper
  transportFactory?: TransportFactory
  /** The fetch of the default (HTTP) transport. */
  fetch?: typeof fetch
  now: () => Date
  timers?: Timers
  random?: () => number
  pollMs?: number
  log?: (message: string, error: unknown) => void
  /** Where outbox.changed, sync.changed, items.changed and messages.arrived go (src/shared/contract/events.ts). */
  events?: CoreEvents
}

type SyncHandlers = Pick<Handlers, 'sync.status' | 'sync.signIn' | 'sync.signOut' | 'sync.rejections' | 'sync.dismissRejection' | 'sync.dismissNotices'>

/**
 * The sync side of the core: the binding, the credential (through the vault), the engine, and
 * the sync.* operations. The other handlers ask it whether the workspace is bound (then the
 * signed-in agent is the bound one) and tell it when a mutation was recorded.
 */
export interface SyncController {
  handlers: SyncHandlers
  /** The agent the workspace is bound to, or null while it is local. */
  boundAgentId(): string | null
  /** A local mutation was recorded (and committed): push it soon, and announce the outbox. */
  notifyLocalChange(): void
  /** Local data changed outside a mutation and a pull (an unread mark cleared, committed): items.changed, as for a pull. */
  notifyDataChanged(): void
  /** At start-up: starts the engine when the workspace is bound and the vault has a credential. */
  resume(): Promise<void>
  /** The running engine, if any (tests). */
  engine(): SyncEngine | null
  /** For calls outside the sync loop (figures): the bound server, the stored credential and the fetch to use; null while local or signed out. */
  serverAccess(): Promise<ServerAccess | null>
  close(): void
}

export interface ServerAccess {
  serverUrl: string
  credential: string
  fetch: typeof fetch
}

export function createSyncController(db: Database, options: SyncControllerOptions): SyncController {
  const transportFactory: TransportFactory = options.transportFactory ?? ((url, credential) => httpTransport(url, credential, options.fetch ?? fetch))
  let binding: Binding | null = readBinding(db)
  let engine: SyncEngine | null = null
  let resuming = false
  let closed = false
  let lastError: string | null = null
  let dataVersion = 0
  const log = options.log ?? ((message: string, error: unknown) => console.error(message, error))
  /** The status last sent as sync.changed (null: none yet, or nobody was listening). */
  let announced: SyncStatus | null = null

  const startEngine = (transport: SyncTransport) => {
    engine?.stop()
    lastError = null
    const started = new SyncEngine({
      db,
      transport,
      keeper: options.keeper,
      now: options.now,
      ...(options.timers ? { timers: options.timers } : {}),
      ...(options.random ? { random: options.random } : {}),
      ...(options.pollMs ? { pollMs: options.pollMs } : {}),
      log,
      onDataChanged: () => dataChanged(),
      onArrived: (arrived) => {
        // The bound agent's own items only: a notification is for the work that is theirs.
        const events = options.events
        const agentId = binding?.agentId
        if (closed || !events?.listened || !agentId) return
        try {
          for (const notice of arrivalNotices(db, arrived, agentId)) events.emit('messages.arrived', notice)
        } catch (e) {
          log('[handoff sync] could not announce the messages that arrived:', e)
        }
      },
      onChange: () => announce(),
      onUnauthorized: (message) => {
        lastError = message
        if (engine === started) engine = null
        announce()
      }
    })
    engine = started
    started.start()
  }

  /** Data the screen shows changed (committed): a new data version, and items.changed. */
  const dataChanged = (): void => {
    dataVersion++
    if (!closed) options.events?.emit('items.changed', { dataVersion })
  }

  const status = (): SyncStatus => {
    const state: SyncStatus['state'] = !binding ? 'local' : engine ? engine.state : resuming ? 'connecting' : 'signed_out'
    return {
      state,
      serverUrl: binding?.serverUrl ?? null,
      agentId: binding?.agentId ?? null,
      pending: outboxPending(db),
      lastSyncedAt: getMeta(db, META.syncLastSyncedAt),
      firstSync: engine?.firstSync ?? null,
      rejections: plucked<[], number>(db, 'SELECT count(*) FROM sync_rejections WHERE dismissed = 0').get() ?? 0,
      dataVersion,
      lastError: engine ? engine.lastError : lastError,
      notices: syncNotices(db)
    }
  }

  /**
   * Tells the listeners what differs from the last announcement: outbox.changed when the outbox's
   * size did, sync.changed when anything of the status did. Called after every commit or state
   * change that may have moved either; the status costs two counts, so only while someone
   * listens. The first announcement after listening starts sends both (a new listener knows
   * neither). Never throws: its callers have already committed.
   */
  const announce = (next?: SyncStatus): void => {
    const events = options.events
    if (!events || closed) return
    if (!events.listened) {
      announced = null
      return
    }
    try {
      const now = next ?? status()
      if (announced?.pending !== now.pending) events.emit('outbox.changed', { pending: now.pending })
      if (!isDeepStrictEqual(announced, now)) events.emit('sync.changed', now)
      // A copy: a listener in this thread may keep (or change) the object it was given.
      announced = structuredClone(now)
    } catch (e) {
      log('[handoff sync] could not announce the sync status:', e)
    }
  }
  /** The sync.* handlers answer with the status, announced first. */
  const answer = (): SyncStatus => {
    const now = status()
    announce(now)
    return now
  }

  const signIn = async ({ serverUrl, credential }: { serverUrl: string; credential: string }): Promise<SyncStatus> => {
    const url = normalizeServerUrl(serverUrl)
    if (!parseCredential(credential)) {
      throw new HandoffError({ code: 'unauthorized', message: 'This is not a Handoff credential: it looks like hf1.<agent>.<secret>. Copy it again from your administrator.' })
    }
    assertCanBind(db) // a local workspace with data is refused before any network call
    const transport = transportFactory(url, credential)
    let me: MeResponse
    try {
      me = await transport.me()
    } catch (e) {
      throw toSignInError(e, url)
    }
    if (closed) throw new HandoffError({ code: 'internal', message: 'Handoff is closing.' })
    assertCanBind(db, me)
    try {
      await options.vault.save(credential)
    } catch (e) {
      throw new HandoffError({ code: 'internal', message: `Your credential could not be stored safely: ${e instanceof Error ? e.message : String(e)}` })
    }
    try {
      binding = bindWorkspace(db, url, me)
    } catch (e) {
      await options.vault.clear().catch(() => undefined)
      throw e
    }
    if (!closed) startEngine(transport)
    return answer()
  }

  return {
    handlers: {
      'sync.status': status,
      'sync.signIn': signIn,
      'sync.signOut': () => {
        engine?.stop()
        engine = null
        lastError = null
        // The workspace stays bound with its data and outbox; only the credential goes.
        options.vault.clear().catch((e: unknown) => log('[handoff sync] could not forget the credential:', e))
        return answer()
      },
      'sync.rejections': (): SyncRejection[] =>
        prepared<[], SyncRejection>(
          db,
          'SELECT seq, mutation_id AS mutationId, name, code, message, item_id AS itemId, at FROM sync_rejections WHERE dismissed = 0 ORDER BY seq'
        ).all(),
      'sync.dismissRejection': ({ seq }) => {
        const r = prepared(db, 'UPDATE sync_rejections SET dismissed = 1 WHERE seq = ?').run(seq)
        if (r.changes === 0) throw new HandoffError({ code: 'not_found', message: `There is no refused change ${seq}.` })
        return answer()
      },
      'sync.dismissNotices': () => {
        deleteMeta(db, META.syncNotices)
        return answer()
      }
    },
    boundAgentId: () => binding?.agentId ?? null,
    notifyLocalChange: () => {
      engine?.notifyLocalChange()
      announce()
    },
    notifyDataChanged: () => {
      dataChanged()
      announce()
    },
    async resume() {
      if (!binding || engine) return
      resuming = true
      announce()
      try {
        const credential = await options.vault.load()
        if (credential && binding && !engine && !closed) startEngine(transportFactory(binding.serverUrl, credential))
      } catch (e) {
        lastError = `Your saved credential could not be read: ${e instanceof Error ? e.message : String(e)}`
      } finally {
        resuming = false
        announce()
      }
    },
    engine: () => engine,
    async serverAccess() {
      const bound = binding
      if (!bound) return null
      const credential = await options.vault.load()
      return credential ? { serverUrl: bound.serverUrl, credential, fetch: options.fetch ?? fetch } : null
    },
    close() {
      closed = true
      engine?.stop()
      engine = null
    }
  }
}

function toSignInError(e: unknown, url: string): HandoffError {
  if (isSyncTransportError(e)) {
    if (e.unauthorized) return new HandoffError({ code: 'unauthorized', message: 'The server did not accept this credential. Check it, or ask your administrator for a new one.' })
    if (e.kind === 'network') return new HandoffError({ code: 'unreachable', message: `Could not reach the server at ${url}. Check the address and your connection. (${e.message})` })
    if (e.kind === 'invalid') return new HandoffError({ code: 'unreachable', message: `${url} did not answer like a Handoff server. Check the address.` })
    return new HandoffError({ code: 'unreachable', message: `The server at ${url} answered with an error (${e.status ?? 'unknown'}): ${e.message}` })
  }
  return new HandoffError({ code: 'unreachable', message: `Could not reach the server at ${url}: ${e instanceof Error ? e.message : String(e)}` })
}
