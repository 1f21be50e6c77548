/**
 * What the preload exposes as `window.handoff`: exactly one method per operation of the
 * contract, each invoking its own channel. Nothing else (no ipcRenderer, no generic invoke).
 *
 * Pure: index.ts passes `ipcRenderer.invoke`; tests pass a recording function.
 * Imports only names.ts (no zod): the sandboxed preload bundle stays tiny.
 */
import type { Envelope } from '../shared/contract/errors'
import type { OperationName } from '../shared/contract/names'

/** Must match src/main/ipc.ts (test/unit/preload-contract.test.ts checks it). */
export const CHANNEL_PREFIX = 'handoff:'

export type Invoke = (channel: string, args: unknown) => Promise<unknown>
export type PreloadMethod = (args: unknown) => Promise<Envelope<unknown>>
export type PreloadApi = Readonly<Record<OperationName, PreloadMethod>>

export function buildPreloadApi(invoke: Invoke): PreloadApi {
  // The main process always answers with an Envelope (src/main/ipc.ts).
  const method = (name: OperationName): PreloadMethod => (args) => invoke(CHANNEL_PREFIX + name, args) as Promise<Envelope<unknown>>
  // Spelled out rather than generated so that `satisfies` checks it covers the contract exactly.
  const api = {
    'session.get': method('session.get'),
    'session.signIn': method('session.signIn'),
    'workspace.seedDemo': method('workspace.seedDemo'),
    'workspace.startEmpty': method('workspace.startEmpty'),
    'agents.list': method('agents.list'),
    'customers.search': method('customers.search'),
    'inbox.page': method('inbox.page'),
    'inbox.count': method('inbox.count'),
    'views.list': method('views.list'),
    'item.get': method('item.get'),
    'outbox.status': method('outbox.status'),
    'item.create': method('item.create'),
    'item.logContact': method('item.logContact'),
    'item.reply': method('item.reply'),
    'item.addNote': method('item.addNote'),
    'item.setStatus': method('item.setStatus'),
    'item.setPriority': method('item.setPriority'),
    'item.assign': method('item.assign'),
    'item.recordRating': method('item.recordRating'),
    'view.save': method('view.save'),
    'view.delete': method('view.delete'),
    'settings.get': method('settings.get'),
    'settings.update': method('settings.update'),
    'figures.escalations': method('figures.escalations'),
    'figures.personal': method('figures.personal'),
    'figures.team': method('figures.team'),
    'figures.teamItems': method('figures.teamItems'),
    'item.escalateToSupport': method('item.escalateToSupport'),
    'item.escalateTier': method('item.escalateTier'),
    'item.handBack': method('item.handBack'),
    'item.deescalate': method('item.deescalate'),
    'sync.status': method('sync.status'),
    'sync.signIn': method('sync.signIn'),
    'sync.signOut': method('sync.signOut'),
    'sync.rejections': method('sync.rejections'),
    'sync.dismissRejection': method('sync.dismissRejection')
  } satisfies Record<OperationName, PreloadMethod>
  return Object.freeze(api)
}
