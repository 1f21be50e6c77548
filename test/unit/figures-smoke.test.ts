import { describe, expect, it } from 'vitest'
import { computeFigures, figureItems, isRelevant, itemFacts } from '../../src/shared/domain/figures'
import { DEFAULT_SLA_POLICY } from '../../src/shared/domain/sla'

const T = (h: number) => new Date(Date.UTC(2026, 10, 2) + h * 3_600_000).toISOString()

describe('figures smoke', () => {
  it('derives facts and computes one row', () => {
    const f = itemFacts(
      { id: 'i1', kind: 'service', channel: 'email', priority: 'normal', status: 'resolved', queue: 'service', tier: null, assigneeId: 'a', createdAt: T(0) },
      [
        { kind: 'customer', authorId: null, createdAt: T(0) },
        { kind: 'auto', authorId: null, createdAt: T(0.1) },
        { kind: 'reply', authorId: 'a', createdAt: T(1) }
      ],
      [
        { type: 'created', actorId: null, from: null, to: 'new', createdAt: T(0) },
        { type: 'assigned', actorId: 'a', from: null, to: 'a', createdAt: T(0.5) },
        { type: 'status', actorId: 'a', from: 'open', to: 'resolved', createdAt: T(2) }
      ],
      [{ kind: 'csat', score: 5, createdAt: T(3) }],
      DEFAULT_SLA_POLICY
    )
    const options = { period: { from: Date.parse(T(0)), to: Date.parse(T(24)) }, now: Date.parse(T(30)), by: 'agent' as const }
    const rows = computeFigures([f], options)
    expect(rows).toHaveLength(1)
    expect(rows[0]?.key).toBe('a')
    expect(rows[0]?.figures.firstResponse.medianMs).toBe(3_600_000)
    expect(rows[0]?.figures.csat.pct).toBe(100)
    expect(rows[0]?.figures.firstContactResolution.pct).toBe(100)
    expect(figureItems([f], options, 'a', 'csat')).toEqual(['i1'])
    expect(isRelevant(f, options.period)).toBe(true)
  })
})
