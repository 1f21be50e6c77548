/**
 * The Electron shell's security decisions as small pure functions, so each rule is unit-tested
 * in plain Node (no Electron binary needed). index.ts only wires them to Electron's hooks.
 */

/** Parses a URL, or null: a string that does not parse is never trusted. */
const parse = (url: string): URL | null => {
  try {
    return new URL(url)
  } catch {
    return null
  }
}

/**
 * Is `url` a page of the app itself? `appUrl` is where the renderer was loaded from: in
 * development the Vite dev server (`http://localhost:5173/`), where any page of that origin is
 * the app; in production the built `file:///…/out/renderer/index.html`, where only that very
 * file is (its query and hash may differ: routing lives in the hash).
 */
export function isAppUrl(url: string, appUrl: string): boolean {
  const candidate = parse(url)
  const app = parse(appUrl)
  if (!candidate || !app) return false
  if (app.protocol === 'file:') {
    return candidate.protocol === 'file:' && candidate.host === app.host && candidate.pathname === app.pathname
  }
  if (app.protocol === 'http:' || app.protocol === 'https:') {
    return candidate.origin === app.origin
  }
  return false
}

const MAX_EXTERNAL_URL_LENGTH = 2048
/** mailto: fields a mail client may honour; anything else (e.g. `attach=`) is refused. */
const MAILTO_FIELDS = new Set(['subject', 'body', 'cc', 'bcc', 'to'])

/**
 * May this link be handed to the operating system? Only https: web pages and mailto: addresses,
 * with no credentials, no whitespace or control characters, and within a sane length.
 * Returns the normalized URL to open, or null.
 */
export function safeExternalUrl(url: unknown): string | null {
  if (typeof url !== 'string' || url.length === 0 || url.length > MAX_EXTERNAL_URL_LENGTH) return null
  // The URL parser silently strips tabs and newlines; refuse them (and every control char) instead.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f\\]/.test(url)) return null
  const parsed = parse(url)
  if (!parsed) return null
  if (parsed.protocol === 'https:') {
    if (parsed.username !== '' || parsed.password !== '' || parsed.hostname === '') return null
    return parsed.href
  }
  if (parsed.protocol === 'mailto:') {
    if (parsed.pathname === '' && parsed.search === '') return null
    for (const key of parsed.searchParams.keys()) {
      if (!MAILTO_FIELDS.has(key.toLowerCase())) return null
    }
    return parsed.href
  }
  return null
}

export const isSafeExternalUrl = (url: unknown): boolean => safeExternalUrl(url) !== null

/**
 * The single way the app opens a link outside itself: checks the link, then hands the
 * normalized URL to `open` (Electron's `shell.openExternal` in index.ts). Returns whether it
 * was opened.
 */
export function createOpenExternalSafely(open: (url: string) => Promise<void>, onError: (error: unknown) => void = () => {}): (url: unknown) => boolean {
  return (url) => {
    const safe = safeExternalUrl(url)
    if (safe === null) return false
    open(safe).catch(onError)
    return true
  }
}

/**
 * Content-Security-Policy of the renderer. Production: only the app's own files, no inline
 * script, no eval, no plugins, no frames. Development adds what Vite's dev server needs
 * (its HMR websocket and the React refresh preamble, an inline script).
 */
export function cspHeader(mode: 'production' | 'development' = 'production'): string {
  const dev = mode === 'development'
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    'script-src': dev ? ["'self'", "'unsafe-inline'"] : ["'self'"],
    'style-src': dev ? ["'self'", "'unsafe-inline'"] : ["'self'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': dev ? ["'self'", 'ws://localhost:*', 'ws://127.0.0.1:*'] : ["'self'"],
    'object-src': ["'none'"],
    'frame-src': ["'none'"],
    'worker-src': ["'self'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'frame-ancestors': ["'none'"]
  }
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ')
}

/** The parts of Electron's WebFrameMain that the sender check reads. */
export interface FrameLike {
  readonly url: string
  readonly parent: unknown
  readonly processId: number
  readonly routingId: number
}

export interface ExpectedSender {
  /** Where the app was loaded from (see isAppUrl). */
  appUrl: string
  /** The main window's top frame right now, or null when there is no window. */
  mainFrame: () => Pick<FrameLike, 'processId' | 'routingId'> | null
}

/**
 * Did this IPC message come from the app's own page in the main window's top frame? Refuses a
 * missing frame, any sub-frame, a frame of another window or webContents, and any URL that is
 * not the app's (about:blank included).
 */
export function isTrustedSender(frame: FrameLike | null | undefined, expected: ExpectedSender): boolean {
  if (!frame) return false
  if (frame.parent !== null) return false
  const main = expected.mainFrame()
  if (!main || main.processId !== frame.processId || main.routingId !== frame.routingId) return false
  return isAppUrl(frame.url, expected.appUrl)
}
