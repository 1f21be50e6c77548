import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it, vi } from 'vitest'
import { createOpenExternalSafely, cspHeader, isAppUrl, isSafeExternalUrl, isTrustedSender, safeExternalUrl, type FrameLike } from '../../src/main/security'

const fileApp = 'file:///opt/handoff/out/renderer/index.html'
const devApp = 'http://localhost:5173'

describe('isAppUrl', () => {
  it('accepts the built renderer file, whatever its hash or query', () => {
    expect(isAppUrl(fileApp, fileApp)).toBe(true)
    expect(isAppUrl(`${fileApp}#/items/42`, fileApp)).toBe(true)
    expect(isAppUrl(`${fileApp}?x=1`, fileApp)).toBe(true)
  })
  it('refuses any other file, even next to it or reached through dot segments', () => {
    expect(isAppUrl('file:///opt/handoff/out/renderer/other.html', fileApp)).toBe(false)
    expect(isAppUrl('file:///etc/passwd', fileApp)).toBe(false)
    expect(isAppUrl('file:///opt/handoff/out/renderer/../renderer/index.html', fileApp)).toBe(true) // normalized to the same file
    expect(isAppUrl('file://evil.example/opt/handoff/out/renderer/index.html', fileApp)).toBe(false)
  })
  it('accepts the dev server origin only', () => {
    expect(isAppUrl('http://localhost:5173/', devApp)).toBe(true)
    expect(isAppUrl('http://localhost:5173/src/main.tsx#x', devApp)).toBe(true)
    expect(isAppUrl('http://localhost:5174/', devApp)).toBe(false)
    expect(isAppUrl('https://localhost:5173/', devApp)).toBe(false)
    expect(isAppUrl('http://localhost.evil.example:5173/', devApp)).toBe(false)
    expect(isAppUrl('http://user@localhost:5173/', devApp)).toBe(true) // same origin; credentials do not change it
  })
  it('refuses other schemes and unparseable input', () => {
    for (const url of ['about:blank', 'javascript:alert(1)', 'data:text/html,<p>', 'https://example.com', 'not a url', '']) {
      expect(isAppUrl(url, fileApp)).toBe(false)
      expect(isAppUrl(url, devApp)).toBe(false)
    }
    expect(isAppUrl(fileApp, 'garbage')).toBe(false)
    expect(isAppUrl('about:blank', 'about:blank')).toBe(false)
  })
})

describe('isSafeExternalUrl', () => {
  it('allows https and mailto', () => {
    expect(isSafeExternalUrl('https://help.example.com/articles/42?lang=en#top')).toBe(true)
    expect(isSafeExternalUrl('mailto:ana@example.com')).toBe(true)
    expect(isSafeExternalUrl('mailto:ana@example.com?subject=Refund&body=Hello')).toBe(true)
  })
  it('refuses every other scheme', () => {
    for (const url of ['http://example.com', 'file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,x', 'smb://host/share', 'ms-settings:', 'vbscript:x', 'ftp://x', 'chrome://settings']) {
      expect(isSafeExternalUrl(url), url).toBe(false)
    }
  })
  it('refuses credentials, whitespace, control characters, backslashes, oversize and non-strings', () => {
    expect(isSafeExternalUrl('https://user:pass@example.com/')).toBe(false)
    expect(isSafeExternalUrl('https://user@example.com/')).toBe(false)
    expect(isSafeExternalUrl('https://exa\tmple.com/')).toBe(false)
    expect(isSafeExternalUrl('https://example.com/\n')).toBe(false)
    expect(isSafeExternalUrl(' https://example.com/')).toBe(false)
    expect(isSafeExternalUrl('https:\\\\example.com')).toBe(false)
    expect(isSafeExternalUrl(`https://example.com/${'a'.repeat(3000)}`)).toBe(false)
    expect(isSafeExternalUrl('')).toBe(false)
    expect(isSafeExternalUrl('https://')).toBe(false)
    expect(isSafeExternalUrl(undefined)).toBe(false)
    expect(isSafeExternalUrl({ toString: () => 'https://example.com' })).toBe(false)
  })
  it('refuses mailto fields that make mail clients attach files', () => {
    expect(isSafeExternalUrl('mailto:a@example.com?attach=/etc/passwd')).toBe(false)
    expect(isSafeExternalUrl('mailto:a@example.com?subject=x&Attachment=C:/x')).toBe(false)
    expect(isSafeExternalUrl('mailto:')).toBe(false)
  })
  it('returns the normalized URL', () => {
    expect(safeExternalUrl('HTTPS://Example.COM')).toBe('https://example.com/')
  })
})

