import { describe, expect, it } from 'vitest'
import { argSchemas, isLoopbackHost } from '../../src/shared/contract'

describe('the server address a console signs in to', () => {
  const credential = `hf1.dana.${'a'.repeat(43)}`
  const accepts = (serverUrl: string) => argSchemas['sync.signIn'].safeParse({ serverUrl, credential }).success

  it('takes https anywhere, and plain http only to this computer (the credential would cross the network in clear)', () => {
    expect(accepts('https://handoff.example.com')).toBe(true)
    expect(accepts('https://10.0.0.5:8787')).toBe(true)
    expect(accepts('http://127.0.0.1:8787')).toBe(true)
    expect(accepts('http://localhost:8787')).toBe(true)
    expect(accepts('http://[::1]:8787')).toBe(true)
    expect(accepts('http://handoff.example.com')).toBe(false)
    expect(accepts('http://10.0.0.5:8787')).toBe(false)
    expect(accepts('http://127.0.0.1.evil.example')).toBe(false)
    expect(accepts('ftp://127.0.0.1')).toBe(false)
  })

  it('knows a loopback host', () => {
    expect(['localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]'].every(isLoopbackHost)).toBe(true)
    expect(['localhost.example', '128.0.0.1', '0.0.0.0', '10.0.0.1'].some(isLoopbackHost)).toBe(false)
  })
})
