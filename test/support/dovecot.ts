/**
 * A throwaway Dovecot IMAP server for the email channel's tests: a config, a passwd file and a
 * maildir in a temporary folder, listening on a free port of 127.0.0.1 with plaintext login (no
 * TLS: nothing leaves the machine). Debian's dovecot-imapd provides /usr/sbin/dovecot;
 * HANDOFF_DOVECOT overrides the path.
 *
 * Run as root (CI and this machine), Dovecot refuses to let its login process run as root, so it
 * runs as `dovenull`, its internal processes as `dovecot`, and mail belongs to `dovecot`. Run as
 * anyone else, everything runs as that user.
 *
 * Also here: a TCP proxy in front of it whose connections a test can sever at a chosen point of
 * the IMAP conversation, for the faults a live server cannot be made to produce on cue.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { ImapFlow } from 'imapflow'

export interface DovecotOptions {
  /**
   * Whether the server offers IDLE (the default). Without it the server advertises everything
   * else it normally does, so a client has to fall back to polling.
   */
  idle?: boolean
}

export interface Dovecot {
  host: string
  port: number
  user: string
  password: string
  /** Appends a raw message to `mailbox` (INBOX by default, created if missing); resolves to its UID. */
  deliver(raw: string | Buffer, mailbox?: string): Promise<number>
  createMailbox(name: string): Promise<void>
  /** The number of messages in `mailbox`, or 0 when it does not exist. */
  count(mailbox?: string): Promise<number>
  /** The Message-ID headers of the messages in `mailbox`, in UID order. */
  messageIds(mailbox?: string): Promise<string[]>
  /**
   * Disconnects every IMAP session of the user, as an administrator (or a server restart) would;
   * false when there was none.
   */
  kick(): boolean
  stop(): Promise<void>
}

const DOVECOT = process.env.HANDOFF_DOVECOT ?? '/usr/sbin/dovecot'
const DOVEADM = join(DOVECOT, '..', '..', 'bin', 'doveadm')

// What Dovecot 2.3 advertises after login, minus IDLE: setting imap_capability replaces the
// whole list, so the server keeps behaving the same except for the one thing under test.
const CAPABILITIES_WITHOUT_IDLE =
  'IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE SORT SORT=DISPLAY THREAD=REFERENCES THREAD=REFS ' +
  'THREAD=ORDEREDSUBJECT MULTIAPPEND URL-PARTIAL CATENATE UNSELECT CHILDREN NAMESPACE UIDPLUS ' +
  'LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES WITHIN CONTEXT=SEARCH ' +
  'LIST-STATUS BINARY MOVE SNIPPET=FUZZY PREVIEW=FUZZY PREVIEW STATUS=SIZE SAVEDATE LITERAL+ NOTIFY'

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

function config(dir: string, port: number, options: DovecotOptions): string {
  const me = userInfo()
  const root = isRoot()
  const loginUser = root ? 'dovenull' : me.username
  const internalUser = root ? 'dovecot' : me.username
  const mailUid = root ? 'dovecot' : String(me.uid)
  const mailGid = root ? 'dovecot' : String(me.gid)
  // Unprivileged, Dovecot may only hand its sockets to the group it runs as.
  const internalGroup = root ? 'dovecot' : execFileSync('id', ['-gn'], { encoding: 'utf8' }).trim()
  // Unprivileged, Dovecot cannot chroot its login and anvil processes.
  const noChroot = root ? '' : '  chroot =\n'
  const withoutIdle = options.idle === false ? `protocol imap {\n  imap_capability = ${CAPABILITIES_WITHOUT_IDLE}\n}\n` : ''
  // Dovecot parses a block's braces only on their own lines (2.3 refuses `{ mode = 0666 }`).
  return `
protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
info_log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
# Tests log in with a wrong password on purpose; no need to make the next login wait.
auth_failure_delay = 0
default_login_user = ${loginUser}
default_internal_user = ${internalUser}
default_internal_group = ${internalGroup}
first_valid_uid = 1
first_valid_gid = 1
mail_location = maildir:${dir}/mail/%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${mailUid} gid=${mailGid} home=${dir}/mail/%u
}
namespace inbox {
  inbox = yes
  separator = /
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
${noChroot}}
service anvil {
${noChroot}}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
${withoutIdle}`
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.setTimeout(1000)
    // The greeting, not the bare TCP accept, says imap-login is up behind the listener.
    socket.once('data', (chunk) => {
      socket.destroy()
      resolve(chunk.toString('latin1').startsWith('* OK'))
    })
    socket.once('error', () => resolve(false))
    socket.once('timeout', () => {
      socket.destroy()
      resolve(false)
    })
  })
}

