/**
 * A real SMTP listener for the email channel's tests (smtp-server): 127.0.0.1, a free port, no
 * TLS, AUTH PLAIN/LOGIN required with the sink's own user and password. It keeps every message
 * it accepts, raw and with its envelope, and can be told to refuse the next messages with a
 * temporary (4xx) or permanent (5xx) answer, as a relay that is busy or that rejects would; to
 * hold its answer to the messages it receives until released (a slow relay, so a test can act
 * between the hand-over and the answer); or to take a message and drop the connection without
 * answering (a relay that died after taking it: the sender cannot know it arrived).
 */
import { randomBytes } from 'node:crypto'
import { SMTPServer } from 'smtp-server'

export interface ReceivedMessage {
  raw: Buffer
  envelope: { from: string | null; to: string[] }
  /** The user the client authenticated as. */
  user: string
}

export interface Refusal {
  /** The SMTP reply code, 4xx (try again later) or 5xx (never). */
  code: number
  /** Refuse the recipient (RCPT TO) or the message after its data (the end of DATA, the default). */
  at?: 'rcpt' | 'data'
  text?: string
}

export interface SmtpSink {
  host: string
  port: number
  user: string
  password: string
  /** Messages accepted so far, in order. */
  readonly messages: readonly ReceivedMessage[]
  /** Refuses the next `count` messages as `refusal` says, then accepts again. */
  refuseNext(count: number, refusal: Refusal): void
  /** From now on, messages received wait for release() before they are accepted and answered. */
  hold(): void
  /** Messages received and waiting for release(). */
  readonly held: number
  /** Accepts and answers the waiting messages, and stops holding. */
  release(): void
  /** The next `count` messages are kept (they arrived) but the connection is dropped before the answer. */
  dropAfterDataNext(count: number): void
  stop(): Promise<void>
}

function refusalError(refusal: Refusal): Error {
  const error = new Error(refusal.text ?? (refusal.code < 500 ? 'Try again later' : 'Rejected')) as Error & { responseCode: number }
  error.responseCode = refusal.code
  return error
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const user = 'handoff'
  const password = randomBytes(12).toString('hex')
  const messages: ReceivedMessage[] = []
  let refusals: Refusal[] = []
  let holding = false
  let waiting: (() => void)[] = []
  let drops = 0
  const take = (stage: 'rcpt' | 'data'): Refusal | null => {
    const next = refusals[0]
    if (!next || (next.at ?? 'data') !== stage) return null
    refusals = refusals.slice(1)
    return next
  }

  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    authOptional: false,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === password) return callback(null, { user })
      const error = new Error('Invalid username or password') as Error & { responseCode: number }
      error.responseCode = 535
      callback(error)
    },
    onRcptTo(_address, _session, callback) {
      const refusal = take('rcpt')
      callback(refusal ? refusalError(refusal) : null)
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        const refusal = take('data')
        if (refusal) return callback(refusalError(refusal))
        const keep = () =>
          messages.push({
            raw: Buffer.concat(chunks),
            envelope: {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
              to: session.envelope.rcptTo.map((r) => r.address)
            },
            user: String(session.user)
          })
        if (drops > 0) {
          drops--
          keep()
          for (const c of server.connections) if (c.id === session.id) c._socket.destroy()
          return
        }
        const accept = () => {
          keep()
          callback(null)
        }
        if (holding) waiting.push(accept)
        else accept()
      })
    }
  })
  server.on('error', () => {
    // A client that drops mid-session is the client's problem; the sink keeps listening.
  })
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const address = server.server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  let stopped = false
  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    messages,
    refuseNext(count, refusal) {
      refusals = [...refusals, ...Array.from({ length: count }, () => refusal)]
    },
    hold() {
      holding = true
    },
    get held() {
      return waiting.length
    },
    release() {
      holding = false
      const now = waiting
      waiting = []
      for (const accept of now) accept()
    },
    dropAfterDataNext(count) {
      drops += count
    },
    stop() {
      if (stopped) return Promise.resolve()
      stopped = true
      return new Promise((resolve) => server.close(() => resolve()))
    }
  }
}
