import type { Envelope, EventName, EventPayloads, OperationName } from '../../../shared/contract'

declare global {
  interface Window {
    /** Exposed by the preload in Electron: exactly one method per operation of the contract. */
    handoff?: { [K in OperationName]: (args: unknown) => Promise<Envelope<unknown>> }
    /** Exposed by the preload in Electron: one subscription per event of the contract; each returns its unsubscribe. */
    handoffEvents?: { readonly [K in EventName]: (listener: (payload: EventPayloads[K]) => void) => () => void }
  }
}

export {}
