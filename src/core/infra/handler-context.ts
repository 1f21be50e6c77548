import type { Database } from 'better-sqlite3'

/**
 * What every capability's handlers share over one open workspace. Declared here, at the
 * bottom floor, so a capability folder can take it without importing the top of the core
 * (src/core/handler-context.ts makes one; src/core/handlers.ts hands it to each capability).
 */
export interface HandlerContext {
  readonly db: Database
  /** The clock (tests pin it). */
  readonly clock: () => Date
  /** The signed-in agent, or null. A workspace bound to a server is always its bound agent's. */
  signedIn(): string | null
  /** The signed-in agent, who a change is recorded as; not_signed_in when there is none. */
  actorId(): string
  /** Whether the workspace is bound to a server (its changes then keep shadows for a rebase). */
  isBound(): boolean
  /** To call after a handler changed who is signed in. */
  forgetSession(): void
  /** Refuses what only a local workspace may do while this one is bound to a server; `what` ends the message. */
  refuseWhenBound(what: string): void
}
