/**
 * The personal figures panel's operation (figures.personal): the signed-in agent's figures,
 * computed by the console's core from its own SQLite file (works offline), for a period and the
 * previous period of the same length, with a trend series.
 *
 * Ranges are in the console's local time zone (the core's process, which is the computer the
 * agent sits at): 'today' is today's local calendar day, '7d' and '30d' the last 7 and 30 local
 * days including today, and a custom range names two local calendar dates, both included.
 */
import { z } from 'zod'
import type { FigureSet } from '../domain/figures/types'

export const PERSONAL_RANGES = ['today', '7d', '30d'] as const
export type PersonalPreset = (typeof PERSONAL_RANGES)[number]

/** The longest custom range, in days (both ends included). */
export const MAX_PERSONAL_DAYS = 366

const localDate = z.iso.date({ message: 'Enter a date as YYYY-MM-DD.' })

/** Whole days from one YYYY-MM-DD to another (calendar arithmetic, no time zone). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000)
}

export const customRangeSchema = z
  .object({ from: localDate, to: localDate })
  .strict()
  .superRefine((r, ctx) => {
    const days = daysBetween(r.from, r.to)
    if (days < 0) ctx.addIssue({ code: 'custom', path: ['from'], message: 'The start of the range is after its end.' })
    else if (days + 1 > MAX_PERSONAL_DAYS) ctx.addIssue({ code: 'custom', path: ['to'], message: `A range covers at most ${MAX_PERSONAL_DAYS} days.` })
  })

export const personalFiguresArgs = z.object({ range: z.union([z.enum(PERSONAL_RANGES), customRangeSchema]) }).strict()

export type PersonalRange = z.infer<typeof personalFiguresArgs>['range']

export interface PersonalPeriod {
  /** ISO instants, half-open [from, to). */
  from: string
  to: string
  /** The local calendar dates covered, both included (YYYY-MM-DD). */
  firstDay: string
  lastDay: string
  days: number
}

export interface PersonalPoint {
  /** The bucket's local start date (YYYY-MM-DD) and its half-open ISO bounds. */
  day: string
  from: string
  to: string
  figures: FigureSet
}

export interface PersonalFigures {
  /** The signed-in agent they are for. */
  agentId: string
  period: PersonalPeriod
  /** The period of the same length just before, for the change. */
  previous: PersonalPeriod
  current: FigureSet
  /** The previous period's figures; its backlog is the current one (the backlog is "now", not cut by period). */
  before: FigureSet
  /** The trend: one point per local day, or per 7 days for ranges over 62 days; oldest first (each with the current backlog). */
  step: 'day' | 'week'
  series: PersonalPoint[]
  /** When they were computed (the backlog's "now"). */
  asOf: string
}
