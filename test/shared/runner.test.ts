import { describe, expect, it } from 'vitest'
import type { Item } from '../../src/shared/domain/entities'
import { decideMutation, emptySnapshot, planMutation, planStoredMutation, runMutation, type MutationContext, type Needs, type Snapshot } from '../../src/shared/mutations'

/** The decision runner (src/shared/mutations/runner.ts): plan, load, decide, the same for console, rebase and server. */
const ctx: MutationContext = { mutationId: '019aaaaa-0000-7000-8000-000000000001', actorId: 'agent-maya', now: '2026-11-23T09:00:00.000Z' }

const item: Item = {
  id: 'item-1',
  kind: 'service',
  category: 'billing',
  channel: 'email',
  customerId: 'cust-1',
  subject: 'Charged twice',
  status: 'open',
  priority: 'normal',
  assigneeId: null,
  tier: null,
  queue: 'service',
  handoffSummary: null,
  queueChangedBy: null,
  queueChangedAt: null,
  slaStartedAt: '2026-11-23T08:00:00.000Z',
  slaRespondedAt: null,
  createdAt: '2026-11-23T08:00:00.000Z',
  updatedAt: '2026-11-23T08:00:00.000Z',
  firstResponseAt: null,
  resolvedAt: null,
  slaDueAt: '2026-11-23T12:00:00.000Z'
}
const withItem = (): Snapshot => ({ ...emptySnapshot(), items: new Map([[item.id, item]]) })

describe('planStoredMutation', () => {
  it('parses the arguments with the named mutation’s schema and asks its needs', () => {
    const plan = planStoredMutation('item.addNote', { itemId: 'item-1', body: '  Called back.  ' }, ctx)
    expect(plan).toEqual({ ok: true, planned: { name: 'item.addNote', args: { itemId: 'item-1', body: 'Called back.' }, needs: { items: ['item-1'] } } })
  })

  it('refuses a name that is no mutation, inherited object keys included', () => {
    expect(planStoredMutation('item.teleport', {}, ctx)).toEqual({ ok: false, reason: 'unknown_mutation' })
    expect(planStoredMutation('toString', {}, ctx)).toEqual({ ok: false, reason: 'unknown_mutation' })
  })

  it('refuses arguments the schema refuses, with its issues and where they apply', () => {
    const plan = planStoredMutation('item.addNote', { itemId: 'item-1', body: 42 }, ctx)
    expect(plan.ok).toBe(false)
    if (plan.ok || plan.reason !== 'invalid_args') throw new Error('expected invalid_args')
    expect(plan.issues.map((i) => i.path)).toEqual([['body']])
    expect(plan.issues[0]!.message.length).toBeGreaterThan(0)
  })
})

describe('runMutation', () => {
  it('loads what the plan needs, then decides on that snapshot', () => {
    const asked: Needs[] = []
    const snapshot = withItem()
    const { snapshot: used, decision } = runMutation(planMutation('item.addNote', { itemId: 'item-1', body: 'Called back.' }, ctx), ctx, (needs) => {
      asked.push(needs)
      return snapshot
    })
    expect(asked).toEqual([{ items: ['item-1'] }])
    expect(used).toBe(snapshot)
    expect(decision.ok && decision.result).toEqual({ messageId: `${ctx.mutationId}.m` })
  })

  it('decides exactly as a snapshot loaded by the caller (the server’s way) does', () => {
    const planned = planMutation('item.setPriority', { itemId: 'item-1', priority: 'urgent' }, ctx)
    const alone = decideMutation(planned, withItem(), ctx)
    expect(runMutation(planned, ctx, () => withItem()).decision).toEqual(alone)
    expect(decideMutation(planned, emptySnapshot(), ctx)).toMatchObject({ ok: false, rejection: { code: 'not_found' } })
  })
})
