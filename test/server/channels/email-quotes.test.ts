/** The quoted-history trimmer on the shapes mail clients produce, and on text crafted to stall it. */
import { describe, expect, it } from 'vitest'
import { trimQuotedText } from '../../../src/server/channels/email/quotes'

const REPLY = 'Thanks, that fixed it!\nThe printer works again.'

describe('trimQuotedText', () => {
  it.each([
    ['Gmail', 'On Tue, Jul 1, 2025 at 10:00 AM Ann via Acme <support@acme.test> wrote:\n> Did you try?\n'],
    ['Gmail wrapped over three lines', 'On Tue, Jul 1, 2025 at 10:00 AM Ann Agent from the\nAcme support team via Acme <\nsupport@acme.test> wrote:\n\n> Did you try?\n'],
    ['Apple Mail', 'On 1 Jul 2025, at 10:00, Ann via Acme <support@acme.test> wrote:\n\n> Did you try?\n'],
    ['French', 'Le mar. 1 juil. 2025 à 10:00, Ann <support@acme.test> a écrit :\n> Avez-vous essayé ?\n'],
    ['German', 'Am Di., 1. Juli 2025 um 10:00 Uhr schrieb Ann <support@acme.test>:\n> Haben Sie es versucht?\n'],
    ['Spanish', 'El mar, 1 jul 2025 a las 10:00, Ann (<support@acme.test>) escribió:\n> ¿Lo intentó?\n'],
    ['Dutch', 'Op di 1 jul 2025 om 10:00 schreef Ann <support@acme.test>:\n> Geprobeerd?\n'],
    ['quoted lines alone', '> Did you try?\n>\n> Ann\n'],
    ['Outlook Original Message', '-----Original Message-----\nFrom: Ann via Acme <support@acme.test>\nSent: Tuesday, July 1, 2025 10:00 AM\nTo: Bob <bob@example.com>\nSubject: RE: Printer broken\n\nDid you try?\n'],
    ['Outlook From: block', 'From: Ann via Acme <support@acme.test>\nSent: Tuesday, July 1, 2025 10:00 AM\nTo: Bob <bob@example.com>\nSubject: RE: Printer broken\n\nDid you try?\n'],
    ['Outlook From: block under a rule', '________________________________\nFrom: Ann via Acme\nSent: Tuesday, July 1, 2025 10:00 AM\nTo: Bob\nSubject: RE: Printer broken\n\nDid you try?\n'],
    ['Outlook in bold markers', '*From:* Ann via Acme <support@acme.test>\n*Sent:* Tuesday, July 1, 2025 10:00 AM\n*To:* Bob\n\nDid you try?\n'],
    ['German Outlook', '-----Ursprüngliche Nachricht-----\nVon: Ann <support@acme.test>\nGesendet: Dienstag, 1. Juli 2025 10:00\nAn: Bob\nBetreff: AW: Drucker\n\nVersucht?\n'],
    ['a signature', '-- \nBob Customer\nACME Corp\n'],
    ['a phone footer and history', 'Sent from my iPhone\n\nOn Tue, Jul 1, 2025 at 10:00 AM Ann <support@acme.test> wrote:\n> Did you try?\n']
  ])('removes %s', (_name, history) => {
    expect(trimQuotedText(`${REPLY}\n\n${history}`)).toBe(REPLY)
    expect(trimQuotedText(`${REPLY}\r\n\r\n${history.replace(/\n/g, '\r\n')}`)).toBe(REPLY)
  })

  it('leaves text without history as it is', () => {
    expect(trimQuotedText(`  ${REPLY}\n\n`)).toBe(REPLY)
  })

  it('keeps answers written between quotes, and text that only looks like a header', () => {
    const inline = '> What is your order number?\n1234\n> And your name?\nBob'
    expect(trimQuotedText(inline)).toBe(inline)
    const prose = 'From: my account page I cannot log in.\nOn Monday it still worked.\nTo be clear, I changed nothing.'
    expect(trimQuotedText(prose)).toBe(prose)
    const dashes = 'Step 1 -- open the lid\n--\nStep 2'
    expect(trimQuotedText(dashes)).toBe(dashes)
  })

  it('keeps a message that is nothing but a quote whole rather than empty', () => {
    expect(trimQuotedText('> only a quote\n> here')).toBe('> only a quote\n> here')
    expect(trimQuotedText('On Tue, Jul 1, 2025 Ann <a@b.c> wrote:\n> hi')).toBe('On Tue, Jul 1, 2025 Ann <a@b.c> wrote:\n> hi')
  })

  it('finds the history after a long reply', () => {
    const long = 'word '.repeat(20_000).trim()
    expect(trimQuotedText(`${long}\n\nOn Tue, Jul 1, 2025 Ann <a@b.c> wrote:\n> hi`)).toBe(long)
  })

  // Text shaped to make backtracking patterns (like email-reply-parser's without re2) run for
  // minutes; this trimmer goes through it line by line.
  it('gets through text crafted against regular expressions', () => {
    const crafted = [
      'abc. x skrev\n'.repeat(5000),
      'On '.repeat(50_000),
      'On x\n'.repeat(50_000),
      '> \n'.repeat(50_000) + 'x',
      'From: x\n'.repeat(50_000),
      '-'.repeat(100_000)
    ]
    for (const text of crafted) expect(typeof trimQuotedText(text)).toBe('string')
    expect(trimQuotedText('On x\n'.repeat(50_000))).toBe(('On x\n'.repeat(50_000)).trim())
  })
})
