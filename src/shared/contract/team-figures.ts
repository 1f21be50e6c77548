/**
 * The supervisor view's operations (figures.team, figures.teamItems): the server's figures over
 * every agent, asked for by the console and kept in its cache for offline viewing. Arguments are
 * the server's report request (shared/sync/figures-protocol.ts) with friendlier defaults: any ISO
 * offset is accepted (the core sends UTC), `by` defaults to 'agent', `filter` to none.
 */
import { z } from 'zod'
import { CUTS, type Cut, type FigureFilter } from '../domain/figures/types'
import { FIGURE_NAMES, MAX_FIGURES_DAYS, figureFilterSchema, type FiguresItemsResponse, type FiguresReportResponse } from '../sync/figures-protocol'

const when = z.iso.datetime({ offset: true })

const rangeShape = {
  from: when,
  to: when,
  by: z.enum(CUTS).default('agent'),
  filter: figureFilterSchema.default({})
}

function checkRange(v: { from: string; to: string }, ctx: z.RefinementCtx): void {
  const span = Date.parse(v.to) - Date.parse(v.from)
  if (!(span > 0)) ctx.addIssue({ code: 'custom', path: ['from'], message: 'The start of the period must be before its end.' })
  else if (span > MAX_FIGURES_DAYS * 86_400_000) ctx.addIssue({ code: 'custom', path: ['to'], message: `A period covers at most ${MAX_FIGURES_DAYS} days.` })
}

export const teamFiguresArgs = z.object(rangeShape).strict().superRefine(checkRange)
export const teamItemsArgs = z
  .object({ ...rangeShape, key: z.string().max(200).nullable(), figure: z.enum(FIGURE_NAMES) })
  .strict()
  .superRefine(checkRange)

export type TeamFiguresRow = FiguresReportResponse['rows'][number]

/** Where the figures came from: the server just now, or the console's cache of an earlier answer. */
export type TeamFiguresSource = 'server' | 'cache'

export interface TeamFigures {
  /** The period and cut the figures are over (a cached answer may be of an earlier period of the same length). */
  from: string
  to: string
  by: Cut
  filter: FigureFilter
  rows: TeamFiguresRow[]
  /** When the server computed them. */
  asOf: string
  source: TeamFiguresSource
  /** With source 'cache': why the server was not asked or did not answer. */
  offlineReason: string | null
}

export type TeamItem = FiguresItemsResponse['items'][number] & {
  /** The item is in this workspace: the console can open it. */
  local: boolean
}

export interface TeamItems {
  /** How many items are behind the number (items lists at most MAX_DRILL_ITEMS, newest first). */
  total: number
  items: TeamItem[]
}
