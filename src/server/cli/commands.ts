/**
 * The CLI's commands (src/server/cli.ts is the entry point). `npm run cli -- <command>`: administration on the server's store (the same --database-url /
 * --data choice as the server; see config.ts).
 *
 *   agent add --name NAME --email EMAIL --role service|support|supervisor [--tiers 1,2] [--admin] [--id ID] [--team NAME]
 *   agent list
 *   agent set-team ID --team NAME | --none
 *   agent reset-credential ID
 *   agent disable ID | agent enable ID
 *   channel add email ... | channel list | channel test ID   email channels (cli/channel.ts)
 *
 * A credential is printed once, when it is made; the store keeps only its hash. `--json` prints
 * machine-readable output. Exit code 2 for a usage or input error, with the reason on stderr.
 */
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { AGENT_ROLES, TIERS, type Tier } from '../../shared/domain/vocabulary'
import type { ServerStore } from '../store'

export const USAGE = `Usage: npm run cli -- <command> [--database-url URL | --data DIR] [--json]
  help                                  this text (also --help)
  agent add --name NAME --email EMAIL --role service|support|supervisor [--tiers 1,2] [--admin] [--id ID] [--team NAME]
  agent list
  agent set-team ID --team NAME | --none
  agent reset-credential ID
  agent disable ID
  agent enable ID
  import FILE --mapping MAPPING.json [--recorded-by AGENT_ID]   load a helpdesk export (CSV; see docs/import.md)
  report --from DATE --to DATE [--by agent|team|kind|channel|tier] [--kind K] [--channel C] [--tier 1|2|3|none] [--team NAME] [--tz ZONE] [--format json|csv]
                                        figures from the store (DATE: YYYY-MM-DD, a UTC day, --to included; or ISO)
  channel add email --name NAME --address SUPPORT@X [--id ID] --imap-host H --imap-port P [--imap-security tls|starttls|none] --imap-user U
      (--imap-password-env VAR | --imap-password-file FILE) [--mailbox INBOX] [--processed-folder F]
      --smtp-host H --smtp-port P [--smtp-security tls|starttls|none] --smtp-user U (--smtp-password-env VAR | --smtp-password-file FILE)
      [--max-attachment-mb MB]          a support mailbox (attachments over MB, default 10, are listed but not kept); only where each password is gets stored (a file must be mode 600)
  channel list                          channels with their health
  channel test ID                       connects IMAP and SMTP; exit 1 with the reason when either fails`

export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

const teamName = z.string().trim().min(1, '--team needs a name.').max(100, 'A team name is at most 100 characters.')

const addInput = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'An agent id is 1–64 letters, digits, dashes or underscores.')
      .optional(),
    name: z.string().trim().min(1, 'Give the agent a --name.').max(200),
    email: z.string().trim().email('--email is not an email address.'),
    role: z.enum(AGENT_ROLES, { message: `--role is one of ${AGENT_ROLES.join(', ')}.` }),
    tiers: z.array(z.union(TIERS.map((t) => z.literal(t)) as [z.ZodLiteral<1>, z.ZodLiteral<2>, z.ZodLiteral<3>])),
    admin: z.boolean(),
    team: teamName.optional()
  })
  .refine((a) => (a.role === 'support') === a.tiers.length > 0, { message: 'A support specialist needs --tiers (e.g. 1,2); other roles take none.' })

function parseTiers(text: string | undefined): Tier[] {
  if (!text) return []
  return text.split(',').map((t) => {
    const n = Number(t.trim())
    if (n !== 1 && n !== 2 && n !== 3) throw new UsageError(`--tiers takes 1, 2 and 3 (got "${t.trim()}").`)
    return n
  })
}

export interface CliIo {
  out(line: string): void
}

