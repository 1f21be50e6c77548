/**
 * Inbound MIME to InboundEmail: real messages built with nodemailer's MailComposer, and raw bytes
 * for what no well-behaved composer would produce (broken structure, unknown charsets, bounces).
 */
import MailComposer from 'nodemailer/lib/mail-composer'
import type Mail from 'nodemailer/lib/mailer'
import { describe, expect, it } from 'vitest'
import { EmailParseError, parseInboundEmail } from '../../../src/server/channels/email/parse'

const compose = (mail: Mail.Options): Promise<Buffer> => new MailComposer(mail).compile().build()
const raw = (lines: string[]): Buffer => Buffer.from(lines.join('\r\n'), 'latin1')

const base = {
  from: { name: 'Bob Customer', address: 'Bob@Example.COM' },
  to: 'support@acme.test',
  subject: 'Printer broken',
  messageId: '<c1@example.com>',
  date: new Date('2025-07-01T10:00:00Z')
}

describe('parseInboundEmail', () => {
  it('reads a plain text message: sender lower-cased, ids with brackets, date as ISO', async () => {
    const mail = await parseInboundEmail(
      await compose({ ...base, cc: 'Ann <ann@example.com>', inReplyTo: '<h1@acme.test>', references: ['<h0@acme.test>', '<h1@acme.test>'], text: 'My printer is broken.\nIt smokes.' })
    )
    expect(mail.from).toEqual({ name: 'Bob Customer', address: 'bob@example.com' })
    expect(mail.to).toEqual([{ name: '', address: 'support@acme.test' }])
    expect(mail.cc).toEqual([{ name: 'Ann', address: 'ann@example.com' }])
    expect(mail.subject).toBe('Printer broken')
    expect(mail.messageId).toBe('<c1@example.com>')
    expect(mail.messageIdGenerated).toBe(false)
    expect(mail.inReplyTo).toBe('<h1@acme.test>')
    expect(mail.references).toEqual(['<h0@acme.test>', '<h1@acme.test>'])
    expect(mail.date).toBe('2025-07-01T10:00:00.000Z')
    expect(mail.text).toBe('My printer is broken.\nIt smokes.')
    expect(mail.textTrimmed).toBe('My printer is broken.\nIt smokes.')
    expect(mail.attachments).toEqual([])
    expect(mail.problems).toEqual([])
    expect(mail.automated).toBeNull()
    // JSON-safe: what goes in comes out.
    expect(JSON.parse(JSON.stringify(mail))).toEqual(mail)
  })

  it('turns an HTML-only message into plain text with no script, style or tag left', async () => {
    const html = [
      '<html><head><title>T</title><style>p { color: red }</style><script>var leaked = "head-script"</script></head>',
      '<body onload="steal()"><p>Hello <b>there</b>,</p><script>document.write("body-script")</script>',
      '<p>see <a href="https://example.com/x">the manual</a></p><img src="https://tracker.example/p.gif" alt="pixel">',
      '<noscript>noscript-text</noscript><div style="display:none">&lt;not a tag&gt;</div></body></html>'
    ].join('')
    const mail = await parseInboundEmail(await compose({ ...base, html }))
    expect(mail.text).toContain('Hello there,')
    expect(mail.text).toContain('the manual [https://example.com/x]')
    for (const leaked of ['head-script', 'body-script', 'color', 'steal', 'tracker', 'noscript-text', '<b>', '<p>']) expect(mail.text).not.toContain(leaked)
    // An escaped "<" in the HTML is text, and stays text.
    expect(mail.text).toContain('<not a tag>')
    expect(mail.problems).toEqual([])
  })

  it('reports HTML nested deep enough to stall the converter instead of converting it', async () => {
    const deep = '<div>'.repeat(100_000) + 'deep text' + '</div>'.repeat(100_000)
    const mail = await parseInboundEmail(await compose({ ...base, html: deep }))
    expect(mail.text).toBe('')
    expect(mail.problems).toEqual([expect.stringContaining('nested too deeply')])
    // Ordinary HTML with tens of thousands of tags converts.
    const wide = '<table><tr><td><div><p>Some <b>bold</b> text<p>more<br><li>item</div></td></tr></table>'.repeat(2000)
    const ordinary = await parseInboundEmail(await compose({ ...base, html: wide }))
    expect(ordinary.text).toMatch(/^Some bold text/)
    expect(ordinary.problems).toEqual([])
  })

  it('prefers the text/plain alternative over the HTML one', async () => {
    const mail = await parseInboundEmail(await compose({ ...base, text: 'Plain version', html: '<p>HTML version</p>' }))
    expect(mail.text).toBe('Plain version')
  })

  describe('quoted history', () => {
    const cases = [
      {
        name: 'Gmail "On … wrote:" with quoted lines',
        text: 'Thanks, that fixed it!\n\nOn Tue, Jul 1, 2025 at 10:00 AM Ann via Acme <support@acme.test> wrote:\n> Did you try turning it off and on?\n>\n> Ann\n'
      },
      {
        name: 'Gmail header wrapped over two lines',
        text: 'Thanks, that fixed it!\n\nOn Tue, Jul 1, 2025 at 10:00 AM Ann via Acme <\nsupport@acme.test> wrote:\n\n> Did you try turning it off and on?\n'
      },
      { name: '"> " lines alone', text: 'Thanks, that fixed it!\n\n> Did you try turning it off and on?\n> Ann\n' },
      {
        name: 'Outlook "-----Original Message-----"',
        text: 'Thanks, that fixed it!\n\n-----Original Message-----\nFrom: Ann via Acme <support@acme.test>\nSent: Tuesday, July 1, 2025 10:00 AM\nTo: Bob <bob@example.com>\nSubject: RE: Printer broken\n\nDid you try turning it off and on?\n'
      },
      {
        name: 'Outlook "From:" block under a rule',
        text: 'Thanks, that fixed it!\n\n________________________________\nFrom: Ann via Acme <support@acme.test>\nSent: Tuesday, July 1, 2025 10:00 AM\nTo: Bob <bob@example.com>\nSubject: RE: Printer broken\n\nDid you try turning it off and on?\n'
      }
    ]
    it.each(cases)('trims $name, and keeps the full text', async ({ text }) => {
      const mail = await parseInboundEmail(await compose({ ...base, text }))
      expect(mail.textTrimmed).toBe('Thanks, that fixed it!')
      expect(mail.text).toContain('Did you try turning it off and on?')
    })
  })

  it('refuses an attachment over the limit, keeps the one under it and the message', async () => {
    const small = Buffer.alloc(1000, 7)
    const big = Buffer.alloc(20 * 1024 * 1024, 1)
    const mail = await parseInboundEmail(
      await compose({
        ...base,
        text: 'Logs attached.',
        attachments: [
          { filename: 'small.bin', content: small, contentType: 'application/octet-stream' },
          { filename: 'huge.zip', content: big, contentType: 'application/zip' }
        ]
      }),
      { maxAttachmentBytes: 10 * 1024 * 1024 }
    )
    expect(mail.text).toBe('Logs attached.')
    expect(mail.attachments).toHaveLength(2)
    const [kept, refused] = mail.attachments
    expect(kept).toMatchObject({ filename: 'small.bin', contentType: 'application/octet-stream', size: 1000, refused: null })
    expect(kept?.content?.equals(small)).toBe(true)
    expect(refused).toMatchObject({ filename: 'huge.zip', contentType: 'application/zip', size: big.length, content: null })
    expect(refused?.refused).toMatch(/20\.0 MB is over the 10\.0 MB limit/)
    expect(mail.problems).toEqual([expect.stringContaining('"huge.zip"')])
  })

  it('keeps no path, direction override or control character of an attachment name', async () => {
    const mail = await parseInboundEmail(
      await compose({
        ...base,
        text: 'x',
        attachments: [
          { filename: '../../etc/passwd', content: 'a' },
          { filename: 'invoice\u202Efdp.exe', content: 'b' }
        ]
      })
    )
    expect(mail.attachments.map((a) => a.filename)).toEqual(['passwd', 'invoicefdp.exe'])
    const unnamed = await parseInboundEmail(
      raw(['From: a@example.com', 'Content-Type: multipart/mixed; boundary="b"', '', '--b', 'Content-Type: text/plain', '', 'x', '--b', 'Content-Type: application/octet-stream', 'Content-Disposition: attachment', '', 'data', '--b--', ''])
    )
    expect(unnamed.attachments.map((a) => a.filename)).toEqual(['attachment-1'])
  })

  it('keeps a header in an unknown charset readable and reports it', async () => {
    const mail = await parseInboundEmail(
      raw(['From: =?x-klingon?Q?Kl=E4ngon?= <k@example.com>', 'Subject: =?x-klingon?Q?H=E9llo?= world', 'Message-ID: <k1@example.com>', 'Content-Type: text/plain; charset=x-klingon', '', 'body \xE9', ''])
    )
    expect(mail.from?.address).toBe('k@example.com')
    expect(mail.subject).toMatch(/world$/)
    expect(mail.text).toMatch(/^body /)
    expect(mail.problems).toEqual([expect.stringContaining('"x-klingon"'), expect.stringContaining('"x-klingon"')])
    expect(mail.problems[0]).toMatch(/header/)
    expect(mail.problems[1]).toMatch(/text part/)
  })

  it('strips NUL and control characters, which PostgreSQL text cannot hold or a screen should not show', async () => {
    const mail = await parseInboundEmail(raw(['From: a@example.com', 'Subject: bad\x07 subject', '', 'line one\x00\r\nline\x1B[31m two', '']))
    expect(mail.subject).toBe('bad subject')
    expect(mail.text).toBe('line one\nline[31m two')
  })

  describe('malformed MIME: read what can be read, report the rest', () => {
    it('a multipart without a boundary', async () => {
      const mail = await parseInboundEmail(raw(['From: a@example.com', 'Subject: hi', 'Content-Type: multipart/mixed', '', '--x', 'Content-Type: text/plain', '', 'hello', '--x--', '']))
      expect(mail.subject).toBe('hi')
      expect(mail.problems).toEqual([expect.stringContaining('no boundary')])
    })

    it('a multipart whose boundary never appears', async () => {
      const mail = await parseInboundEmail(raw(['From: a@example.com', 'Subject: hi', 'Content-Type: multipart/mixed; boundary="zzz"', '', '--x', '', 'hello', '']))
      expect(mail.problems).toEqual([expect.stringContaining('never uses its boundary')])
    })

    it('a multipart cut short, with a broken base64 attachment', async () => {
      const mail = await parseInboundEmail(
        raw([
          'From: a@example.com',
          'Subject: hi',
          'Content-Type: multipart/mixed; boundary="b1"',
          '',
          '--b1',
          'Content-Type: text/plain',
          '',
          'hello',
          '--b1',
          'Content-Type: application/pdf; name=a.pdf',
          'Content-Transfer-Encoding: base64',
          '',
          'JVBER!!!i0xLjQ'
        ])
      )
      expect(mail.text).toBe('hello')
      expect(mail.attachments.map((a) => a.filename)).toEqual(['a.pdf'])
      expect(mail.problems).toEqual([expect.stringContaining('not closed')])
    })

    it('a Date and a Message-ID that cannot be read', async () => {
      const mail = await parseInboundEmail(raw(['From: a@example.com', 'Date: the day after tomorrow', 'Message-ID: no brackets here', '', 'x', '']))
      expect(mail.date).toBeNull()
      expect(mail.messageIdGenerated).toBe(true)
      expect(mail.problems).toEqual(expect.arrayContaining([expect.stringContaining('Message-ID'), expect.stringContaining('Date')]))
    })

    it('a From that holds no address', async () => {
      const mail = await parseInboundEmail(raw(['From: just a name', 'Subject: s', '', 'x', '']))
      expect(mail.from).toBeNull()
      expect(mail.problems).toEqual([expect.stringContaining('sender')])
    })

    it('throws a typed error only when nothing is an email', async () => {
      await expect(parseInboundEmail(Buffer.alloc(0))).rejects.toMatchObject({ name: 'EmailParseError', code: 'empty' })
      await expect(parseInboundEmail(Buffer.from('\x00\x01\x02 not an email \xff\xfe', 'latin1'))).rejects.toBeInstanceOf(EmailParseError)
      await expect(parseInboundEmail(Buffer.from('just a line\r\nand another\r\n'))).rejects.toMatchObject({ code: 'not_an_email' })
    })
  })

  describe('automated mail', () => {
    const classify = async (headers: string[], body = 'x') => (await parseInboundEmail(raw([...headers, 'Subject: s', '', body, '']))).automated

    it('a delivery status report is a bounce', async () => {
      const dsn = await parseInboundEmail(
        raw([
          'From: Mail Delivery System <bounces@mx.example.net>',
          'Subject: Undelivered Mail Returned to Sender',
          'Content-Type: multipart/report; report-type=delivery-status; boundary="r"',
          '',
          '--r',
          'Content-Type: text/plain',
          '',
          'Your message could not be delivered.',
          '--r',
          'Content-Type: message/delivery-status',
          '',
          'Reporting-MTA: dns; mx.example.net',
          '',
          'Final-Recipient: rfc822; nobody@example.com',
          'Action: failed',
          'Status: 5.1.1',
          '--r--',
          ''
        ])
      )
      expect(dsn.automated).toBe('bounce')
      expect(dsn.text).toContain('could not be delivered')
    })

    it('mail from MAILER-DAEMON or postmaster, or with a null Return-Path, is a bounce', async () => {
      expect(await classify(['From: MAILER-DAEMON@mx.example.net'])).toBe('bounce')
      expect(await classify(['From: Postmaster <postmaster@example.net>'])).toBe('bounce')
      expect(await classify(['Return-Path: <>', 'From: someone@example.net'])).toBe('bounce')
    })

    it('Auto-Submitted (except "no"), X-Autoreply, X-Autorespond and Precedence auto_reply are auto-replies', async () => {
      expect(await classify(['From: bob@example.com', 'Auto-Submitted: auto-replied'])).toBe('auto-reply')
      expect(await classify(['From: bob@example.com', 'Auto-Submitted: auto-generated; owner-email="x@example.com"'])).toBe('auto-reply')
      expect(await classify(['From: bob@example.com', 'X-Autoreply: yes'])).toBe('auto-reply')
      expect(await classify(['From: bob@example.com', 'X-Autorespond: Out of office'])).toBe('auto-reply')
      expect(await classify(['From: bob@example.com', 'Precedence: auto_reply'])).toBe('auto-reply')
      // An out-of-office answer with a null reverse path is still an auto-reply, not a bounce.
      expect(await classify(['Return-Path: <>', 'From: bob@example.com', 'Auto-Submitted: auto-replied'])).toBe('auto-reply')
    })

    it('Precedence bulk, junk and list are bulk', async () => {
      for (const p of ['bulk', 'junk', 'list', 'Bulk']) expect(await classify(['From: news@example.com', `Precedence: ${p}`])).toBe('bulk')
    })

    it('a person writing is not automated, even saying Auto-Submitted: no', async () => {
      expect(await classify(['From: bob@example.com', 'Auto-Submitted: no'])).toBeNull()
      expect(await classify(['From: bob@example.com', 'Return-Path: <bob@example.com>'])).toBeNull()
    })
  })

  it('gives a message without Message-ID a stable id: the same bytes, the same id', async () => {
    const one = raw(['From: a@example.com', 'Subject: no id', '', 'hello', ''])
    const other = raw(['From: a@example.com', 'Subject: no id', '', 'hello again', ''])
    const first = await parseInboundEmail(one)
    const again = await parseInboundEmail(Buffer.from(one))
    const different = await parseInboundEmail(other)
    expect(first.messageIdGenerated).toBe(true)
    expect(first.messageId).toMatch(/^<[0-9a-f]{40}@generated\.handoff\.invalid>$/)
    expect(again.messageId).toBe(first.messageId)
    expect(different.messageId).not.toBe(first.messageId)
    expect(first.problems).toEqual([])
  })

  it('takes only the ids out of threading headers with comments and folding', async () => {
    const mail = await parseInboundEmail(raw(['From: a@example.com', 'Message-ID: <m@x> (sent by a phone)', 'In-Reply-To: <p@x> (Ann\'s message)', 'References: <a@x>', ' <b@x>\t<p@x>', '', 'x', '']))
    expect(mail.messageId).toBe('<m@x>')
    expect(mail.inReplyTo).toBe('<p@x>')
    expect(mail.references).toEqual(['<a@x>', '<b@x>', '<p@x>'])
  })
})
