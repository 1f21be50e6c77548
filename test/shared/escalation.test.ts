import { describe, expect, it } from 'vitest'
import { availableHandoffs, handoffTarget, isHandoffRefusal, queuesOfAgent, type HandoffPosition } from '../../src/shared/domain/escalation'

const at = (queue: HandoffPosition['queue'], tier: HandoffPosition['tier'], status: HandoffPosition['status'] = 'open'): HandoffPosition => ({ queue, tier, status })

describe('handoff targets (domain.md handoff protocol)', () => {
  it('escalates a service interaction to support tier 1', () => {
    expect(handoffTarget(at('service', null), 'escalateToSupport')).toEqual({ queue: 'tier1', tier: 1 })
  })

  it('returns a handed-back item to the tier it had reached: a tier never drops as a side effect', () => {
    expect(handoffTarget(at('service', 2), 'escalateToSupport')).toEqual({ queue: 'tier2', tier: 2 })
  })

  it('goes up one tier at a time and refuses beyond tier 3', () => {
    expect(handoffTarget(at('tier1', 1), 'escalateTier')).toEqual({ queue: 'tier2', tier: 2 })
    expect(handoffTarget(at('tier2', 2), 'escalateTier')).toEqual({ queue: 'tier3', tier: 3 })
    const beyond = handoffTarget(at('tier3', 3), 'escalateTier')
    expect(isHandoffRefusal(beyond) && beyond.code).toBe('last_tier')
  })

  it('hands back to service and keeps the tier reached', () => {
    expect(handoffTarget(at('tier2', 2), 'handBack')).toEqual({ queue: 'service', tier: 2 })
  })

  it('de-escalates only on purpose, one tier, never below tier 1', () => {
    expect(handoffTarget(at('tier3', 3), 'deescalate')).toEqual({ queue: 'tier2', tier: 2 })
    const below = handoffTarget(at('tier1', 1), 'deescalate')
    expect(isHandoffRefusal(below) && below.code).toBe('first_tier')
  })

  it('refuses a resolved or closed item until it is reopened', () => {
    for (const status of ['resolved', 'closed'] as const) {
      const r = handoffTarget(at('service', null, status), 'escalateToSupport')
      expect(isHandoffRefusal(r) && r.code).toBe('not_active')
      expect(availableHandoffs(at('tier1', 1, status))).toEqual([])
    }
  })

  it('offers only the actions that make sense where the item is', () => {
    expect(availableHandoffs(at('service', null))).toEqual(['escalateToSupport'])
    expect(availableHandoffs(at('tier1', 1))).toEqual(['escalateTier', 'handBack'])
    expect(availableHandoffs(at('tier2', 2))).toEqual(['escalateTier', 'handBack', 'deescalate'])
    expect(availableHandoffs(at('tier3', 3))).toEqual(['handBack', 'deescalate'])
  })

  it('knows which queues each role works', () => {
    expect(queuesOfAgent({ role: 'service', tiers: [] })).toEqual(['service'])
    expect(queuesOfAgent({ role: 'support', tiers: [1, 2] })).toEqual(['tier1', 'tier2'])
    expect(queuesOfAgent({ role: 'supervisor', tiers: [] })).toEqual(['service', 'tier1', 'tier2', 'tier3'])
  })
})