/** Runs one command line (without the program name) against an open store. */
export async function runAgentCommand(store: ServerStore, args: string[], io: CliIo, json: boolean): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      name: { type: 'string' },
      email: { type: 'string' },
      role: { type: 'string' },
      tiers: { type: 'string' },
      admin: { type: 'boolean', default: false },
      id: { type: 'string' },
      team: { type: 'string' },
      none: { type: 'boolean', default: false }
    },
    allowPositionals: true,
    strict: true
  })
  const [sub, target] = positionals
  switch (sub) {
    case 'add': {
      const { none: _none, ...addValues } = values
      const parsed = addInput.safeParse({ ...addValues, tiers: parseTiers(values.tiers) })
      if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join(' '))
      const { agent, credential } = await store.addAgent({ ...parsed.data, ...(parsed.data.id ? { id: parsed.data.id } : {}) })
      if (json) io.out(JSON.stringify({ agent, credential }))
      else {
        io.out(`Added ${agent.name} (${agent.id}, ${agent.role}${agent.tiers.length ? ` tiers ${agent.tiers.join(',')}` : ''}${agent.admin ? ', admin' : ''}${agent.team ? `, team ${agent.team}` : ''}).`)
        io.out(`Credential (shown only now; give it to ${agent.name}):`)
        io.out(credential)
      }
      return
    }
    case 'list': {
      const agents = await store.listAgents()
      if (json) io.out(JSON.stringify(agents))
      else if (agents.length === 0) io.out('No agents yet: add one with `npm run cli -- agent add ...`.')
      else
        for (const a of agents) {
          io.out(`${a.id}\t${a.name}\t${a.email}\t${a.role}${a.tiers.length ? ` (tiers ${a.tiers.join(',')})` : ''}\t${a.team ? `team ${a.team}` : 'no team'}${a.admin ? '\tadmin' : ''}${a.disabled ? '\tDISABLED' : ''}`)
        }
      return
    }
    case 'reset-credential': {
      if (!target) throw new UsageError('Name the agent: agent reset-credential ID')
      const credential = await store.resetCredential(target)
      if (json) io.out(JSON.stringify({ agentId: target, credential }))
      else io.out(`New credential for ${target} (the old one no longer works):\n${credential}`)
      return
    }
    case 'set-team': {
      if (!target) throw new UsageError('Name the agent: agent set-team ID --team NAME | --none')
      if ((values.team === undefined) === !values.none) throw new UsageError('Give either --team NAME or --none.')
      let team: string | null = null
      if (values.team !== undefined) {
        const parsed = teamName.safeParse(values.team)
        if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join(' '))
        team = parsed.data
      }
      const agent = await store.setTeam(target, team)
      io.out(json ? JSON.stringify(agent) : agent.team ? `${agent.id} is in team ${agent.team}.` : `${agent.id} is in no team.`)
      return
    }
    case 'disable':
    case 'enable': {
      if (!target) throw new UsageError(`Name the agent: agent ${sub} ID`)
      await store.setDisabled(target, sub === 'disable')
      io.out(json ? JSON.stringify({ agentId: target, disabled: sub === 'disable' }) : `${target} is ${sub === 'disable' ? 'disabled' : 'enabled'}.`)
      return
    }
    case undefined:
      throw new UsageError(USAGE)
    default:
      throw new UsageError(`Unknown agent command "${sub}".\n${USAGE}`)
  }
}

/** Splits the store flags (--database-url, --data, --json, --help) from the command's own arguments. */
export function splitStoreFlags(argv: readonly string[]): { databaseUrl?: string; data?: string; json: boolean; help: boolean; rest: string[] } {
  const out: { databaseUrl?: string; data?: string; json: boolean; help: boolean; rest: string[] } = { json: false, help: false, rest: [] }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined]
    if (flag === '--database-url' || flag === '--data') {
      const value = inline ?? argv[++i]
      if (value === undefined) throw new UsageError(`${flag} needs a value.`)
      if (flag === '--data') out.data = value
      else out.databaseUrl = value
    } else if (flag === '--json') out.json = true
    else if (flag === '--help' || flag === '-h') out.help = true
    else out.rest.push(arg)
  }
  return out
}

