import { z } from 'zod'
import type { Agent, Customer } from '../domain/entities'
import { LIMITS } from '../mutations/fields'
import { noArgs, operation, result } from './operation'

/** The workspace's agents and customers. */
export const peopleOperations = {
  'agents.list': operation({ args: noArgs, result: result<Agent[]>() }),
  'customers.search': operation({
    args: z.object({ query: z.string().max(LIMITS.search), limit: z.number().int().min(1).max(50).default(10) }).strict(),
    result: result<Customer[]>()
  })
}
