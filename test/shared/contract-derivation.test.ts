import { describe, expect, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import * as names from '../../src/shared/contract/names'
import {
  ASYNC_OPERATIONS,
  OPERATION_NAMES,
  argSchemas,
  exactHandlers,
  isOperationName,
  mergeDisjoint,
  operations,
  type Args,
  type AsyncOperationName,
  type HandoffApi,
  type Handlers,
  type ItemDetail,
  type OperationName,
  type ParsedArgs,
  type Result,
  type SyncStatus
} from '../../src/shared/contract'
import { attachmentOperations } from '../../src/shared/contract/attachments'
import { channelOperations } from '../../src/shared/contract/channels'
import { draftOperations } from '../../src/shared/contract/drafts'
import { figureOperations } from '../../src/shared/contract/figures'
import { itemOperations } from '../../src/shared/contract/items'
import { mutationOperations } from '../../src/shared/contract/mutation-operations'
import { peopleOperations } from '../../src/shared/contract/people'
import { settingsOperations } from '../../src/shared/contract/settings'
import { syncOperations } from '../../src/shared/contract/sync'
import { uiOperations } from '../../src/shared/contract/ui'
import { viewOperations } from '../../src/shared/contract/views'
import { workspaceOperations } from '../../src/shared/contract/workspace'
import { MUTATION_NAMES, mutations, type MutationName } from '../../src/shared/mutations'

/** The contract is one table (each operation defined once); everything else is derived from it. */
describe('the operation table', () => {
  const groups = [workspaceOperations, peopleOperations, itemOperations, viewOperations, settingsOperations, figureOperations, syncOperations, uiOperations, attachmentOperations, channelOperations, draftOperations, mutationOperations]

  it('names exactly its keys, each once', () => {
    expect(OPERATION_NAMES).toEqual(Object.keys(operations))
    expect(new Set(OPERATION_NAMES).size).toBe(OPERATION_NAMES.length)
    expect(Object.isFrozen(OPERATION_NAMES)).toBe(true)
  })

  it('is the disjoint union of the hand-written groups and every mutation', () => {
    const keys = groups.flatMap((g) => Object.keys(g))
    expect(new Set(keys).size).toBe(keys.length)
    expect([...keys].sort()).toEqual([...OPERATION_NAMES].sort())
  })

  it('makes every mutation an operation, with the mutation’s own schema, answering at once', () => {
    expect(MUTATION_NAMES.length).toBeGreaterThan(0)
    for (const name of MUTATION_NAMES) {
      expect(OPERATION_NAMES, name).toContain(name)
      expect(argSchemas[name], name).toBe(mutations[name].args)
      expect(operations[name].async, name).toBe(false)
    }
  })

  it('has a zod schema for every operation, and no other', () => {
    expect(Object.keys(argSchemas)).toEqual(OPERATION_NAMES)
    for (const name of OPERATION_NAMES) expect(argSchemas[name], name).toBeInstanceOf(z.ZodType)
  })

  it('derives the asynchronous operations from their definitions', () => {
    expect(ASYNC_OPERATIONS).toEqual(OPERATION_NAMES.filter((n) => operations[n].async))
    expect([...ASYNC_OPERATIONS].sort()).toEqual(['attachments.save', 'channels.health', 'figures.team', 'figures.teamItems', 'sync.signIn'])
  })

  it('knows its names and nothing else, inherited properties included', () => {
    for (const name of OPERATION_NAMES) expect(isOperationName(name), name).toBe(true)
    for (const other of ['no.such', 'toString', 'constructor', '__proto__', 'hasOwnProperty', '', 42, null, undefined, {}]) {
      expect(isOperationName(other), String(other)).toBe(false)
    }
  })

  it('keeps the names module plain data, so the preload build can carry it as data', () => {
    for (const [name, value] of Object.entries(names)) {
      expect(JSON.parse(JSON.stringify(value)), name).toEqual(value)
      expect(Array.isArray(value), name).toBe(true)
    }
  })

  it('refuses a name defined twice, by type and at runtime', () => {
    // @ts-expect-error 'session.get' would be defined twice
    expect(() => mergeDisjoint(workspaceOperations, { 'session.get': workspaceOperations['session.get'] })).toThrow(/session\.get is defined more than once/)
    expect(mergeDisjoint({ a: 1 }, { b: 2 })).toEqual({ a: 1, b: 2 })
  })
})

describe('the types derived from the table', () => {
  it('derive names, arguments and results', () => {
    expectTypeOf<MutationName>().toExtend<OperationName>()
    expectTypeOf<'item.get' | 'sync.status'>().toExtend<OperationName>()
    expectTypeOf<AsyncOperationName>().toEqualTypeOf<'sync.signIn' | 'figures.team' | 'figures.teamItems' | 'attachments.save' | 'channels.health'>()
    expectTypeOf<Result<'item.get'>>().toEqualTypeOf<ItemDetail>()
    // A mutation answers with its decide()'s result and the id it was recorded under.
    expectTypeOf<Result<'view.save'>>().toEqualTypeOf<{ viewId: string } & { mutationId: string }>()
    // Defaults may be left out by the caller; the handler gets them filled in.
    expectTypeOf<Args<'customers.search'>>().toEqualTypeOf<{ query: string; limit?: number | undefined }>()
    expectTypeOf<ParsedArgs<'customers.search'>>().toEqualTypeOf<{ query: string; limit: number }>()
    expectTypeOf<HandoffApi['item.get']>().toEqualTypeOf<(args: { itemId: string }) => Promise<ItemDetail>>()
  })

  it('make the asynchronous handlers, and only those, answer with a Promise', () => {
    expectTypeOf<ReturnType<Handlers['sync.signIn']>>().toEqualTypeOf<Promise<SyncStatus>>()
    expectTypeOf<ReturnType<Handlers['sync.status']>>().toEqualTypeOf<SyncStatus>()
    expectTypeOf<ReturnType<Handlers['item.get']>>().toEqualTypeOf<ItemDetail>()
  })

  it('check a handler map holds exactly one handler per operation', () => {
    const complete = Object.fromEntries(OPERATION_NAMES.map((name) => [name, () => undefined])) as unknown as Handlers
    expect(exactHandlers(complete)).toBe(complete)
    const { 'item.get': _missing, ...incomplete } = complete
    // @ts-expect-error a handler is missing
    exactHandlers(incomplete)
    // @ts-expect-error a handler for no operation
    exactHandlers({ ...complete, 'item.unknown': () => undefined })
  })
})
