import type { Envelope, OperationName } from '../../../shared/contract'

declare global {
  interface Window {
    /** Exposed by the preload in Electron: exactly one method per operation of the contract. */
    handoff?: { [K in OperationName]: (args: unknown) => Promise<Envelope<unknown>> }
  }
}

export {}
