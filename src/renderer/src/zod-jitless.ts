import { z } from 'zod'

/**
 * Imported first by main.tsx. zod 4 probes for eval (`new Function('')`) when its first object
 * schema is built, to compile fast parsers; the renderer's Content-Security-Policy forbids eval,
 * so the probe is refused and reported as a CSP violation on every start. jitless skips the
 * probe (zod then parses without generated code, as it would after a refused probe anyway).
 */
z.config({ jitless: true })
