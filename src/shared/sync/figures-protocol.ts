/**
 * The figures routes of the sync server (supervisor view, `cli report` reads the same store):
 *
 *   POST /v1/figures/report  FiguresReportRequest -> FiguresReportResponse
 *   POST /v1/figures/items   FiguresItemsRequest  -> FiguresItemsResponse   (drill-down)
 *
 * Supervisors may ask about anyone; any other agent only with `by: 'agent'` and gets their own
 * row only. A range covers at most MAX_FIGURES_DAYS days and `from` must be before `to`.
 * Figures are computed by the shared formulas (src/shared/domain/figures) over the server's store.
 */
import { z } from 'zod'
import { CHANNELS, ITEM_KINDS, PRIORITIES, STATUSES } from '../domain/vocabulary'
import { CUTS } from '../domain/figures/types'

export const MAX_FIGURES_DAYS = 366
export const MAX_DRILL_ITEMS = 1000

const iso = z.iso.datetime({ offset: false })
const tierOrNone = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal('none')])

export const figureFilterSchema = z
  .object({
    kind: z.enum(ITEM_KINDS).optional(),
    channel: z.enum(CHANNELS).optional(),
    tier: tierOrNone.optional(),
    team: z.string().min(1).max(100).optional()
  })
  .strict()

const rangeShape = {
  from: iso,
  to: iso,
  by: z.enum(CUTS),
  filter: figureFilterSchema.optional()
}

function checkRange(v: { from: string; to: string }, ctx: z.RefinementCtx): void {
  const span = Date.parse(v.to) - Date.parse(v.from)
  if (!(span > 0)) ctx.addIssue({ code: 'custom', path: ['to'], message: '`from` must be before `to`.' })
  else if (span > MAX_FIGURES_DAYS * 86_400_000) ctx.addIssue({ code: 'custom', path: ['to'], message: `A range covers at most ${MAX_FIGURES_DAYS} days.` })
}

export const figuresReportRequest = z.object(rangeShape).strict().superRefine(checkRange)
export type FiguresReportRequest = z.infer<typeof figuresReportRequest>

const ratio = z.object({ count: z.number().int().nonnegative(), of: z.number().int().nonnegative(), pct: z.number().nullable() }).strict()
const duration = z
  .object({
    count: z.number().int().nonnegative(),
    medianMs: z.number().nullable(),
    p90Ms: z.number().nullable(),
    business: z.object({ medianMs: z.number().nullable(), p90Ms: z.number().nullable() }).strict().nullable()
  })
  .strict()

export const figureSetSchema = z
  .object({
    csat: ratio,
    nps: z.object({ count: z.number().int(), promoters: z.number().int(), detractors: z.number().int(), score: z.number().nullable() }).strict(),
    firstResponse: duration,
    resolution: duration,
    firstContactResolution: ratio,
    escalationRate: ratio.extend({ handBacks: z.number().int() }).strict(),
    reopenRate: ratio,
    slaFirstResponse: ratio,
    slaResolution: ratio,
    volume: z.number().int().nonnegative(),
    backlog: z
      .object({
        count: z.number().int(),
        byAge: z.object({ under1d: z.number().int(), d1to3: z.number().int(), d3to7: z.number().int(), over7d: z.number().int() }).strict()
      })
      .strict()
  })
  .strict()

export const figuresReportResponse = z
  .object({
    /** When the server computed these figures (the console shows it when offline). */
    asOf: iso,
    from: iso,
    to: iso,
    by: z.enum(CUTS),
    rows: z.array(
      z
        .object({
          key: z.string().nullable(),
          /** Display name: the agent's name, the team, "Support", "Chat", "Tier 2", ... */
          label: z.string(),
          figures: figureSetSchema
        })
        .strict()
    )
  })
  .strict()
export type FiguresReportResponse = z.infer<typeof figuresReportResponse>

export const FIGURE_NAMES = [
  'csat',
  'nps',
  'firstResponse',
  'resolution',
  'firstContactResolution',
  'escalationRate',
  'reopenRate',
  'slaFirstResponse',
  'slaResolution',
  'volume',
  'backlog'
] as const

export const figuresItemsRequest = z
  .object({ ...rangeShape, key: z.string().max(200).nullable(), figure: z.enum(FIGURE_NAMES) })
  .strict()
  .superRefine(checkRange)
export type FiguresItemsRequest = z.infer<typeof figuresItemsRequest>

export const figuresItemsResponse = z
  .object({
    total: z.number().int().nonnegative(),
    /** At most MAX_DRILL_ITEMS, newest first. */
    items: z.array(
      z
        .object({
          id: z.string(),
          subject: z.string(),
          kind: z.enum(ITEM_KINDS),
          channel: z.enum(CHANNELS),
          status: z.enum(STATUSES),
          priority: z.enum(PRIORITIES),
          createdAt: iso
        })
        .strict()
    )
  })
  .strict()
export type FiguresItemsResponse = z.infer<typeof figuresItemsResponse>
