import type { Status } from './vocabulary'

/** domain.md: new -> open -> pending -> resolved -> closed; resolved -> open is a reopen; closed is final. */
export const REOPEN_WINDOW_DAYS_DEFAULT = 7
const DAY_MS = 86_400_000

export function allowedNextStatuses(from: Status): readonly Status[] {
  switch (from) {
    case 'new':
      return ['open', 'pending', 'resolved']
    case 'open':
      return ['pending', 'resolved']
    case 'pending':
      return ['open', 'resolved']
    case 'resolved':
      return ['open', 'closed']
    case 'closed':
      return []
  }
}

export type TransitionRefusal =
  | { code: 'same_status'; message: string }
  | { code: 'closed_is_final'; message: string }
  | { code: 'not_allowed'; message: string }
  | { code: 'reopen_window_passed'; message: string }

/**
 * Whether an item may move from `from` to `to` at `now`. A reopen (resolved -> open) is allowed
 * only within the reopen window after the resolution; past it, the customer gets a new item.
 */
export function checkTransition(
  from: Status,
  to: Status,
  resolvedAt: string | null,
  now: string,
  reopenWindowDays: number = REOPEN_WINDOW_DAYS_DEFAULT
): TransitionRefusal | null {
  if (from === to) return { code: 'same_status', message: `The item is already ${to}.` }
  if (from === 'closed') return { code: 'closed_is_final', message: 'A closed item is final; create a new item instead.' }
  if (!allowedNextStatuses(from).includes(to)) {
    return { code: 'not_allowed', message: `An item cannot go from ${from} to ${to}. Allowed: ${allowedNextStatuses(from).join(', ')}.` }
  }
  if (from === 'resolved' && to === 'open' && resolvedAt !== null) {
    const age = Date.parse(now) - Date.parse(resolvedAt)
    if (age > reopenWindowDays * DAY_MS) {
      return {
        code: 'reopen_window_passed',
        message: `The item was resolved more than ${reopenWindowDays} days ago and can no longer be reopened; create a new item instead.`
      }
    }
  }
  return null
}

export function isActive(status: Status): boolean {
  return status === 'new' || status === 'open' || status === 'pending'
}
