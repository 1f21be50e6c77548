/**
 * The browser harness hands the renderer a one-off token in the URL hash (`#token=...`). It is
 * read once at start-up, kept in sessionStorage so a reload still works, and the hash is removed
 * so the token does not linger in the address bar or in history.
 */
const KEY = 'handoff.token'

let token: string | null = null

export function readTokenFromLocation(): void {
  const hash = window.location.hash.replace(/^#/, '')
  const fromHash = new URLSearchParams(hash).get('token')
  if (fromHash) {
    token = fromHash
    try {
      sessionStorage.setItem(KEY, fromHash)
    } catch {
      // Storage may be unavailable (private mode); the in-memory copy still works until reload.
    }
    const { pathname, search } = window.location
    window.history.replaceState(window.history.state, '', pathname + search)
    return
  }
  try {
    token = sessionStorage.getItem(KEY)
  } catch {
    token = null
  }
}

export function harnessToken(): string | null {
  return token
}
