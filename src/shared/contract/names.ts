/**
 * The name of every operation the renderer may call. Kept free of imports so the sandboxed
 * preload can expose exactly these as named methods without bundling the schemas.
 */
export const OPERATION_NAMES = [
  'session.get',
  'session.signIn',
  'workspace.seedDemo',
  'workspace.startEmpty',
  'agents.list',
  'customers.search',
  'inbox.page',
  'inbox.count',
  'views.list',
  'item.get',
  'outbox.status',
  'item.create',
  'item.logContact',
  'item.reply',
  'item.addNote',
  'item.setStatus',
  'item.setPriority',
  'item.assign',
  'item.recordRating',
  'view.save',
  'view.delete',
  'settings.get',
  'settings.update',
  'figures.escalations',
  'figures.personal',
  'figures.team',
  'figures.teamItems',
  'item.escalateToSupport',
  'item.escalateTier',
  'item.handBack',
  'item.deescalate',
  'sync.status',
  'sync.signIn',
  'sync.signOut',
  'sync.rejections',
  'sync.dismissRejection'
] as const

export type OperationName = (typeof OPERATION_NAMES)[number]

/** Operations whose handler answers asynchronously (they wait on the network); every other handler is synchronous. */
export const ASYNC_OPERATIONS = ['sync.signIn', 'figures.team', 'figures.teamItems'] as const satisfies readonly OperationName[]
export type AsyncOperationName = (typeof ASYNC_OPERATIONS)[number]

export const isOperationName = (name: unknown): name is OperationName => typeof name === 'string' && (OPERATION_NAMES as readonly string[]).includes(name)

/** Largest serialized argument accepted over any door (IPC or the harness socket). */
export const MAX_ARGUMENT_BYTES = 256 * 1024
