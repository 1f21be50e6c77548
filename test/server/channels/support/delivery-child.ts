/**
 * A server process that only delivers replies, for the crash test (run with `node --import tsx`,
 * so a SIGKILL kills the worker itself): opens the store at DATABASE_URL, starts the delivery
 * worker with LEASE_MS, and prints each delivery event as a JSON line, after "ready".
 */
import { startDeliveries } from '../../../../src/server/channels/email/deliver'
import { openStore } from '../../../../src/server/store'

const store = await openStore({ databaseUrl: process.env.DATABASE_URL!, poolSize: 4 })
await startDeliveries(store.sql, {
  workerId: 'child',
  leaseMs: Number(process.env.LEASE_MS ?? 1500),
  pollIntervalMs: 50,
  onEvent: (event) => process.stdout.write(`${JSON.stringify(event)}\n`)
})
process.stdout.write('ready\n')
