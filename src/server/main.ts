/**
 * `npm run server`: the Handoff sync server.
 *   --port N (PORT, default 8787)   --host H (HOST, default 127.0.0.1)
 *   --database-url URL (DATABASE_URL)  or  --data DIR (HANDOFF_SERVER_DATA, default ./.handoff-server)
 * Stateless: any number of processes may serve one PostgreSQL.
 */
import { parseArgs } from 'node:util'
import { buildApp } from './http/app'
import { ConfigError, describeLocation, lockEmbeddedStore, storeLocation, storeOptions } from './config'
import { openStore } from './store'

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'database-url': { type: 'string' },
      data: { type: 'string' },
      quiet: { type: 'boolean', default: false }
    },
    strict: true
  })
  const location = storeLocation(values)
  const port = Number(values.port ?? process.env.PORT ?? 8787)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`--port must be a port number (got "${values.port ?? process.env.PORT}").`)
  const host = values.host ?? process.env.HOST ?? '127.0.0.1'
  const release = location.kind === 'embedded' ? lockEmbeddedStore(location.dir, 'server') : () => undefined
  try {
    const store = await openStore(storeOptions(location))
    const app = await buildApp({ store, logger: !values.quiet })
    const address = await app.listen({ host, port })
    // One parseable line for scripts and tests.
    console.log(`Handoff server listening on ${address} (${describeLocation(location)})`)
    let stopping = false
    const stop = async (signal: string) => {
      if (stopping) return
      stopping = true
      console.log(`Handoff server stopping (${signal})`)
      try {
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

main().catch((e: unknown) => {
  console.error(e instanceof ConfigError ? `handoff server: ${e.message}` : e)
  process.exit(e instanceof ConfigError ? 2 : 1)
})
