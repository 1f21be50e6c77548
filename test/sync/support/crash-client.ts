/**
 * A console process for the crash tests: opens a bound workspace, records replies, and is
 * killed (SIGKILL, by the test) at the moment the test chooses:
 *   MODE=before-push  the replies are committed locally; every push hangs, so none is sent
 *   MODE=after-push   the push reaches the server and is applied; its answer never arrives
 * Prints `committed <ids…>` then `ready` on stdout and waits to be killed.
 * Env: FILE, CREDENTIAL, ITEM, COUNT, MODE.
 */
import { createCore } from '../../../src/core/core'
import { memoryVault } from '../../../src/core/sync/credentials'

const env = (name: string): string => {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set`)
  return value
}
const mode = env('MODE')
let pushes = 0
const hang = () => new Promise<never>(() => undefined)
const fetchForCrash: typeof fetch = async (input, init) => {
  const url = String(input instanceof Request ? input.url : input)
  if (url.endsWith('/v1/push')) {
    if (mode === 'before-push') {
      console.log('push-attempted')
      return hang()
    }
    const response = await fetch(input, init)
    await response.text()
    pushes++
    console.log(`pushed ${pushes}`)
    return hang()
  }
  return fetch(input, init)
}

const core = createCore({ file: env('FILE'), vault: memoryVault(env('CREDENTIAL')), fetch: fetchForCrash, sync: { pollMs: 60_000 } })
const ids: string[] = []
for (let i = 0; i < Number(env('COUNT')); i++) {
  const answer = core.dispatch('item.reply', { itemId: env('ITEM'), body: `Crash-test reply ${i + 1}` })
  if (!answer.ok) throw new Error(JSON.stringify(answer.error))
  ids.push((answer.value as { mutationId: string }).mutationId)
}
console.log(`committed ${ids.join(' ')}`)
setInterval(() => undefined, 1000)
