import { create } from 'zustand'
import type { TeamFigures, TeamItems } from '../../../shared/contract'
import type { Cut, FigureFilter, FigureName } from '../../../shared/domain/figures/types'
import { api, errorMessage } from '../api/client'
import { useSessionStore } from './session'
import { rangeOf, type RangeChoice } from './range'

export { localDate, rangeOf, type RangeChoice } from './range'

/**
 * The supervisor view: the server's figures over every agent (figures.team), cut and filtered,
 * with the drill-down into one number (figures.teamItems). The core answers from its cache with
 * the server's "as of" time when the server cannot be reached.
 */

export interface Drill {
  /** The row (agent, team, ...) and the figure asked about, with their display names. */
  key: string | null
  rowLabel: string
  figure: FigureName
  figureLabel: string
  status: 'loading' | 'ready' | 'error'
  result: TeamItems | null
  error: string | null
}

export interface TeamFiguresState {
  range: RangeChoice
  by: Cut
  filter: FigureFilter
  status: 'idle' | 'loading' | 'ready' | 'error'
  answer: TeamFigures | null
  error: string | null
  /** Team names seen in answers cut by team: offered in the team filter. */
  knownTeams: string[]
  drill: Drill | null
}

const INITIAL: TeamFiguresState = {
  range: { preset: '7d' },
  by: 'agent',
  filter: {},
  status: 'idle',
  answer: null,
  error: null,
  knownTeams: [],
  drill: null
}

export const useTeamFiguresStore = create<TeamFiguresState>()(() => INITIAL)

const set = useTeamFiguresStore.setState
const get = useTeamFiguresStore.getState

let generation = 0

/** Ask the core for the figures of the current choice; a newer ask makes an older answer moot. */
export async function loadTeamFigures(): Promise<void> {
  const mine = ++generation
  const { range, by, filter } = get()
  const r = rangeOf(range)
  if ('problem' in r) {
    set({ status: 'error', error: r.problem })
    return
  }
  set({ status: 'loading', error: null })
  try {
    const answer = await api['figures.team']({ ...r, by, filter })
    if (mine !== generation) return
    const teams = answer.by === 'team' ? answer.rows.map((row) => row.key).filter((k): k is string => k !== null) : []
    const knownTeams = teams.length > 0 ? [...new Set([...get().knownTeams, ...teams])].sort((a, b) => a.localeCompare(b)) : get().knownTeams
    set({ status: 'ready', answer, error: null, knownTeams })
  } catch (e) {
    if (mine !== generation) return
    set({ status: 'error', error: errorMessage(e) })
  }
}

export function setRange(range: RangeChoice): void {
  set({ range })
  void loadTeamFigures()
}
export function setCut(by: Cut): void {
  set({ by })
  void loadTeamFigures()
}
export function setFilter(patch: Partial<Record<keyof FigureFilter, FigureFilter[keyof FigureFilter] | undefined>>): void {
  const next: Record<string, unknown> = { ...get().filter, ...patch }
  for (const k of Object.keys(next)) if (next[k] === undefined || next[k] === '') delete next[k]
  set({ filter: next as FigureFilter })
  void loadTeamFigures()
}

let drillGeneration = 0

/** Show the items behind one number: the answer's own period and cut, so they match what is on screen. */
export async function openDrill(key: string | null, rowLabel: string, figure: FigureName, figureLabel: string): Promise<void> {
  const answer = get().answer
  if (!answer) return
  const mine = ++drillGeneration
  set({ drill: { key, rowLabel, figure, figureLabel, status: 'loading', result: null, error: null } })
  try {
    const result = await api['figures.teamItems']({ from: answer.from, to: answer.to, by: answer.by, filter: answer.filter, key, figure })
    if (mine !== drillGeneration || !get().drill) return
    set({ drill: { key, rowLabel, figure, figureLabel, status: 'ready', result, error: null } })
  } catch (e) {
    if (mine !== drillGeneration || !get().drill) return
    set({ drill: { key, rowLabel, figure, figureLabel, status: 'error', result: null, error: errorMessage(e) } })
  }
}

export function closeDrill(): void {
  drillGeneration++
  set({ drill: null })
}

/** The view is for supervisors (the core refuses anyone else). */
export const isSupervisor = (): boolean => useSessionStore.getState().agent?.role === 'supervisor'

// Selector hooks.
export const useTeamRange = () => useTeamFiguresStore((s) => s.range)
export const useTeamCut = () => useTeamFiguresStore((s) => s.by)
export const useTeamFilter = () => useTeamFiguresStore((s) => s.filter)
export const useTeamStatus = () => useTeamFiguresStore((s) => s.status)
export const useTeamAnswer = () => useTeamFiguresStore((s) => s.answer)
export const useTeamError = () => useTeamFiguresStore((s) => s.error)
export const useKnownTeams = () => useTeamFiguresStore((s) => s.knownTeams)
export const useTeamDrill = () => useTeamFiguresStore((s) => s.drill)
export const useIsSupervisor = () => useSessionStore((s) => s.agent?.role === 'supervisor')
