import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest'
import { plucked, prepared } from '../../src/core/infra/statements'

/**
 * The statement cache (src/core/infra/statements.ts) shares one Statement per SQL text and mode:
 * the same text read as rows by one caller and as first-column values by another must give each
 * its own shape, whatever the order of the calls.
 */
describe('the statement cache', () => {
  let db: Database.Database
  beforeEach(() => {
    db = new Database(':memory:')
    db.exec("CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER); INSERT INTO t VALUES ('a', 1), ('b', 2)")
  })
  afterEach(() => db.close())

  const SQL = 'SELECT id, n FROM t ORDER BY id'

  it('gives rows to prepared() after plucked() used the same text', () => {
    expect(plucked<[], string>(db, SQL).all()).toEqual(['a', 'b'])
    expect(prepared<[], { id: string; n: number }>(db, SQL).all()).toEqual([
      { id: 'a', n: 1 },
      { id: 'b', n: 2 }
    ])
    expect(plucked<[], string>(db, SQL).get()).toBe('a')
  })

  it('gives first-column values to plucked() after prepared() used the same text', () => {
    expect(prepared<[], { id: string; n: number }>(db, SQL).get()).toEqual({ id: 'a', n: 1 })
    expect(plucked<[], string>(db, SQL).all()).toEqual(['a', 'b'])
    expect(prepared<[], { id: string; n: number }>(db, SQL).get()).toEqual({ id: 'a', n: 1 })
    expect([...prepared<[], { id: string; n: number }>(db, SQL).iterate()].map((r) => r.n)).toEqual([1, 2])
  })

  it('prepares each text and mode once per connection', () => {
    expect(prepared(db, SQL)).toBe(prepared(db, SQL))
    expect(plucked(db, SQL)).toBe(plucked(db, SQL))
    expect(plucked(db, SQL)).not.toBe(prepared(db, SQL))
  })

  it('offers no method that would switch a shared statement for its next user', () => {
    // Type-level (checked by tsc -p tsconfig.test.json): .pluck/.raw/.expand would change the
    // rows every later user of the text gets, .bind its parameters, .safeIntegers its numbers.
    for (const statement of [prepared(db, SQL), plucked(db, SQL)]) {
      expectTypeOf(statement).not.toHaveProperty('pluck')
      expectTypeOf(statement).not.toHaveProperty('raw')
      expectTypeOf(statement).not.toHaveProperty('expand')
      expectTypeOf(statement).not.toHaveProperty('bind')
      expectTypeOf(statement).not.toHaveProperty('safeIntegers')
      expectTypeOf(statement).toHaveProperty('all')
    }
  })
})
