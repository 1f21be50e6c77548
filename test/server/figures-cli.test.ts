/**
 * The CLI's side of the figures: teams on agents (agent add --team, agent set-team, agent list)
 * and `report`'s arguments (dates, range, cuts, filters), in-process and through the real
 * `npm run cli` entry point on an embedded store.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { parse as parseCsv } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { UsageError, runAgentCommand } from '../../src/server/cli/commands'
import { REPORT_CSV_HEADER, parseReportArgs, parseReportDate } from '../../src/server/cli/report'
import { openStore, type ServerStore } from '../../src/server/store'

const run = promisify(execFile)
const cli = (args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'src/server/cli.ts', ...args], { cwd: process.cwd() }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr })
  )

describe('report arguments', () => {
  it('reads a date-only --from as its UTC midnight and a date-only --to as the end of that day', () => {
    expect(parseReportArgs(['--from', '2026-11-01', '--to', '2026-11-30']).request).toEqual({ from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z', by: 'agent' })
    expect(parseReportDate('--to', '2026-11-02T09:30:00+02:00')).toBe(Date.parse('2026-11-02T07:30:00Z'))
  })

  it('takes the cut, the filters and the format', () => {
    const { request, format } = parseReportArgs(['--from', '2026-11-01', '--to', '2026-11-07', '--by', 'tier', '--kind', 'support', '--channel', 'chat', '--tier', 'none', '--team', 'North', '--format', 'csv'])
    expect(request).toMatchObject({ by: 'tier', filter: { kind: 'support', channel: 'chat', tier: 'none', team: 'North' } })
    expect(format).toBe('csv')
    expect(parseReportArgs(['--from', '2026-11-01', '--to', '2026-11-07', '--tier', '2']).request.filter).toEqual({ tier: 2 })
    expect(parseReportArgs(['--from', '2026-11-01', '--to', '2026-11-07'], true).format).toBe('json')
  })

  it('refuses bad input with a clear message', () => {
    const refusal = (args: string[]) => {
      try {
        parseReportArgs(args)
      } catch (e) {
        expect(e).toBeInstanceOf(UsageError)
        return (e as Error).message
      }
      throw new Error(`accepted ${args.join(' ')}`)
    }
    expect(refusal(['--from', '2026-11-05', '--to', '2026-11-01'])).toMatch(/--from 2026-11-05 is not before --to 2026-11-01/)
    expect(refusal(['--from', '2026-11-05'])).toMatch(/needs --from and --to/)
    expect(refusal(['--from', '05/11/2026', '--to', '2026-11-07'])).toMatch(/--from "05\/11\/2026" is not a date/)
    expect(refusal(['--from', '2026-02-30', '--to', '2026-03-07'])).toMatch(/not a date on the calendar/)
    expect(refusal(['--from', '2025-01-01', '--to', '2026-06-01'])).toMatch(/at most 366 days/)
    expect(refusal(['--from', '2026-11-01', '--to', '2026-11-07', '--by', 'weekday'])).toMatch(/--by is one of agent, team, kind, channel, tier/)
    expect(refusal(['--from', '2026-11-01', '--to', '2026-11-07', '--tier', '4'])).toMatch(/--tier is 1, 2, 3 or none/)
    expect(refusal(['--from', '2026-11-01', '--to', '2026-11-07', '--channel', 'fax'])).toMatch(/--channel is one of/)
    expect(refusal(['--from', '2026-11-01', '--to', '2026-11-07', '--format', 'xml'])).toMatch(/--format is json or csv/)
  })
})

describe('teams on agents', () => {
  let store: ServerStore
  beforeAll(async () => {
    store = await openStore()
  })
  afterAll(async () => store.close())

  it('adds an agent in a team, moves them, takes them out, and lists the team', async () => {
    const out: string[] = []
    const io = { out: (l: string) => out.push(l) }
    await runAgentCommand(store, ['add', '--id', 'ann', '--name', 'Ann', '--email', 'ann@example.com', '--role', 'service', '--team', 'North'], io, false)
    expect(out[0]).toMatch(/team North/)
    expect((await store.agentById('ann'))!.team).toBe('North')
    await runAgentCommand(store, ['set-team', 'ann', '--team', 'South'], io, false)
    expect((await store.agentById('ann'))!.team).toBe('South')
    out.length = 0
    await runAgentCommand(store, ['list'], io, false)
    expect(out[0]).toContain('team South')
    await runAgentCommand(store, ['set-team', 'ann', '--none'], io, false)
    expect((await store.agentById('ann'))!.team).toBeNull()
    await expect(runAgentCommand(store, ['set-team', 'ann'], io, false)).rejects.toThrow(/either --team NAME or --none/)
    await expect(runAgentCommand(store, ['set-team', 'ann', '--team', 'X', '--none'], io, false)).rejects.toThrow(/either --team NAME or --none/)
    await expect(runAgentCommand(store, ['set-team', 'ghost', '--team', 'X'], io, false)).rejects.toThrow(/no agent ghost/)
  })
})

describe('npm run cli -- report', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'handoff-report-cli-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('`help` prints the usage and exits 0 (it said "Unknown command"), as --help does', async () => {
    for (const args of [['help'], ['--help']]) {
      const r = await cli(args)
      expect(r.code).toBe(0)
      expect(r.stdout).toMatch(/^Usage: npm run cli -- <command>/)
      expect(r.stdout).toContain('  report --from DATE --to DATE')
      expect(r.stderr).toBe('')
    }
  })

  it('exits 2 with the reason when from is after to, before opening any store', async () => {
    const r = await cli(['report', '--from', '2026-11-05', '--to', '2026-11-01', '--data', join(dir, 'never')])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/handoff cli: --from 2026-11-05 is not before --to 2026-11-01/)
  })

  it('prints a CSV report with a header and the backlog of an empty store as no rows', async () => {
    const r = await cli(['report', '--from', '2026-11-01', '--to', '2026-11-07', '--format', 'csv', '--data', dir])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const rows = parseCsv(r.stdout) as string[][]
    expect(rows).toEqual([REPORT_CSV_HEADER])
  })
})
