/** `npm run cli -- <command>`: see cli/commands.ts for the commands. */
import { ConfigError, lockEmbeddedStore, storeLocation, storeOptions } from './config'
import { USAGE, UsageError, runAgentCommand, splitStoreFlags } from './cli/commands'
import { StoreError, openStore } from './store'
import { ImportError } from './import'
import { ImportUsageError, runImportCommand } from './import/cli'
import { parseReportArgs, runReportCommand } from './cli/report'
import { runChannelCommand } from './cli/channel'

async function main(argv: string[]): Promise<void> {
  const flags = splitStoreFlags(argv)
  const rest = flags.rest
  // `help` is what people type first (`npm run cli -- help`): the same text as --help, exit 0.
  if (flags.help || rest.length === 0 || rest[0] === 'help') {
    console.log(USAGE)
    return
  }
  const [group, ...commandArgs] = rest
  if (group !== 'agent' && group !== 'import' && group !== 'report' && group !== 'channel') throw new UsageError(`Unknown command "${group}".\n${USAGE}`)
  if (group === 'report') parseReportArgs(commandArgs, flags.json) // a bad range fails before the store is opened
  const location = storeLocation({ 'database-url': flags.databaseUrl, data: flags.data })
  const release = location.kind === 'embedded' ? lockEmbeddedStore(location.dir, 'cli') : () => undefined
  try {
    const store = await openStore(storeOptions(location))
    try {
      if (group === 'report') await runReportCommand(store, commandArgs, { out: (line) => console.log(line) }, flags.json)
      else if (group === 'channel') process.exitCode = await runChannelCommand(store, commandArgs, { out: (line) => console.log(line) }, flags.json)
      else if (group === 'import') await runImportCommand(store, commandArgs, { out: (line) => console.log(line) }, flags.json)
      else await runAgentCommand(store, commandArgs, { out: (line) => console.log(line) }, flags.json)
    } finally {
      await store.close()
    }
  } finally {
    release()
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  if (e instanceof UsageError || e instanceof ConfigError || e instanceof StoreError || e instanceof ImportError || e instanceof ImportUsageError) {
    console.error(`handoff cli: ${e.message}`)
    process.exit(2)
  }
  if (e instanceof TypeError && (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    console.error(`handoff cli: ${e.message}\n${USAGE}`)
    process.exit(2)
  }
  console.error(e)
  process.exit(1)
})