describe('openExternalSafely', () => {
  it('opens only safe links, normalized, and reports failures instead of throwing', async () => {
    const opened: string[] = []
    const errors: unknown[] = []
    const open = createOpenExternalSafely(
      async (url) => {
        opened.push(url)
        if (url.includes('fail')) throw new Error('no handler')
      },
      (e) => errors.push(e)
    )
    expect(open('https://Example.com/a')).toBe(true)
    expect(open('file:///etc/passwd')).toBe(false)
    expect(open('javascript:alert(1)')).toBe(false)
    expect(open('https://example.com/fail')).toBe(true)
    await vi.waitFor(() => expect(errors).toHaveLength(1))
    expect(opened).toEqual(['https://example.com/a', 'https://example.com/fail'])
  })
})

describe('the renderer’s <meta> policy', () => {
  it('is the production header’s policy, but frame-ancestors (which a <meta> policy cannot carry)', () => {
    const html = readFileSync(fileURLToPath(new URL('../../src/renderer/index.html', import.meta.url)), 'utf8')
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1]
    const header = cspHeader('production')
      .split('; ')
      .filter((d) => !d.startsWith('frame-ancestors '))
      .join('; ')
    expect(meta).toBe(header)
    expect(meta).toContain("frame-src 'none'")
    expect(meta).toContain("worker-src 'self'")
  })
})

describe('cspHeader', () => {
  const directives = (csp: string) => new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]))
  it('allows only the app itself in production: no inline script, no eval, no objects, no frames', () => {
    const csp = directives(cspHeader())
    expect(csp.get('default-src')).toEqual(["'self'"])
    expect(csp.get('script-src')).toEqual(["'self'"])
    expect(csp.get('connect-src')).toEqual(["'self'"])
    expect(csp.get('object-src')).toEqual(["'none'"])
    expect(csp.get('frame-ancestors')).toEqual(["'none'"])
    expect(csp.get('base-uri')).toEqual(["'none'"])
    expect(cspHeader()).not.toMatch(/unsafe-eval|unsafe-inline|\*/)
  })
  it('loosens only what the Vite dev server needs in development', () => {
    const csp = directives(cspHeader('development'))
    expect(csp.get('script-src')).toContain("'unsafe-inline'")
    expect(csp.get('connect-src')).toContain('ws://localhost:*')
    expect(cspHeader('development')).not.toMatch(/unsafe-eval/)
  })
})

describe('isTrustedSender', () => {
  const main = { processId: 7, routingId: 1 }
  const expected = { appUrl: fileApp, mainFrame: () => main }
  const frame = (over: Partial<FrameLike> = {}): FrameLike => ({ url: `${fileApp}#/inbox`, parent: null, processId: 7, routingId: 1, ...over })

  it('trusts the main window top frame showing the app', () => {
    expect(isTrustedSender(frame(), expected)).toBe(true)
  })
  it('refuses a missing frame, a sub-frame, another frame or process, and foreign URLs', () => {
    expect(isTrustedSender(null, expected)).toBe(false)
    expect(isTrustedSender(undefined, expected)).toBe(false)
    expect(isTrustedSender(frame({ parent: frame() }), expected)).toBe(false)
    expect(isTrustedSender(frame({ routingId: 2 }), expected)).toBe(false)
    expect(isTrustedSender(frame({ processId: 8 }), expected)).toBe(false)
    expect(isTrustedSender(frame({ url: 'https://evil.example/' }), expected)).toBe(false)
    expect(isTrustedSender(frame({ url: 'about:blank' }), expected)).toBe(false)
    expect(isTrustedSender(frame({ url: '' }), expected)).toBe(false)
  })
  it('refuses everything when there is no main window', () => {
    expect(isTrustedSender(frame(), { appUrl: fileApp, mainFrame: () => null })).toBe(false)
  })
})
