import { z } from 'zod'

/** GET /v1/figures/escalations?from=&to=[&agentId=]: without agentId, every agent (supervisors only). */
export const figuresQuery = z
  .object({
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
    agentId: z.string().min(1).max(200).optional()
  })
  .strict()
  .refine((q) => Date.parse(q.from) <= Date.parse(q.to), { message: 'from is after to', path: ['from'] })
