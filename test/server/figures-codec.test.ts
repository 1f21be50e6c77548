/** The facts cache's compact form gives back exactly the facts it was given. */
import { describe, expect, it } from 'vitest'
import { AgentDictionary, decodeFacts, decodeMany, encodeFacts, type EncodedFacts } from '../../src/server/store/figures-codec'
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

  it('reads many items exactly as JSON.parse and decodeFacts do, negative and large numbers included', () => {
    const agents = new AgentDictionary()
    const list: ItemFacts[] = []
    for (let i = 0; i < 200; i++) {
      const base = 1_700_000_000_000 + i * 7_777_777
      const act = (d: number, who: number) => ({ at: base + d, agentId: who % 5 === 0 ? null : `agent-${who % 7}` })
      list.push({
        ...full,
        id: `i${i}`,
        status: (['new', 'open', 'pending', 'resolved', 'closed'] as const)[i % 5]!,
        tier: i % 4 === 0 ? null : (((i % 3) + 1) as 1 | 2 | 3),
        firstContactAt: base,
        firstResponse: i % 3 === 0 ? null : act(-((i * 37) % 5000), i),
        resolutions: Array.from({ length: i % 3 }, (_, k) => act(k * 3_600_000, i + k)),
        reopens: i % 7 === 0 ? [act(90_000_000, i)] : [],
        escalations: i % 5 === 0 ? [act(600_000, i + 1)] : [],
        handBacks: [],
        publicAgentReplies: i % 4,
        ratings: i % 2 ? [] : [{ kind: i % 4 ? 'csat' : 'nps', score: i % 4 ? 1 + (i % 5) : i % 11, at: base + 9_000_000_000, agentId: i % 3 ? 'agent-1' : null }],
        firstResponseDueAt: i % 6 === 0 ? null : base + 14_400_000,
        resolutionDueAt: i % 8 === 0 ? null : base + 172_800_000,
        firstResponseDueAgentId: i % 9 === 0 ? null : 'agent-2',
        resolutionDueAgentId: 'agent-3'
      })
    }
    const text = `[${list.map((f) => encodeFacts(f, agents)).join(',')}]`
    const ids = list.map((f) => f.id)
    const viaJson = (JSON.parse(text) as EncodedFacts[]).map((e, i) => decodeFacts(e, ids[i]!, agents))
    const read = decodeMany(text, ids, agents)
    expect(read).toEqual(viaJson)
    expect(read).toEqual(list)
    expect(decodeMany('[]', null, agents)).toEqual([])
    expect(() => decodeMany('[[0,1', null, agents)).toThrow(/unreadable/)
  })
})
