/**
 * itemFacts(): an item's stored rows (as the mutations write them, on either side) -> the facts the
 * formulas need. The rules (domain.md, and docs/figures.md for the choices made here):
 * - first customer contact: the earlier of creation and the first customer message;
 * - first response: the first public message by an agent, a `reply` or a logged `contact`
 *   (notes, handoff summaries and automated messages never count), for the agent who sent it;
 * - resolutions: status events to `resolved` (or straight to `closed` from an active status, as
 *   imported data may have it), each for the assignee at that moment (reconstructed from the
 *   `assigned` events), else for the agent who resolved it;
 * - reopens: status events out of `resolved` back to an active status;
 * - escalations (to support or up a tier: `escalated` events) for the agent who escalated;
 *   hand-backs kept apart; de-escalations are neither;
 * - ratings for the assignee at the latest resolution at or before the answer (else the assignee
 *   when it was given);
 * - SLA targets: the policy's targets for the queue the item started in (service, or tier 1 for
 *   a ticket) and the priority it started with, counted in calendar time from the first contact.
 */
import { QUEUES, type Queue } from '../escalation'
import { isActive } from '../lifecycle'
import type { SlaPolicy } from '../sla'
import { PRIORITIES, STATUSES, type Priority, type RatingKind, type Status } from '../vocabulary'
import type { Act, FigureEventRow, FigureItemRow, FigureMessageRow, FigureRatingRow, ItemFacts, Ms } from './types'

const isQueue = (v: string | null): v is Queue => v !== null && (QUEUES as readonly string[]).includes(v)
const isPriority = (v: string | null): v is Priority => v !== null && (PRIORITIES as readonly string[]).includes(v)
const isStatus = (v: string | null): v is Status => v !== null && (STATUSES as readonly string[]).includes(v)

/** A stored time that is not a time: the rows are corrupt, and figures from them would be wrong. */
export class FigureInputError extends Error {
  override readonly name = 'FigureInputError'
}

const digit = (s: string, i: number): number => {
  const c = s.charCodeAt(i) - 48
  return c >= 0 && c <= 9 ? c : NaN
}
const num = (s: string, from: number, to: number): number => {
  let n = 0
  for (let i = from; i < to; i++) n = n * 10 + digit(s, i)
  return n
}

/**
 * Epoch ms of a stored time. The stores write `toISOString()` form (YYYY-MM-DDTHH:MM:SS.sssZ);
 * that form is read directly (Date.parse costs ~10x more, and an item has a dozen times), any
 * other form, or a day past the 28th, through Date.parse.
 */
export function parseIsoMs(s: string): number {
  if ((s.length === 24 || s.length === 20) && s.charCodeAt(10) === 84 /* T */ && s.charCodeAt(s.length - 1) === 90 /* Z */) {
    const month = num(s, 5, 7)
    const day = num(s, 8, 10)
    const hour = num(s, 11, 13)
    const minute = num(s, 14, 16)
    const second = num(s, 17, 19)
    const milli = s.length === 24 && s.charCodeAt(19) === 46 /* . */ ? num(s, 20, 23) : s.length === 20 ? 0 : NaN
    if (
      s.charCodeAt(4) === 45 &&
      s.charCodeAt(7) === 45 &&
      s.charCodeAt(13) === 58 &&
      s.charCodeAt(16) === 58 &&
      month >= 1 &&
      month <= 12 &&
      day >= 1 &&
      day <= 28 &&
      hour <= 23 &&
      minute <= 59 &&
      second <= 59 &&
      milli >= 0
    ) {
      const year = num(s, 0, 4)
      if (year >= 100) return Date.UTC(year, month - 1, day, hour, minute, second, milli)
    }
  }
  return Date.parse(s)
}

function ms(iso: string, what: string, itemId: string): Ms {
  const t = parseIsoMs(iso)
  if (Number.isNaN(t)) throw new FigureInputError(`Item ${itemId}: ${what} has no readable time (“${iso}”).`)
  return t
}

/** The answer scales of domain.md: CSAT 1-5, NPS 0-10. */
const SCALE: Record<RatingKind, { min: number; max: number }> = { csat: { min: 1, max: 5 }, nps: { min: 0, max: 10 } }

const byTime = (a: { at: Ms }, b: { at: Ms }): number => a.at - b.at

/** Rows with their parsed times, in time order (stable: rows of one instant keep their order). */
function timed<T extends { createdAt: string }>(rows: readonly T[], what: string, itemId: string): { row: T; at: Ms }[] {
  const out: { row: T; at: Ms }[] = new Array(rows.length)
  let ordered = true
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as T
    const at = ms(row.createdAt, what, itemId)
    if (i > 0 && at < (out[i - 1] as { at: Ms }).at) ordered = false
    out[i] = { row, at }
  }
  if (!ordered) out.sort(byTime)
  return out
}

/** A status event that resolves the item. */
export const isResolution = (from: string | null, to: string | null): boolean =>
  to === 'resolved' || (to === 'closed' && from !== 'resolved' && from !== 'closed')

/** A status event that reopens a resolved item. */
export const isReopen = (from: string | null, to: string | null): boolean => from === 'resolved' && isStatus(to) && isActive(to)

/** The assignee over time: `initial` until the first `assigned` event, then each event's `to`. */
interface AssigneeTimeline {
  initial: string | null
  at: Ms[]
  to: (string | null)[]
}

