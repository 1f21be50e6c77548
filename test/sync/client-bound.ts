/** A core bound to a FakeServer, with hand-driven timers. */
import { createCore, type Core, type ImmediateOperationName } from '../../src/core/core'
import { memoryVault, type CredentialVault } from '../../src/core/sync/credentials'
import type { SyncEngine } from '../../src/core/sync/engine'
import type { InboxRow, SyncStatus } from '../../src/shared/contract'
import type { PullResponse } from '../../src/shared/sync/protocol'
import { FIXED_NOW, ok, tempFile } from '../core/helpers/workspace'
import { CREDENTIAL, FakeServer, ManualTimers } from './client-helpers'

export interface Bound {
  core: Core
  file: string
  server: FakeServer
  timers: ManualTimers
  vault: CredentialVault
  engine(): SyncEngine
  /** Hands the engine these pages and lets it pull until it is idle. */
  pull(...pages: PullResponse[]): Promise<void>
  status(): SyncStatus
  call<T>(name: ImmediateOperationName, args: unknown): T
  inbox(filter?: object): InboxRow[]
}

export async function boundCore(opts: { file?: string; random?: () => number } = {}): Promise<Bound> {
  const server = new FakeServer()
  const timers = new ManualTimers()
  const vault = memoryVault()
  const file = opts.file ?? tempFile()
  const core = createCore({ file, now: () => FIXED_NOW, vault, transportFactory: () => server, sync: { timers, random: opts.random ?? (() => 0.5) } })
  ok(await core.dispatch('sync.signIn', { serverUrl: 'https://server.test/', credential: CREDENTIAL }))
  const engine = () => {
    const e = core.sync?.engine()
    if (!e) throw new Error('no engine running')
    return e
  }
  await engine().idle()
  const call = <T>(name: ImmediateOperationName, args: unknown): T => ok<T>(core.dispatch(name, args))
  return {
    core,
    file,
    server,
    timers,
    vault,
    engine,
    async pull(...pages) {
      server.pages.push(...pages)
      engine().requestPull()
      await engine().idle()
    },
    status: () => call<SyncStatus>('sync.status', {}),
    call,
    inbox: (filter = {}) => call<{ rows: InboxRow[] }>('inbox.page', { filter, sort: { column: 'age', direction: 'desc' }, offset: 0, limit: 100 }).rows
  }
}
