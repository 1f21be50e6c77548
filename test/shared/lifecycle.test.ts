import { describe, expect, it } from 'vitest'
import { allowedNextStatuses, checkTransition, isActive, REOPEN_WINDOW_DAYS_DEFAULT } from '../../src/shared/domain/lifecycle'
import { DEFAULT_SLA_POLICY, slaDueAt } from '../../src/shared/domain/sla'
import { STATUSES, type Status } from '../../src/shared/domain/vocabulary'

const NOW = '2026-11-23T09:00:00.000Z'
const daysBefore = (days: number) => new Date(Date.parse(NOW) - days * 86_400_000).toISOString()

describe('allowedNextStatuses', () => {
  it('follows new -> open -> pending -> resolved -> closed, with reopen and closed final', () => {
    expect(allowedNextStatuses('new')).toEqual(['open', 'pending', 'resolved'])
    expect(allowedNextStatuses('open')).toEqual(['pending', 'resolved'])
    expect(allowedNextStatuses('pending')).toEqual(['open', 'resolved'])
    expect(allowedNextStatuses('resolved')).toEqual(['open', 'closed'])
    expect(allowedNextStatuses('closed')).toEqual([])
  })

  it('never allows a status to move to itself or back to new', () => {
    for (const s of STATUSES) {
      expect(allowedNextStatuses(s)).not.toContain(s)
      expect(allowedNextStatuses(s)).not.toContain('new')
    }
  })
})

describe('checkTransition', () => {
  it('accepts exactly the allowed moves', () => {
    for (const from of STATUSES) {
      for (const to of STATUSES) {
        const refusal = checkTransition(from, to, from === 'resolved' ? NOW : null, NOW)
        expect(refusal === null, `${from} -> ${to}`).toBe(allowedNextStatuses(from).includes(to))
      }
    }
  })

  it('names why a move is refused', () => {
    expect(checkTransition('open', 'open', null, NOW)).toMatchObject({ code: 'same_status', message: 'The item is already open.' })
    expect(checkTransition('closed', 'open', null, NOW)).toMatchObject({ code: 'closed_is_final' })
    expect(checkTransition('new', 'closed', null, NOW)).toMatchObject({ code: 'not_allowed' })
    expect(checkTransition('new', 'closed', null, NOW)?.message).toContain('Allowed: open, pending, resolved')
  })

  it('reopens a resolved item within the reopen window but not after it', () => {
    expect(REOPEN_WINDOW_DAYS_DEFAULT).toBe(7)
    expect(checkTransition('resolved', 'open', daysBefore(1), NOW)).toBeNull()
    expect(checkTransition('resolved', 'open', daysBefore(7), NOW)).toBeNull()
    expect(checkTransition('resolved', 'open', daysBefore(7.01), NOW)).toMatchObject({ code: 'reopen_window_passed' })
    expect(checkTransition('resolved', 'open', daysBefore(3), NOW, 2)).toMatchObject({ code: 'reopen_window_passed' })
    // Closing a resolved item does not depend on the window.
    expect(checkTransition('resolved', 'closed', daysBefore(30), NOW)).toBeNull()
  })

  it('treats closed as final, whatever the target', () => {
    for (const to of STATUSES.filter((s) => s !== 'closed')) expect(checkTransition('closed', to, null, NOW)?.code).toBe('closed_is_final')
  })
})

describe('isActive', () => {
  it('is new, open and pending', () => {
    expect(STATUSES.filter(isActive)).toEqual(['new', 'open', 'pending'])
  })
})

describe('slaDueAt', () => {
  const base = { queue: 'service' as const, priority: 'normal' as const, slaStartedAt: NOW, slaRespondedAt: null }
  const plusMinutes = (m: number) => new Date(Date.parse(NOW) + m * 60_000).toISOString()

  it('is the first-response target until someone answers', () => {
    expect(slaDueAt({ ...base, status: 'new' })).toBe(plusMinutes(4 * 60))
    expect(slaDueAt({ ...base, queue: 'tier1', priority: 'urgent', status: 'new' })).toBe(plusMinutes(60))
  })

  it('is the resolution target after the first response', () => {
    expect(slaDueAt({ ...base, status: 'open', slaRespondedAt: plusMinutes(5) })).toBe(plusMinutes(48 * 60))
    expect(slaDueAt({ ...base, queue: 'tier1', priority: 'low', status: 'pending', slaRespondedAt: plusMinutes(5) })).toBe(plusMinutes(120 * 60))
  })

  it('is none once resolved or closed', () => {
    const done: Status[] = ['resolved', 'closed']
    for (const status of done) expect(slaDueAt({ ...base, status, slaRespondedAt: NOW })).toBeNull()
  })

  it('is tighter for higher priorities, in every queue', () => {
    for (const queue of ['service', 'tier1', 'tier2', 'tier3'] as const) {
      const t = DEFAULT_SLA_POLICY[queue]
      expect(t.urgent.firstResponseMinutes).toBeLessThan(t.high.firstResponseMinutes)
      expect(t.high.firstResponseMinutes).toBeLessThan(t.normal.firstResponseMinutes)
      expect(t.normal.firstResponseMinutes).toBeLessThan(t.low.firstResponseMinutes)
      expect(t.urgent.resolutionMinutes).toBeLessThan(t.low.resolutionMinutes)
    }
  })
})
