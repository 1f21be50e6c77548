import type { Database } from 'better-sqlite3'
import { HandoffError } from '../shared/contract'
import { signedInAgentId } from './people/session'
import type { SyncController } from './sync/controller'
import type { HandlerContext } from './infra/handler-context'

export type { HandlerContext }

/** The handlers' context over one open workspace; the sync controller says whether it is bound. */
export function createHandlerContext(db: Database, clock: () => Date, sync: SyncController): HandlerContext {
  // The signed-in agent, read from meta once and then kept: only the session handlers change it
  // (and call forgetSession), and agents are never deleted.
  let session: { agentId: string | null } | null = null
  const signedIn = (): string | null => sync.boundAgentId() ?? (session ??= { agentId: signedInAgentId(db) }).agentId
  return {
    db,
    clock,
    signedIn,
    isBound: () => sync.boundAgentId() !== null,
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
