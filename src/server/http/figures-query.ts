import { z } from 'zod'

/** The longest period one request may cover (each asks the store for every event in it). */
export const MAX_SPAN_DAYS = 366

/** GET /v1/figures/escalations?from=&to=[&agentId=]: without agentId, every agent (supervisors only). */
export const figuresQuery = z
  .object({
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
    agentId: z.string().min(1).max(200).optional()
  })
  .strict()
  .refine((q) => Date.parse(q.from) <= Date.parse(q.to), { message: 'from is after to', path: ['from'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= MAX_SPAN_DAYS * 86_400_000, { message: `a period is at most ${MAX_SPAN_DAYS} days`, path: ['to'] })
