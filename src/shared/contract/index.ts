/**
 * The contract between the renderer and the core. Each operation is defined once, in the file of
 * its group (workspace.ts, people.ts, items.ts, views.ts, settings.ts, figures.ts, sync.ts, attachments.ts, channels.ts, drafts.ts; every
 * mutation of shared/mutations is one too); operations.ts combines them and derives the rest.
 *
 * A new query or command: its definition in its group's file, its handler in
 * src/core/<capability>/handlers.ts. A new mutation: its file in src/shared/mutations and its line
 * in mutations/index.ts. The preload's method, the IPC channel and the harness route follow.
 */
export * from './operations'
export * from './doors'
export * from './disjoint'
export * from './workspace'
export * from './people'
export * from './items'
export * from './views'
export * from './settings'
export * from './figures'
export * from './sync'
export * from './ui'
export * from './attachments'
export * from './channels'
export * from './drafts'
export * from './names'
export * from './errors'
export * from './personal-figures'
export * from './team-figures'
export * from './events'

