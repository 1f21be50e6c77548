/**
 * `npm run cli -- report --from DATE --to DATE [--by agent|team|kind|channel|tier]
 *    [--kind K] [--channel C] [--tier 1|2|3|none] [--team NAME] [--format json|csv]`
 *
 * Prints the figures from the server's store: the very function behind POST /v1/figures/report
 * (figuresReport in store/figures.ts), so the numbers are the supervisor view's.
 *
 * DATE is YYYY-MM-DD (a day in --tz, UTC unless given) or a full ISO time (2026-11-02T09:00:00Z,
 * or with an offset). The range is [from, to): a day given to --from starts at its midnight; a
 * day given to --to is included whole (the range ends at the next midnight), so `--from
 * 2026-11-01 --to 2026-11-30` is all of November. A full ISO --to is the exclusive end as
 * written. The supervisor view's custom range is whole days of the console's time zone: the
 * same days with `--tz` set to that zone give the same numbers.
 * JSON is the route's response; CSV has one row per group, every figure as columns with the
 * counts beside them, durations in minutes, percentages as given, and "no data" as an empty
 * cell (never 0).
 */
import { parseArgs } from 'node:util'
import { TZDate } from '@date-fns/tz'
import { stringify } from 'csv-stringify/sync'
import { csvText } from '../../shared/csv-cell'
import { CUTS, type Cut, type FigureSet } from '../../shared/domain/figures/types'
import { CHANNELS, ITEM_KINDS } from '../../shared/domain/vocabulary'
import { figuresReportRequest, type FiguresReportRequest, type FiguresReportResponse } from '../../shared/sync/figures-protocol'
import type { ServerStore } from '../store'
import { figuresReport } from '../store/figures'
import { UsageError, type CliIo } from './commands'

export const REPORT_USAGE = `  report --from DATE --to DATE [--by agent|team|kind|channel|tier] [--kind service|support] [--channel CHANNEL]
         [--tier 1|2|3|none] [--team NAME] [--tz ZONE] [--format json|csv]   figures from the server's store
         (DATE: YYYY-MM-DD, a day in --tz (UTC unless given, e.g. Europe/Berlin), --to included whole;
          or an ISO time such as 2026-11-02T09:00:00Z)`

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/

/** A --from/--to value as epoch ms; a date-only --to means the end of that day in `timeZone`. */
export function parseReportDate(flag: '--from' | '--to', text: string, timeZone = 'UTC'): number {
  const day = DATE_ONLY.exec(text)
  if (day) {
    const [y, m, d] = [Number(day[1]), Number(day[2]), Number(day[3])]
    const back = new Date(Date.UTC(y, m - 1, d))
    if (back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) throw new UsageError(`${flag} ${text} is not a date on the calendar.`)
    // Local midnights (a day of a DST change is 23 or 25 hours long).
    return flag === '--to' ? new TZDate(y, m - 1, d + 1, timeZone).getTime() : new TZDate(y, m - 1, d, timeZone).getTime()
  }
  const ms = ISO_TIME.test(text) ? Date.parse(text) : NaN
  if (Number.isNaN(ms)) throw new UsageError(`${flag} "${text}" is not a date: use YYYY-MM-DD or an ISO time such as 2026-11-02T09:00:00Z.`)
  return ms
}

function timeZoneOf(text: string | undefined): string {
  if (text === undefined) return 'UTC'
  try {
    return new Intl.DateTimeFormat('en', { timeZone: text }).resolvedOptions().timeZone
  } catch {
    throw new UsageError(`--tz "${text}" is not a time zone: use an IANA name such as Europe/Berlin or America/New_York.`)
  }
}

export interface ReportCommand {
  request: FiguresReportRequest
  format: 'json' | 'csv'
}

/** Reads the command's arguments into the route's request (validated by the same schema). */
export function parseReportArgs(args: string[], json = false): ReportCommand {
  const { values, positionals } = parseArgs({
    args,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      by: { type: 'string' },
      kind: { type: 'string' },
      channel: { type: 'string' },
      tier: { type: 'string' },
      team: { type: 'string' },
      tz: { type: 'string' },
      format: { type: 'string' }
    },
    allowPositionals: true,
    strict: true
  })
  if (positionals.length > 0) throw new UsageError(`report takes no "${positionals[0]}".\n${REPORT_USAGE}`)
  if (values.from === undefined || values.to === undefined) throw new UsageError(`report needs --from and --to.\n${REPORT_USAGE}`)
  const timeZone = timeZoneOf(values.tz)
  const from = parseReportDate('--from', values.from, timeZone)
  const to = parseReportDate('--to', values.to, timeZone)
  if (!(from < to)) throw new UsageError(`--from ${values.from} is not before --to ${values.to}: the range would be empty.`)
  const by = values.by ?? 'agent'
  if (!(CUTS as readonly string[]).includes(by)) throw new UsageError(`--by is one of ${CUTS.join(', ')} (got "${by}").`)
  const format = values.format ?? (json ? 'json' : 'csv')
  if (format !== 'json' && format !== 'csv') throw new UsageError(`--format is json or csv (got "${format}").`)
  if (values.kind !== undefined && !(ITEM_KINDS as readonly string[]).includes(values.kind)) throw new UsageError(`--kind is one of ${ITEM_KINDS.join(', ')} (got "${values.kind}").`)
  if (values.channel !== undefined && !(CHANNELS as readonly string[]).includes(values.channel)) {
    throw new UsageError(`--channel is one of ${CHANNELS.join(', ')} (got "${values.channel}").`)
  }
  let tier: 1 | 2 | 3 | 'none' | undefined
  if (values.tier !== undefined) {
    if (values.tier === 'none') tier = 'none'
    else if (values.tier === '1' || values.tier === '2' || values.tier === '3') tier = Number(values.tier) as 1 | 2 | 3
    else throw new UsageError(`--tier is 1, 2, 3 or none (got "${values.tier}").`)
  }
  const filter = {
    ...(values.kind !== undefined ? { kind: values.kind } : {}),
    ...(values.channel !== undefined ? { channel: values.channel } : {}),
    ...(tier !== undefined ? { tier } : {}),
    ...(values.team !== undefined ? { team: values.team } : {})
  }
  const parsed = figuresReportRequest.safeParse({
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    by: by as Cut,
    ...(Object.keys(filter).length > 0 ? { filter } : {})
  })
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `${i.path.join('.') || 'report'}: ${i.message}`).join(' '))
  return { request: parsed.data, format }
}