function readLog(dir: string): string {
  const file = join(dir, 'dovecot.log')
  return existsSync(file) ? readFileSync(file, 'utf8') : '(no log written)'
}

export async function startDovecot(options: DovecotOptions = {}): Promise<Dovecot> {
  if (!existsSync(DOVECOT)) throw new Error(`Dovecot is not installed: no ${DOVECOT} (apt-get install dovecot-imapd, or set HANDOFF_DOVECOT).`)
  const dir = mkdtempSync(join(tmpdir(), 'handoff-dovecot-'))
  // Dovecot's unprivileged processes must reach the sockets and the maildir inside.
  chmodSync(dir, 0o755)
  const mail = join(dir, 'mail')
  mkdirSync(mail)
  if (isRoot()) {
    const uid = Number(execFileSync('id', ['-u', 'dovecot'], { encoding: 'utf8' }).trim())
    const gid = Number(execFileSync('id', ['-g', 'dovecot'], { encoding: 'utf8' }).trim())
    chownSync(mail, uid, gid)
  }
  const user = 'support'
  const password = randomBytes(12).toString('hex')
  writeFileSync(join(dir, 'passwd'), `${user}:{PLAIN}${password}\n`, { mode: 0o644 })
  const port = await freePort()
  const configFile = join(dir, 'dovecot.conf')
  writeFileSync(configFile, config(dir, port, options))

  const child: ChildProcess = spawn(DOVECOT, ['-F', '-c', configFile], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()))
  let exited = false
  // A test process that dies without stop() must not leave a server behind (its children follow
  // the master out).
  const killOnExit = () => {
    child.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  }
  process.once('exit', killOnExit)
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true
      process.off('exit', killOnExit)
      resolve()
    })
  )

  const failed = async (why: string): Promise<never> => {
    if (!exited) child.kill('SIGKILL')
    await exit
    const log = readLog(dir)
    rmSync(dir, { recursive: true, force: true })
    throw new Error(`Dovecot did not start (${why}).\n${output}\n${log}`)
  }
  const deadline = Date.now() + 20_000
  while (!(await accepts(port))) {
    if (exited) await failed(`exited with ${child.exitCode}`)
    if (Date.now() > deadline) await failed('no IMAP greeting within 20 s')
    await new Promise((r) => setTimeout(r, 50))
  }

  const client = () =>
    new ImapFlow({ host: '127.0.0.1', port, secure: false, doSTARTTLS: false, auth: { user, pass: password }, logger: false })
  const withClient = async <T>(work: (c: ImapFlow) => Promise<T>): Promise<T> => {
    const c = client()
    c.on('error', () => {})
    await c.connect()
    try {
      return await work(c)
    } finally {
      await c.logout().catch(() => c.close())
    }
  }
  let stopped = false
  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    deliver: (raw, mailbox = 'INBOX') =>
      withClient(async (c) => {
        if (mailbox !== 'INBOX') await c.mailboxCreate(mailbox).catch(() => undefined)
        const appended = await c.append(mailbox, raw)
        if (!appended || appended.uid === undefined) throw new Error(`APPEND to ${mailbox} returned no UID`)
        return appended.uid
      }),
    createMailbox: (name) =>
      withClient(async (c) => {
        await c.mailboxCreate(name)
      }),
    count: (mailbox = 'INBOX') =>
      withClient(async (c) => {
        const status = await c.status(mailbox, { messages: true }).catch(() => false as const)
        return status ? (status.messages ?? 0) : 0
      }),
    messageIds: (mailbox = 'INBOX') =>
      withClient(async (c) => {
        const lock = await c.getMailboxLock(mailbox, { readOnly: true })
        try {
          if (!c.mailbox || c.mailbox.exists === 0) return []
          const all = await c.fetchAll('1:*', { uid: true, envelope: true })
          return all.sort((a, b) => a.uid - b.uid).map((m) => m.envelope?.messageId ?? '')
        } finally {
          lock.release()
        }
      }),
    kick() {
      const result = spawnSync(DOVEADM, ['-c', configFile, 'kick', user], { encoding: 'utf8' })
      // 68 (EX_NOUSER) is doveadm's "no session to kick".
      if (result.status !== 0 && result.status !== 68) throw new Error(`doveadm kick failed (${result.status}): ${result.stderr}`)
      return result.status === 0
    },
    async stop() {
      if (stopped) return
      stopped = true
      if (!exited) child.kill('SIGTERM')
      await exit
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

export interface CutRule {
  /** Arms the rule when a chunk the client sends matches this (e.g. `/BODY\.PEEK\[\]/`). */
  clientSends: RegExp
  /**
   * How many bytes of the server's answer still reach the client before the cut: 0 cuts before
   * the matching command reaches the server at all.
   */
  afterServerBytes: number
}

export interface TcpProxy {
  port: number
  /** Connections accepted so far. */
  readonly connections: number
  /** Severs the next connection that meets `rule`, once; resolves when it has been cut. */
  cutWhen(rule: CutRule): Promise<void>
  /** Severs every open connection now. */
  cutAll(): void
  close(): Promise<void>
}

/** A TCP proxy on 127.0.0.1 to `targetPort` whose connections a test can cut mid-conversation. */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const open = new Set<Socket>()
  let connections = 0
  let rule: { rule: CutRule; done: () => void } | null = null

  const server: Server = createServer((client) => {
    connections++
    const upstream = connect({ host: '127.0.0.1', port: targetPort })
    open.add(client)
    open.add(upstream)
    let remaining: number | null = null
    let armedBy: (() => void) | null = null
    let severed = false
    const sever = () => {
      severed = true
      client.resetAndDestroy()
      upstream.destroy()
      armedBy?.()
      armedBy = null
    }
    client.on('data', (chunk: Buffer) => {
      if (severed) return
      if (rule && remaining === null && rule.rule.clientSends.test(chunk.toString('latin1'))) {
        remaining = rule.rule.afterServerBytes
        armedBy = rule.done
        rule = null
        if (remaining === 0) return sever()
      }
      upstream.write(chunk)
    })
    upstream.on('data', (chunk: Buffer) => {
      if (severed) return
      if (remaining === null) return void client.write(chunk)
      if (chunk.length < remaining) {
        remaining -= chunk.length
        return void client.write(chunk)
      }
      severed = true
      client.write(chunk.subarray(0, remaining), sever)
    })
    const drop = () => {
      client.destroy()
      upstream.destroy()
      open.delete(client)
      open.delete(upstream)
    }
    client.on('close', drop)
    upstream.on('close', drop)
    client.on('error', drop)
    upstream.on('error', drop)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    port,
    get connections() {
      return connections
    },
    cutWhen(next) {
      return new Promise((resolve) => {
        rule = { rule: next, done: resolve }
      })
    },
    cutAll() {
      for (const socket of open) socket.destroy()
    },
    close() {
      for (const socket of open) socket.destroy()
      return new Promise((resolve) => server.close(() => resolve()))
    }
  }
}
