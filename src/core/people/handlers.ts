import { v7 as uuidv7 } from 'uuid'
import { HandoffError, type Handlers } from '../../shared/contract'
import type { HandlerContext } from '../infra/handler-context'
import { outboxPending } from '../infra/outbox'
import { META, setMeta } from '../infra/meta'
import { agentById, listAgents, searchCustomers } from './directory'
import { hasAnyAgent, hasAnyItem, sessionInfo } from './session'

/** The session (who is signed in, what waits in the outbox), starting an empty workspace, agents and customers. */
export function peopleHandlers(ctx: HandlerContext) {
  const { db } = ctx
  return {
    'session.get': () => sessionInfo(db),
    'session.signIn': ({ agentId }) => {
      ctx.refuseWhenBound('it is always signed in as the agent it is connected as.')
      if (!agentById(db, agentId)) throw new HandoffError({ code: 'not_found', message: `There is no agent ${agentId} in this workspace.` })
      setMeta(db, META.signedInAgent, agentId)
      ctx.forgetSession()
      return sessionInfo(db)
    },
    'workspace.startEmpty': ({ name, email }) => {
      ctx.refuseWhenBound('its agents come from the server.')
      if (hasAnyItem(db) || hasAnyAgent(db)) {
        throw new HandoffError({ code: 'rejected', rejection: 'forbidden', message: 'This workspace is not empty; sign in as one of its agents instead.' })
      }
      const id = uuidv7()
      db.transaction(() => {
        db.prepare('INSERT INTO agents (id, name, email, role, tiers) VALUES (?, ?, ?, ?, ?)').run(id, name, email, 'service', '[]')
        setMeta(db, META.signedInAgent, id)
      })()
      ctx.forgetSession()
      return sessionInfo(db)
    },
    'outbox.status': () => ({ pending: outboxPending(db) }),
    'agents.list': () => listAgents(db),
    'customers.search': ({ query, limit }) => searchCustomers(db, query, limit)
  } satisfies Partial<Handlers>
}
