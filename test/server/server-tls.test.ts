/**
 * `npm run server -- --tls-cert FILE --tls-key FILE` serves HTTPS (issue 13): the real server
 * process, with a self-signed certificate made by the openssl CLI in the test, answers a client
 * that trusts that certificate, and refuses plain HTTP on the same port. A missing key is a clear
 * start-up error.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { request } from 'node:https'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const root = resolve(__dirname, '../..')
const dir = mkdtempSync(join(tmpdir(), 'handoff-tls-'))
const cert = join(dir, 'cert.pem')
const key = join(dir, 'key.pem')

function runServer(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/server/main.ts'), '--data', join(dir, 'store'), '--port', '0', '--quiet', '--no-channels', ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
  return { child, output: () => out, exited }
}

function getJson(url: string, ca: Buffer): Promise<{ status: number; body: unknown }> {
  return new Promise((resolvePromise, reject) => {
    const req = request(url, { ca }, (res) => {
      let text = ''
      res.on('data', (d: Buffer) => (text += d.toString()))
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('the server over HTTPS', () => {
  let server: ReturnType<typeof runServer> | null = null

  beforeAll(() => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' })
  })
  afterAll(async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGTERM')
      await server.exited
    }
    rmSync(dir, { recursive: true, force: true })
  })

  it('serves HTTPS with --tls-cert and --tls-key, and not plain HTTP', async () => {
    server = runServer(['--tls-cert', cert, '--tls-key', key])
    const started = server
    const address = await new Promise<string>((resolvePromise, reject) => {
      const check = () => {
        const m = /listening on (\S+)/.exec(started.output())
        if (m) resolvePromise(m[1]!)
      }
      started.child.stdout!.on('data', check)
      void started.exited.then((code) => reject(new Error(`the server exited (${code}): ${started.output()}`)))
    })
    expect(address).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    const health = await getJson(`${address}/v1/health`, readFileSync(cert))
    expect(health).toEqual({ status: 200, body: { ok: true, protocol: 1 } })
    // The same port does not speak plain HTTP.
    await expect(fetch(`${address.replace('https:', 'http:')}/v1/health`)).rejects.toThrow()
  }, 120_000) // a fresh embedded store migrates on start: slow on a busy machine

  it('refuses to start with a certificate but no key', async () => {
    const lone = runServer(['--tls-cert', cert, '--data', join(dir, 'other')])
    expect(await lone.exited).toBe(2)
    expect(lone.output()).toContain('HTTPS needs both --tls-cert FILE and --tls-key FILE.')
  })
})