function assigneeAt(tl: AssigneeTimeline, t: Ms): string | null {
  let who = tl.initial
  for (let i = 0; i < tl.at.length && (tl.at[i] as Ms) <= t; i++) who = tl.to[i] as string | null
  return who
}

export function itemFacts(
  item: FigureItemRow,
  messages: readonly FigureMessageRow[],
  events: readonly FigureEventRow[],
  ratings: readonly FigureRatingRow[],
  policy: SlaPolicy
): ItemFacts {
  const id = item.id
  let firstContactAt = ms(item.createdAt, 'creation', id)
  let firstResponse: Act | null = null
  let publicAgentReplies = 0
  for (const { row, at } of timed(messages, 'a message', id)) {
    switch (row.kind) {
      case 'customer':
        if (at < firstContactAt) firstContactAt = at
        break
      case 'reply':
      case 'contact':
        publicAgentReplies++
        // Rows come in time order, so firstContactAt is already the earliest contact up to `at`.
        // An agent's message before any contact (a brand's opening that customers answered, in
        // an imported thread) responds to nothing: the first response comes after the contact.
        if (at >= firstContactAt && (firstResponse === null || at < firstResponse.at)) firstResponse = { at, agentId: row.authorId }
        break
      case 'note':
      case 'auto':
      case 'handoff':
        break
      default: {
        const unknown: never = row.kind
        throw new FigureInputError(`Item ${id}: a message of unknown kind “${String(unknown)}”.`)
      }
    }
  }

  const history = timed(events, 'a history event', id)
  // The assignee over time: before the first `assigned` event, whoever that event took it from.
  const assignAt: Ms[] = []
  const assignTo: (string | null)[] = []
  let initialAssignee: string | null = item.assigneeId
  let startQueue: Queue = item.queue
  let startPriority: Priority = item.priority
  let sawQueueMove = false
  let sawPriority = false
  for (const { row, at } of history) {
    if (row.type === 'assigned') {
      if (assignAt.length === 0) initialAssignee = row.from
      assignAt.push(at)
      assignTo.push(row.to)
    } else if (!sawQueueMove && (row.type === 'escalated' || row.type === 'handed_back' || row.type === 'deescalated')) {
      sawQueueMove = true
      if (isQueue(row.from)) startQueue = row.from
    } else if (!sawPriority && row.type === 'priority') {
      sawPriority = true
      if (isPriority(row.from)) startPriority = row.from
    }
  }
  const timeline: AssigneeTimeline = { initial: initialAssignee, at: assignAt, to: assignTo }

  const resolutions: Act[] = []
  const reopens: Act[] = []
  const escalations: Act[] = []
  const handBacks: Act[] = []
  for (const { row, at } of history) {
    switch (row.type) {
      case 'status':
        if (isResolution(row.from, row.to)) resolutions.push({ at, agentId: assigneeAt(timeline, at) ?? row.actorId })
        else if (isReopen(row.from, row.to)) reopens.push({ at, agentId: row.actorId })
        break
      case 'escalated':
        escalations.push({ at, agentId: row.actorId })
        break
      case 'handed_back':
        handBacks.push({ at, agentId: row.actorId })
        break
      default:
        break
    }
  }

  const answers: ItemFacts['ratings'] = []
  for (const { row, at } of timed(ratings, 'a rating', id)) {
    const scale = SCALE[row.kind]
    if (scale === undefined) throw new FigureInputError(`Item ${id}: a rating of unknown kind “${String(row.kind)}”.`)
    if (!Number.isInteger(row.score) || row.score < scale.min || row.score > scale.max) {
      throw new FigureInputError(`Item ${id}: a ${row.kind} answer of ${row.score} is outside ${scale.min}-${scale.max}.`)
    }
    let agentId: string | null | undefined
    for (let i = resolutions.length - 1; i >= 0; i--) {
      const r = resolutions[i] as Act
      if (r.at <= at) {
        agentId = r.agentId
        break
      }
    }
    answers.push({ kind: row.kind, score: row.score, at, agentId: agentId === undefined ? assigneeAt(timeline, at) : agentId })
  }

  const target = policy[startQueue][startPriority]
  const firstResponseDueAt = firstContactAt + target.firstResponseMinutes * 60_000
  const resolutionDueAt = firstContactAt + target.resolutionMinutes * 60_000

  return {
    id,
    kind: item.kind,
    channel: item.channel,
    priority: item.priority,
    tier: item.tier,
    status: item.status,
    assigneeId: item.assigneeId,
    firstContactAt,
    firstResponse,
    resolutions,
    reopens,
    escalations,
    handBacks,
    publicAgentReplies,
    ratings: answers,
    firstResponseDueAt,
    resolutionDueAt,
    firstResponseDueAgentId: assigneeAt(timeline, firstResponseDueAt),
    resolutionDueAgentId: assigneeAt(timeline, resolutionDueAt)
  }
}

/**
 * How far before a period an item's first contact may lie and still have an SLA target due in
 * the period: the policy's longest target. A feeder that selects items by time widens its window
 * by this much (see the feeding rule in types.ts).
 */
export function slaLookbackMs(policy: SlaPolicy): Ms {
  let max = 0
  for (const queue of QUEUES) {
    for (const priority of PRIORITIES) {
      const t = policy[queue][priority]
      max = Math.max(max, t.firstResponseMinutes, t.resolutionMinutes)
    }
  }
  return max * 60_000
}
