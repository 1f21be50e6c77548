import type { Database } from 'better-sqlite3'
import { HandoffError } from '../shared/contract'
import { signedInAgentId } from './people/session'
import type { SyncController } from './sync/controller'

/** What every capability's handlers share over one open workspace. */
export interface HandlerContext {
  readonly db: Database
  /** The clock (tests pin it). */
  readonly clock: () => Date
  readonly sync: SyncController
  /** The signed-in agent, or null. A workspace bound to a server is always its bound agent's. */
  signedIn(): string | null
  /** The signed-in agent, who a change is recorded as; not_signed_in when there is none. */
  actorId(): string
  /** To call after a handler changed who is signed in. */
  forgetSession(): void
  /** Refuses what only a local workspace may do while this one is bound to a server; `what` ends the message. */
  refuseWhenBound(what: string): void
}

export function createHandlerContext(db: Database, clock: () => Date, sync: SyncController): HandlerContext {
  // The signed-in agent, read from meta once and then kept: only the session handlers change it
  // (and call forgetSession), and agents are never deleted.
  let session: { agentId: string | null } | null = null
  const signedIn = (): string | null => sync.boundAgentId() ?? (session ??= { agentId: signedInAgentId(db) }).agentId
  return {
    db,
    clock,
    sync,
    signedIn,
    actorId: () => {
      const id = signedIn()
      if (!id) throw new HandoffError({ code: 'not_signed_in', message: 'Sign in as an agent before changing anything.' })
      return id
    },
    forgetSession: () => {
      session = null
    },
    refuseWhenBound: (what) => {
      if (sync.boundAgentId() !== null) {
        throw new HandoffError({ code: 'rejected', rejection: 'forbidden', message: `This workspace is connected to a server; ${what}` })
      }
    }
  }
}
