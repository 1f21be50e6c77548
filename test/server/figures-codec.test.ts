/** The facts cache's compact form gives back exactly the facts it was given. */
import { describe, expect, it } from 'vitest'
import { AgentDictionary, decodeMany, encodeFacts } from '../../src/server/store/figures-codec'
import type { ItemFacts } from '../../src/shared/domain/figures/types'

// Required<>: a field added to ItemFacts fails to compile here until the codec and this test know it.
const full: Required<ItemFacts> = {
  id: 'item-1',
  kind: 'support',
  channel: 'webform',
  priority: 'urgent',
  tier: 2,
  status: 'pending',
  assigneeId: 'agent-b',
  firstContactAt: Date.parse('2026-11-02T09:00:00.123Z'),
  firstResponse: { at: Date.parse('2026-11-02T08:59:00Z'), agentId: 'agent-a' },
  resolutions: [
    { at: Date.parse('2026-11-03T09:00:00Z'), agentId: 'agent-b' },
    { at: Date.parse('2026-11-04T09:00:00Z'), agentId: null }
  ],
  reopens: [{ at: Date.parse('2026-11-03T10:00:00Z'), agentId: 'agent-c' }],
  escalations: [{ at: Date.parse('2026-11-02T09:30:00Z'), agentId: 'agent-a' }],
  handBacks: [{ at: Date.parse('2026-11-02T11:30:00Z'), agentId: 'agent-b' }],
  publicAgentReplies: 3,
  ratings: [
    { kind: 'csat', score: 4, at: Date.parse('2026-11-05T09:00:00Z'), agentId: 'agent-b' },
    { kind: 'nps', score: 0, at: Date.parse('2026-11-05T09:00:01Z'), agentId: null }
  ],
  firstResponseDueAt: Date.parse('2026-11-02T13:00:00Z'),
  resolutionDueAt: null,
  firstResponseDueAgentId: null,
  resolutionDueAgentId: 'agent-c'
}

describe('the facts codec', () => {
  it('round-trips every field, with agents through the dictionary', () => {
    const agents = new AgentDictionary()
    const text = encodeFacts(full, agents)
    expect(text.length).toBeLessThan(JSON.stringify(full).length / 2)
    const again = new AgentDictionary(agents.ids)
    expect(decodeMany(`[${text}]`, ['item-1'], again)).toEqual([full])
  })

  it('keeps optional fields absent and empty lists empty', () => {
    const { firstResponseDueAgentId: _a, resolutionDueAgentId: _b, ...rest } = full
    const bare: ItemFacts = { ...rest, tier: null, assigneeId: null, firstResponse: null, resolutions: [], reopens: [], escalations: [], handBacks: [], ratings: [], publicAgentReplies: 0 }
    const agents = new AgentDictionary()
    const [back] = decodeMany(`[${encodeFacts(bare, agents)}]`, null, agents)
    expect(back).toEqual({ ...bare, id: '' })
    expect(back).not.toHaveProperty('firstResponseDueAgentId')
  })

  it('refuses a number its dictionary lacks', () => {
    const agents = new AgentDictionary()
    const text = encodeFacts(full, agents)
    expect(() => decodeMany(`[${text}]`, null, new AgentDictionary())).toThrow(/dictionary lacks/)
  })
})
