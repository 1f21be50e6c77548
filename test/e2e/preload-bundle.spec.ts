import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { runInNewContext } from 'node:vm'
import { expect, test } from '@playwright/test'
import { channelFor } from '../../src/shared/contract/doors'
import { OPERATION_NAMES } from '../../src/shared/contract/names'
import { EVENT_NAMES, eventChannel } from '../../src/shared/contract/events'

/**
 * The built preload (out/preload/index.cjs, from the `npm run build` that precedes these tests),
 * run as Electron runs a sandboxed preload: one CommonJS script that may require only `electron`.
 * Its build carries the operation names as data (electron.vite.config.ts); this checks that the
 * names it exposes are still exactly the contract's, and that the schemas stayed out.
 */
const bundle = fileURLToPath(new URL('../../out/preload/index.cjs', import.meta.url))

test('the built preload exposes exactly one method per operation and one subscription per event, requires only electron, and carries no schemas', async () => {
  const code = await readFile(bundle, 'utf8')
  const required: string[] = []
  const exposed: [string, Record<string, (args: unknown) => unknown>][] = []
  const invoked: [string, unknown][] = []
  const listening = new Map<string, (event: unknown, payload: unknown) => void>()
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: Record<string, (args: unknown) => unknown>) => exposed.push([key, api]) },
    ipcRenderer: {
      invoke: async (channel: string, args: unknown) => {
        invoked.push([channel, args])
        return { ok: true, value: channel }
      },
      on: (channel: string, listener: (event: unknown, payload: unknown) => void) => listening.set(channel, listener),
      removeListener: (channel: string) => listening.delete(channel)
    }
  }
  const module = { exports: {} }
  runInNewContext(code, {
    module,
    exports: module.exports,
    require: (id: string) => {
      required.push(id)
      if (id !== 'electron') throw new Error(`a sandboxed preload cannot require ${id}`)
      return electron
    }
  })

  expect(required).toEqual(['electron'])
  expect(exposed.map(([key]) => key)).toEqual(['handoff', 'handoffEvents'])
  const api = exposed[0]![1]
  const events = exposed[1]![1]
  expect(Object.keys(api)).toEqual([...OPERATION_NAMES])
  for (const name of OPERATION_NAMES) {
    await expect(api[name]!({ probe: name })).resolves.toEqual({ ok: true, value: channelFor(name) })
    expect(invoked.at(-1)).toEqual([`handoff:${name}`, { probe: name }])
  }
  expect(Object.keys(events)).toEqual([...EVENT_NAMES])
  for (const name of EVENT_NAMES) {
    const got: unknown[] = []
    const unsubscribe = events[name]!((payload: unknown) => got.push(payload)) as () => void
    listening.get(eventChannel(name))!({ sender: 'electron event' }, { probe: name })
    expect(got).toEqual([{ probe: name }])
    unsubscribe()
    expect(listening.has(eventChannel(name))).toBe(false)
  }
  // The contract's table would bring zod and the mutations' rules (~200 kB); the names are ~1 kB.
  expect(code).not.toMatch(/zod/i)
  expect(code.length).toBeLessThan(10_000)
})
