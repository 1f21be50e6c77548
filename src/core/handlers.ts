import type { Database } from 'better-sqlite3'
import { v7 as uuidv7 } from 'uuid'
import { HandoffError, type Handlers, type ParsedArgs, type Results } from '../shared/contract'
import type { MutationName } from '../shared/mutations'
import { applyMutation } from './mutate'
import { outboxPending } from './infra/outbox'
import { agentById, listAgents, searchCustomers } from './people/directory'
import { inboxCount, inboxPage, type QueryContext } from './items/inbox-query'
import { itemDetail } from './items/item-detail'
import { seedWorkspace } from './demo/seed'
import { hasAnyAgent, hasAnyItem, sessionInfo, signedInAgentId } from './people/session'
import { META, setMeta } from './infra/meta'
import { listViews } from './views/views'
import { loadSettings } from './settings/settings'
import { escalationFiguresOf } from './figures/escalations'
import { createPersonalFigures, requireAgent } from './figures/personal'
import { teamFigureHandlers } from './figures/team'
import type { SyncController } from './sync/controller'

/** Fills an empty workspace with the demo and signs in as its first service agent, in one transaction. */
export function seedDemoWorkspace(db: Database, now: Date): void {
  if (hasAnyItem(db)) {
    throw new HandoffError({ code: 'rejected', rejection: 'forbidden', message: 'This workspace already has items; the demo can only be added to an empty workspace.' })
  }
  db.transaction(() => {
    const summary = seedWorkspace(db, { now })
    setMeta(db, META.signedInAgent, summary.firstServiceAgentId)
  })()
}

/** Every operation of the contract over one open database. Arguments arrive validated. */
export function createHandlers(db: Database, clock: () => Date, sync: SyncController): Handlers {
  // The signed-in agent, read from meta once and then kept: only these handlers change it, and
  // agents are never deleted. A workspace bound to a server is always its bound agent's.
  let session: { agentId: string | null } | null = null
  const signedIn = (): string | null => sync.boundAgentId() ?? (session ??= { agentId: signedInAgentId(db) }).agentId
  const refuseWhenBound = (what: string) => {
    if (sync.boundAgentId() !== null) {
      throw new HandoffError({ code: 'rejected', rejection: 'forbidden', message: `This workspace is connected to a server; ${what}` })
    }
  }
  const forgetSession = () => {
    session = null
  }
  const actorId = (): string => {
    const id = signedIn()
    if (!id) throw new HandoffError({ code: 'not_signed_in', message: 'Sign in as an agent before changing anything.' })
    return id
  }
  const context = (): QueryContext => ({ agentId: signedIn(), now: clock() })
  const personalFigures = createPersonalFigures(db)
  const mutation =
    <K extends MutationName>(name: K) =>
    (args: ParsedArgs<K>): Results[K] => {
      const result = applyMutation(db, name, args, { actorId: actorId(), now: clock(), shadowItems: sync.boundAgentId() !== null })
      sync.notifyLocalChange()
      return result
    }

  return {
    'session.get': () => sessionInfo(db),
    'session.signIn': ({ agentId }) => {
      refuseWhenBound('it is always signed in as the agent it is connected as.')
      if (!agentById(db, agentId)) throw new HandoffError({ code: 'not_found', message: `There is no agent ${agentId} in this workspace.` })
      setMeta(db, META.signedInAgent, agentId)
      forgetSession()
      return sessionInfo(db)
    },
    'workspace.seedDemo': () => {
      refuseWhenBound('the demo can only fill a local workspace. Start a new data folder for the demo.')
      seedDemoWorkspace(db, clock())
      forgetSession()
      return sessionInfo(db)
    },
    'workspace.startEmpty': ({ name, email }) => {
      refuseWhenBound('its agents come from the server.')
      if (hasAnyItem(db) || hasAnyAgent(db)) {
        throw new HandoffError({ code: 'rejected', rejection: 'forbidden', message: 'This workspace is not empty; sign in as one of its agents instead.' })
      }
      const id = uuidv7()
      db.transaction(() => {
        db.prepare('INSERT INTO agents (id, name, email, role, tiers) VALUES (?, ?, ?, ?, ?)').run(id, name, email, 'service', '[]')
        setMeta(db, META.signedInAgent, id)
      })()
      forgetSession()
      return sessionInfo(db)
    },
    'agents.list': () => listAgents(db),
    'customers.search': ({ query, limit }) => searchCustomers(db, query, limit),
    'inbox.page': (q) => ({ rows: inboxPage(db, q, context()) }),
    'inbox.count': ({ filter }) => ({ total: inboxCount(db, filter, context()) }),
    'views.list': () => listViews(db, signedIn()),
    'item.get': ({ itemId }) => {
      const detail = itemDetail(db, itemId)
      if (!detail) throw new HandoffError({ code: 'not_found', message: `There is no item ${itemId}.` })
      return detail
    },
    'outbox.status': () => ({ pending: outboxPending(db) }),
    'item.create': mutation('item.create'),
    'item.logContact': mutation('item.logContact'),
    'item.reply': mutation('item.reply'),
    'item.addNote': mutation('item.addNote'),
    'item.setStatus': mutation('item.setStatus'),
    'item.setPriority': mutation('item.setPriority'),
    'item.assign': mutation('item.assign'),
    'item.recordRating': mutation('item.recordRating'),
    'view.save': mutation('view.save'),
    'view.delete': mutation('view.delete'),
    'settings.get': () => loadSettings(db),
    'settings.update': mutation('settings.update'),
    'figures.escalations': ({ from, to }) => escalationFiguresOf(db, from, to),
    'figures.personal': ({ range }) => personalFigures.compute(requireAgent(signedIn()), range, clock()),
    'item.escalateToSupport': mutation('item.escalateToSupport'),
    'item.escalateTier': mutation('item.escalateTier'),
    'item.handBack': mutation('item.handBack'),
    'item.deescalate': mutation('item.deescalate'),
    ...teamFigureHandlers(db, clock, sync),
    ...sync.handlers
  }
}
