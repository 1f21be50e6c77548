/**
 * `npm run server`: the Handoff sync server.
 *   --port N (PORT, default 8787)   --host H (HOST, default 127.0.0.1)
 *   --database-url URL (DATABASE_URL)  or  --data DIR (HANDOFF_SERVER_DATA, default ./.handoff-server)
 *   --no-channels: do not read the email channels' mailboxes nor deliver replies (another process does)
 *   --tls-cert FILE --tls-key FILE (HANDOFF_TLS_CERT, HANDOFF_TLS_KEY): serve HTTPS with this PEM certificate and key
 *   --trust-proxy [ADDRESSES] (HANDOFF_TRUST_PROXY): behind a reverse proxy, read the client's address from
 *     X-Forwarded-For (the failed-sign-in limit is per address); "true" trusts any proxy, else a list
 *     of addresses/CIDRs such as 127.0.0.1 (docs/deploy.md)
 * Stateless: any number of processes may serve one PostgreSQL. Each enabled email channel's
 * mailbox is read (channels/email/run.ts), agents' replies are delivered from the queue
 * (channels/email/deliver.ts; any number of processes may deliver, each reply goes once), and
 * both stop before the store closes.
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { buildApp } from './http/app'
import { ConfigError, describeLocation, lockEmbeddedStore, storeLocation, storeOptions } from './config'
import { openStore } from './store'
import { startChannels, type ChannelRunner } from './channels/email/run'
import { startDeliveries, type DeliveryWorker } from './channels/email/deliver'

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'database-url': { type: 'string' },
      data: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      'no-channels': { type: 'boolean', default: false },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'trust-proxy': { type: 'string' }
    },
    strict: true
  })
  const location = storeLocation(values)
  const port = Number(values.port ?? process.env.PORT ?? 8787)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`--port must be a port number (got "${values.port ?? process.env.PORT}").`)
  const host = values.host ?? process.env.HOST ?? '127.0.0.1'
  const tls = tlsFiles(values['tls-cert'] ?? process.env.HANDOFF_TLS_CERT, values['tls-key'] ?? process.env.HANDOFF_TLS_KEY)
  const trustProxyFlag = values['trust-proxy'] ?? process.env.HANDOFF_TRUST_PROXY
  const trustProxy = trustProxyFlag === undefined || trustProxyFlag === 'false' ? false : trustProxyFlag === 'true' ? true : trustProxyFlag
  const release = location.kind === 'embedded' ? lockEmbeddedStore(location.dir, 'server') : () => undefined
  try {
    const store = await openStore(storeOptions(location))
    const app = await buildApp({ store, logger: !values.quiet, trustProxy, ...(tls ? { tls } : {}) })
    const address = await app.listen({ host, port })
    // One parseable line for scripts and tests.
    console.log(`Handoff server listening on ${address} (${describeLocation(location)})`)
    const channels: ChannelRunner | null = values['no-channels'] ? null : await startChannels(store.sql, { log: (line) => console.log(line) })
    const deliveries: DeliveryWorker | null = values['no-channels'] ? null : await startDeliveries(store.sql, { log: (line) => console.log(line) })
    let stopping = false
    const stop = async (signal: string) => {
      if (stopping) return
      stopping = true
      console.log(`Handoff server stopping (${signal})`)
      try {
        await channels?.stop()
        // Replies being handed over get a moment to be recorded; one cut short ends unconfirmed, never sent twice.
        await deliveries?.stop()
        await app.close()
        await store.close()
      } finally {
        release()
        process.exit(0)
      }
    }
    process.on('SIGINT', () => void stop('SIGINT'))
    process.on('SIGTERM', () => void stop('SIGTERM'))
  } catch (e) {
    release()
    throw e
  }
}

/** The PEM certificate and key files, read now so that a wrong path is a clear start-up error. */
function tlsFiles(certPath: string | undefined, keyPath: string | undefined): { cert: Buffer; key: Buffer } | null {
  if (certPath === undefined && keyPath === undefined) return null
  if (certPath === undefined || keyPath === undefined) throw new ConfigError('HTTPS needs both --tls-cert FILE and --tls-key FILE.')
  const read = (flag: string, path: string) => {
    try {
      return readFileSync(path)
    } catch (e) {
      throw new ConfigError(`${flag}: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? String(e)}).`)
    }
  }
  return { cert: read('--tls-cert', certPath), key: read('--tls-key', keyPath) }
}

main().catch((e: unknown) => {
  console.error(e instanceof ConfigError ? `handoff server: ${e.message}` : e)
  process.exit(e instanceof ConfigError ? 2 : 1)
})
