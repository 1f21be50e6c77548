/** The store's typed errors: the HTTP layer maps each code to a status (400/403/409/404). */
export type StoreErrorCode = 'bad_request' | 'forbidden' | 'sequence_gap' | 'client_conflict' | 'not_found'

export class StoreError extends Error {
  readonly code: StoreErrorCode
  /** For 'sequence_gap': the seq the server expects next for this client. */
  readonly expectedSeq?: number
  constructor(code: StoreErrorCode, message: string, expectedSeq?: number) {
    super(message)
    this.name = 'StoreError'
    this.code = code
    if (expectedSeq !== undefined) this.expectedSeq = expectedSeq
  }
}

/** Thrown by openStore when the database was migrated by a newer server than this one. */
export class SchemaTooNewError extends Error {
  readonly found: number
  readonly known: number
  constructor(found: number, known: number) {
    super(`The database has schema version ${found}, but this server knows versions up to ${known}: upgrade the server (never run an older server on a newer store).`)
    this.name = 'SchemaTooNewError'
    this.found = found
    this.known = known
  }
}
