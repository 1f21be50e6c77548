/** How the thread describes a customer's files and what could not be read of their message. */
import { describe, expect, it } from 'vitest'
import { formatBytes, problemsNotice } from '../../src/renderer/src/features/item/attachment-format'

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 kB'],
    [3009, '2.9 kB'],
    [10 * 1024, '10 kB'],
    [1024 * 1024, '1.0 MB'],
    [25 * 1024 * 1024 + 1, '25.0 MB']
  ])('%d -> %s', (bytes, text) => expect(formatBytes(bytes)).toBe(text))
})

describe('problemsNotice', () => {
  it('says nothing when all was read, and lists every problem otherwise', () => {
    expect(problemsNotice([])).toBeNull()
    expect(problemsNotice(['A header uses the unknown character set "x-foo".', 'Attachment "a.bin" was not kept: too big.'])).toBe(
      'Part of this message could not be read: A header uses the unknown character set "x-foo". Attachment "a.bin" was not kept: too big.'
    )
  })
})
