/** Command-line options of `npm run harness -- --data DIR [--port PORT] [--empty]`. */

export interface HarnessCli {
  /** Folder holding handoff.sqlite (created if missing). */
  data: string
  /** 0 (the default) picks a free port. */
  port: number
  /** Do not seed the demo workspace into a new database: the first-run screen shows. */
  empty: boolean
}

export const USAGE = `Usage: npm run harness -- --data DIR [--port PORT] [--empty]

Serves the built renderer (out/renderer) over the real core on DIR/handoff.sqlite at
http://127.0.0.1:PORT, with the contract at POST /rpc/<operation> behind a per-run token.
  --data DIR    folder of the database (created if missing)
  --port PORT   port on 127.0.0.1; 0 or absent picks a free one
  --empty       do not seed the demo workspace into a new database (first-run screen)`

/** Parses argv (without node and script); throws an Error with a readable message on misuse. */
export function parseHarnessArgs(argv: readonly string[]): HarnessCli | 'help' {
  let data: string | undefined
  let port = 0
  let empty = false
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const [flag, inline] = arg?.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined]
    const value = (): string => {
      const v = inline ?? argv[++i]
      if (v === undefined || v === '') throw new Error(`${flag} needs a value`)
      return v
    }
    switch (flag) {
      case '--data':
        data = value()
        break
      case '--port': {
        const raw = value()
        const n = Number(raw)
        if (!/^\d+$/.test(raw) || !Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--port must be a whole number from 0 to 65535, not ${raw}`)
        port = n
        break
      }
      case '--empty':
        if (inline !== undefined) throw new Error('--empty takes no value')
        empty = true
        break
      case '--help':
      case '-h':
        return 'help'
      default:
        throw new Error(`Unknown option ${arg}`)
    }
  }
  if (data === undefined) throw new Error('--data DIR is required')
  return { data, port, empty }
}
