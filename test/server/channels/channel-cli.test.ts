/** `channel add | list | test` against a real Dovecot and a real SMTP listener, the store on PGlite. */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runChannelCommand } from '../../../src/server/cli/channel'
import { UsageError } from '../../../src/server/cli/commands'
import { openStore, type ServerStore } from '../../../src/server/store'
import { startDovecot, type Dovecot } from '../../support/dovecot'
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink'

describe('channel commands', () => {
  let dovecot: Dovecot
  let sink: SmtpSink
  let store: ServerStore
  let dir: string
  beforeAll(async () => {
    dovecot = await startDovecot()
    sink = await startSmtpSink()
    store = await openStore()
    dir = mkdtempSync(join(tmpdir(), 'handoff-channel-'))
  })
  afterAll(async () => {
    await store?.close()
    await dovecot?.stop()
    await sink?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  const run = async (args: string[], json = true) => {
    const lines: string[] = []
    const code = await runChannelCommand(store, args, { out: (l) => lines.push(l) }, json)
    return { code, out: lines.join('\n') }
  }
  const addArgs = (id: string, imapPassword: string[], smtpPassword: string[]) => [
    'add', 'email', '--id', id, '--name', 'Support', '--address', 'Support@Handoff.example',
    '--imap-host', dovecot.host, '--imap-port', String(dovecot.port), '--imap-security', 'none', '--imap-user', dovecot.user, ...imapPassword,
    '--smtp-host', sink.host, '--smtp-port', String(sink.port), '--smtp-security', 'none', '--smtp-user', sink.user, ...smtpPassword
  ]

  it('adds a channel that stores where the passwords are, lists it, and tests both servers', async () => {
    const file = join(dir, 'smtp-password')
    writeFileSync(file, sink.password + '\n')
    chmodSync(file, 0o600)
    process.env.HANDOFF_CLI_IMAP_PASSWORD = dovecot.password
    const added = await run(addArgs('support', ['--imap-password-env', 'HANDOFF_CLI_IMAP_PASSWORD'], ['--smtp-password-file', file]))
    expect(added.code).toBe(0)
    expect(JSON.parse(added.out)).toMatchObject({ id: 'support', address: 'support@handoff.example', config: { imap: { password: { env: 'HANDOFF_CLI_IMAP_PASSWORD' }, mailbox: 'INBOX' }, smtp: { password: { file } } } })

    const listed = await run(['list'])
    expect(JSON.parse(listed.out)).toHaveLength(1)
    expect(listed.out).not.toContain(dovecot.password)
    expect(listed.out).not.toContain(sink.password)
    expect((await run(['list'], false)).out).toMatch(/^support\tSupport\tsupport@handoff\.example\t.*never polled/)

    const tested = await run(['test', 'support'])
    expect(tested.code).toBe(0)
    expect(JSON.parse(tested.out)).toMatchObject({ imap: { ok: true }, smtp: { ok: true } })
  })

  it('test exits 1 with the reason when a password is wrong or missing, never printing it', async () => {
    const wrong = 'not-the-password-' + Date.now()
    process.env.HANDOFF_CLI_WRONG = wrong
    expect((await run(addArgs('wrong', ['--imap-password-env', 'HANDOFF_CLI_WRONG'], ['--smtp-password-env', 'HANDOFF_CLI_UNSET_VAR']))).code).toBe(0)
    const tested = await run(['test', 'wrong'])
    expect(tested.code).toBe(1)
    const result = JSON.parse(tested.out) as { imap: { ok: boolean; detail: string }; smtp: { ok: boolean; detail: string } }
    expect(result.imap.ok).toBe(false)
    expect(result.smtp).toEqual({ ok: false, detail: expect.stringContaining('HANDOFF_CLI_UNSET_VAR') as string })
    expect(tested.out).not.toContain(wrong)
  })

  it('refuses a password file others may read, and one that is not a file', async () => {
    const file = join(dir, 'open-password')
    writeFileSync(file, 'secret-in-open-file')
    chmodSync(file, 0o644)
    const error = await run(addArgs('open', ['--imap-password-file', file], ['--smtp-password-env', 'X'])).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UsageError)
    expect((error as Error).message).toMatch(/may be read by others.*chmod 600/)
    expect((error as Error).message).not.toContain('secret-in-open-file')
    const notFile = await run(addArgs('dir', ['--imap-password-file', dir], ['--smtp-password-env', 'X'])).catch((e: unknown) => e)
    expect((notFile as Error).message).toMatch(/not a regular file/)
    expect(await store.sql.query(`SELECT id FROM channels WHERE id IN ('open', 'dir')`)).toEqual({ rows: [] })
  })

  it('stores the attachment limit: 10 MB unless --max-attachment-mb says otherwise, and refuses a limit that is no size', async () => {
    process.env.HANDOFF_CLI_LIMIT = 'x'
    const pw = ['--imap-password-env', 'HANDOFF_CLI_LIMIT']
    const smtpPw = ['--smtp-password-env', 'HANDOFF_CLI_LIMIT']
    const plain = JSON.parse((await run(addArgs('limit-default', pw, smtpPw))).out) as { config: { maxAttachmentBytes: number } }
    expect(plain.config.maxAttachmentBytes).toBe(10 * 1024 * 1024)
    const half = JSON.parse((await run([...addArgs('limit-half', pw, smtpPw), '--max-attachment-mb', '0.5'])).out) as { config: { maxAttachmentBytes: number } }
    expect(half.config.maxAttachmentBytes).toBe(512 * 1024)
    expect((await run(['list'], false)).out).toMatch(/^limit-half\t.*attachments up to 0\.5 MB/m)
    for (const bad of ['0', '-1', 'ten', '101']) {
      const error = await run([...addArgs(`limit-bad`, pw, smtpPw), `--max-attachment-mb=${bad}`]).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(UsageError)
      expect((error as Error).message).toMatch(/--max-attachment-mb is a number of megabytes above 0 and at most 100/)
    }
    expect(await store.sql.query(`SELECT id FROM channels WHERE id = 'limit-bad'`)).toEqual({ rows: [] })
  })
})
