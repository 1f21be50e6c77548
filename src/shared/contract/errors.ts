import type { RejectionCode } from '../mutations/types'

/** Every way a call can fail, as data that crosses process boundaries intact. */
export const ERROR_CODES = ['invalid_argument', 'too_large', 'unknown_operation', 'not_found', 'rejected', 'not_signed_in', 'unauthorized', 'unreachable', 'database_refused', 'internal'] as const
export type ErrorCode = (typeof ERROR_CODES)[number]

export interface Issue {
  path: string
  message: string
}

export interface HandoffErrorData {
  code: ErrorCode
  message: string
  /** For `rejected`: which rule refused the change. */
  rejection?: RejectionCode
  /** For `invalid_argument`: each field that was wrong. */
  issues?: Issue[]
}

export type Envelope<R> = { ok: true; value: R } | { ok: false; error: HandoffErrorData }

/** Thrown inside a process; turned into an Envelope at its door, and back into an error on the other side. */
export class HandoffError extends Error {
  readonly code: ErrorCode
  readonly rejection: RejectionCode | undefined
  readonly issues: Issue[] | undefined
  constructor(data: HandoffErrorData) {
    super(data.message)
    this.name = 'HandoffError'
    this.code = data.code
    this.rejection = data.rejection
    this.issues = data.issues
  }
  toData(): HandoffErrorData {
    return {
      code: this.code,
      message: this.message,
      ...(this.rejection ? { rejection: this.rejection } : {}),
      ...(this.issues ? { issues: this.issues } : {})
    }
  }
}

export const isEnvelope = (x: unknown): x is Envelope<unknown> => typeof x === 'object' && x !== null && typeof (x as { ok?: unknown }).ok === 'boolean'