const minutes = (ms: number | null): number | null => (ms === null ? null : Math.round((ms / 60_000) * 100) / 100)
const pct = (p: number | null): number | null => (p === null ? null : Math.round(p * 100) / 100)

/** The CSV columns: a name and how to read it from a row (null: an empty cell, "no data"). */
const COLUMNS: [string, (f: FigureSet) => number | null][] = [
  ['csat_pct', (f) => pct(f.csat.pct)],
  ['csat_satisfied', (f) => f.csat.count],
  ['csat_responses', (f) => f.csat.of],
  ['nps', (f) => pct(f.nps.score)],
  ['nps_promoters', (f) => f.nps.promoters],
  ['nps_detractors', (f) => f.nps.detractors],
  ['nps_responses', (f) => f.nps.count],
  ['first_response_median_min', (f) => minutes(f.firstResponse.medianMs)],
  ['first_response_p90_min', (f) => minutes(f.firstResponse.p90Ms)],
  ['first_response_business_median_min', (f) => minutes(f.firstResponse.business?.medianMs ?? null)],
  ['first_response_business_p90_min', (f) => minutes(f.firstResponse.business?.p90Ms ?? null)],
  ['first_response_count', (f) => f.firstResponse.count],
  ['resolution_median_min', (f) => minutes(f.resolution.medianMs)],
  ['resolution_p90_min', (f) => minutes(f.resolution.p90Ms)],
  ['resolution_business_median_min', (f) => minutes(f.resolution.business?.medianMs ?? null)],
  ['resolution_business_p90_min', (f) => minutes(f.resolution.business?.p90Ms ?? null)],
  ['resolution_count', (f) => f.resolution.count],
  ['fcr_pct', (f) => pct(f.firstContactResolution.pct)],
  ['fcr_count', (f) => f.firstContactResolution.count],
  ['fcr_resolved', (f) => f.firstContactResolution.of],
  ['escalation_rate_pct', (f) => pct(f.escalationRate.pct)],
  ['escalations', (f) => f.escalationRate.count],
  ['items_worked', (f) => f.escalationRate.of],
  ['hand_backs', (f) => f.escalationRate.handBacks],
  ['reopen_rate_pct', (f) => pct(f.reopenRate.pct)],
  ['reopened', (f) => f.reopenRate.count],
  ['reopen_resolved', (f) => f.reopenRate.of],
  ['sla_first_response_pct', (f) => pct(f.slaFirstResponse.pct)],
  ['sla_first_response_met', (f) => f.slaFirstResponse.count],
  ['sla_first_response_due', (f) => f.slaFirstResponse.of],
  ['sla_resolution_pct', (f) => pct(f.slaResolution.pct)],
  ['sla_resolution_met', (f) => f.slaResolution.count],
  ['sla_resolution_due', (f) => f.slaResolution.of],
  ['volume', (f) => f.volume],
  ['backlog', (f) => f.backlog.count],
  ['backlog_under_1d', (f) => f.backlog.byAge.under1d],
  ['backlog_1_to_3d', (f) => f.backlog.byAge.d1to3],
  ['backlog_3_to_7d', (f) => f.backlog.byAge.d3to7],
  ['backlog_over_7d', (f) => f.backlog.byAge.over7d]
]

export const REPORT_CSV_HEADER = ['by', 'key', 'label', ...COLUMNS.map(([name]) => name)]

/** The report as CSV (RFC 4180, a header row, one row per group). */
export function reportCsv(report: FiguresReportResponse): string {
  // key and label are text (agent ids, team names, labels): made formula-safe; figures stay numbers.
  const rows = report.rows.map((r) => [report.by, csvText(r.key ?? ''), csvText(r.label), ...COLUMNS.map(([, read]) => read(r.figures) ?? '')])
  return stringify([REPORT_CSV_HEADER, ...rows])
}

/** Runs `report ...` against an open store; prints JSON (the route's payload) or CSV. */
export async function runReportCommand(store: ServerStore, args: string[], io: CliIo, json: boolean): Promise<FiguresReportResponse> {
  const { request, format } = parseReportArgs(args, json)
  const report = await figuresReport(store.sql, request, { hold: false }) // a one-off process: read only the period's facts
  if (format === 'json') io.out(JSON.stringify(report, null, 2))
  else io.out(reportCsv(report).replace(/\r?\n$/, ''))
  return report
}
