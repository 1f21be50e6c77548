/**
 * Text a mutation carries must be storable: a NUL character (PostgreSQL refuses it) or a lone
 * UTF-16 surrogate (half of an emoji) is refused by the shared schemas with a message for
 * people, everywhere text arrives (console and server parse with the same schemas). Issue 13.
 */
import { describe, expect, it } from 'vitest'
import { mutations, type MutationName } from '../../src/shared/mutations'
import { isStorableText } from '../../src/shared/mutations/fields'

const NUL = '\u0000'
const HIGH = '\ud83d' // the first half of 😀 (\ud83d\ude00)
const LOW = '\ude00' // its second half

describe('isStorableText', () => {
  it('accepts ordinary text, whole emoji and other controls; refuses NUL and lone surrogates anywhere', () => {
    for (const ok of ['', 'Refunded.', 'café ✓', '😀', 'a😀b', '👩‍💻 x', 'tab\there', 'line\r\nbreak']) expect(isStorableText(ok), JSON.stringify(ok)).toBe(true)
    for (const bad of [NUL, `a${NUL}b`, HIGH, `${HIGH}x`, `x${HIGH}`, LOW, `x${LOW}y`, `${LOW}${HIGH}`, `😀${HIGH}`, `${HIGH}${HIGH}${LOW}`]) {
      expect(isStorableText(bad), JSON.stringify(bad)).toBe(false)
    }
  })
})

describe('the mutation schemas refuse unstorable text', () => {
  const itemId = 'item-1'
  const cases: [MutationName, Record<string, unknown>, RegExp][] = [
    ['item.reply', { itemId, body: `Hello ${NUL}` }, /Reply contains a character that cannot be saved/],
    ['item.reply', { itemId, body: `Sorry 😀${HIGH}` }, /Reply contains a character that cannot be saved \(a NUL character, or half of an emoji\)/],
    ['item.reply', { itemId: `item${NUL}`, body: 'Hello' }, /An id contains/],
    ['item.addNote', { itemId, body: `x${LOW}` }, /contains a character that cannot be saved/],
    [
      'item.create',
      { kind: 'service', category: 'order', channel: 'email', subject: `Order ${HIGH}`, body: 'It has not arrived.', customer: { type: 'new', name: 'Cleo' } },
      /Subject contains/
    ],
    [
      'item.create',
      { kind: 'service', category: 'order', channel: 'email', subject: 'Order', body: 'It has not arrived.', customer: { type: 'new', name: `Cleo${NUL}` } },
      /Name contains/
    ],
    ['item.escalateToSupport', { itemId, reasonCode: 'bug', reasonText: `It crashes ${NUL}`, summary: 'A crash.' }, /The reason contains/],
    ['view.save', { id: null, name: `Mine${HIGH}`, filter: {}, sort: { column: 'updatedAt', direction: 'desc' } }, /The view name contains/],
    ['view.save', { id: null, name: 'Mine', filter: { search: `x${NUL}` }, sort: { column: 'updatedAt', direction: 'desc' } }, /The search contains/]
  ]
  it.each(cases)('%s %j', (name, args, message) => {
    const parsed = mutations[name].args.safeParse(args)
    expect(parsed.success).toBe(false)
    expect(parsed.error!.issues.map((i) => i.message).join(' ')).toMatch(message)
  })

  it('accepts the same text once whole', () => {
    expect(mutations['item.reply'].args.safeParse({ itemId, body: 'Sorry 😀' }).success).toBe(true)
    expect(mutations['item.addNote'].args.safeParse({ itemId, body: 'x' }).success).toBe(true)
  })
})
