import { CREDENTIAL_PATTERN } from '../../shared/sync/protocol'

/** The credential of an `Authorization: Bearer hf1.…` header, or null when there is none or it is malformed. */
export function bearerCredential(header: string | undefined): string | null {
  if (typeof header !== 'string') return null
  const match = /^Bearer ([^\s]+)$/.exec(header.trim())
  const credential = match?.[1]
  return credential && CREDENTIAL_PATTERN.test(credential) ? credential : null
}
