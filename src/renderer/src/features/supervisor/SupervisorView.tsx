import { FormAlert } from '../../components/fields'
import { useEffect, useId, type HTMLAttributes, type SyntheticEvent } from 'react'
import { CHANNELS, CHANNEL_LABEL, ITEM_KINDS, KIND_LABEL, TIERS, type Channel, type ItemKind } from '../../../../shared/domain/vocabulary'
import { CUTS, type Cut } from '../../../../shared/domain/figures/types'
import { Dialog } from '../../components/Dialog'
import { absolute } from '../../components/time'
import {
  loadTeamFigures,
  localDate,
  setCut,
  setFilter,
  setRange,
  useKnownTeams,
  useTeamAnswer,
  useTeamCut,
  useTeamDrill,
  useTeamError,
  useTeamFilter,
  useTeamRange,
  useTeamStatus,
  type RangeChoice
} from '../../state/team-figures'
import { closeDialog } from '../../state/ui'
import { CUT_LABEL } from './figure-columns'
import { DrillDialog } from './DrillDialog'
import { TeamTable } from './TeamTable'
import './supervisor.css'

/**
 * React carries a <dialog>'s cancel (Escape) up its component tree, so the drill-down's Escape
 * would reach this view's dialog too and close both: the drill-down's host stops it there.
 * (React handles onCancel on any element; its types offer it on <dialog> only.)
 */
const stopCancel = { onCancel: (e: SyntheticEvent) => e.stopPropagation() } as HTMLAttributes<HTMLDivElement>

const RANGE_LABEL = { '7d': 'Last 7 days', '30d': 'Last 30 days', custom: 'Custom range' } as const

/**
 * The supervisors' view of the team: the server's figures per agent (or team, kind, channel,
 * tier), over a period, filtered; the "as of" time, and a badge when the figures are the ones
 * saved on this computer because the server cannot be reached.
 */
export function SupervisorView() {
  const answer = useTeamAnswer()
  const status = useTeamStatus()
  const error = useTeamError()
  const drill = useTeamDrill()

  useEffect(() => {
    void loadTeamFigures()
  }, [])

  return (
    <Dialog title="Team figures" onClose={closeDialog} className="team-figures-dialog">
      <TeamControls />
      <div className="team-status" aria-live="polite">
        {status === 'loading' ? <span className="muted">Asking the server…</span> : null}
        {answer ? <AsOf /> : null}
      </div>
      <FormAlert message={error} />
      {answer ? (
        <TeamTable answer={answer} />
      ) : status === 'loading' || status === 'idle' ? (
        <p className="empty-state">Loading the team's figures…</p>
      ) : null}
      {drill ? (
        <div className="drill-host" {...stopCancel}>
          <DrillDialog drill={drill} />
        </div>
      ) : null}
    </Dialog>
  )
}

function AsOf() {
  const answer = useTeamAnswer()
  if (!answer) return null
  const period = `${absolute(answer.from)} – ${absolute(answer.to)}`
  return (
    <>
      <span className="team-as-of">
        As of <time dateTime={answer.asOf}>{absolute(answer.asOf)}</time>
      </span>
      <span className="muted">{period}</span>
      {answer.source === 'cache' ? (
        <span className="pill team-cached-badge" role="status" title={answer.offlineReason ?? undefined}>
          Offline — saved figures
        </span>
      ) : (
        <span className="pill team-server-badge">From the server</span>
      )}
      {answer.source === 'cache' && answer.offlineReason ? <span className="muted">{answer.offlineReason}</span> : null}
    </>
  )
}

function TeamControls() {
  const range = useTeamRange()
  const by = useTeamCut()
  const filter = useTeamFilter()
  const teams = useKnownTeams()
  const teamList = useId()

  const choosePreset = (preset: RangeChoice['preset']) => {
    if (preset === 'custom') {
      const now = Date.now()
      setRange({ preset, from: localDate(now - 6 * 86_400_000), to: localDate(now) })
    } else setRange({ preset })
  }

  return (
    <div className="team-controls" role="group" aria-label="Figures to show">
      <label className="inline-field">
        Period
        <select value={range.preset} onChange={(e) => choosePreset(e.target.value as RangeChoice['preset'])}>
          {(Object.keys(RANGE_LABEL) as RangeChoice['preset'][]).map((p) => (
            <option key={p} value={p}>
              {RANGE_LABEL[p]}
            </option>
          ))}
        </select>
      </label>
      {range.preset === 'custom' ? (
        <>
          <label className="inline-field">
            From
            <input type="date" value={range.from} max={range.to} onChange={(e) => setRange({ ...range, from: e.target.value })} />
          </label>
          <label className="inline-field">
            To
            <input type="date" value={range.to} min={range.from} onChange={(e) => setRange({ ...range, to: e.target.value })} />
          </label>
        </>
      ) : null}
      <label className="inline-field">
        Group by
        <select value={by} onChange={(e) => setCut(e.target.value as Cut)}>
          {CUTS.map((c) => (
            <option key={c} value={c}>
              {CUT_LABEL[c]}
            </option>
          ))}
        </select>
      </label>
      <label className="inline-field">
        Kind
        <select value={filter.kind ?? ''} onChange={(e) => setFilter({ kind: (e.target.value || undefined) as ItemKind | undefined })}>
          <option value="">All kinds</option>
          {ITEM_KINDS.map((k) => (
            <option key={k} value={k}>
              {KIND_LABEL[k]}
            </option>
          ))}
        </select>
      </label>
      <label className="inline-field">
        Channel
        <select value={filter.channel ?? ''} onChange={(e) => setFilter({ channel: (e.target.value || undefined) as Channel | undefined })}>
          <option value="">All channels</option>
          {CHANNELS.map((c) => (
            <option key={c} value={c}>
              {CHANNEL_LABEL[c]}
            </option>
          ))}
        </select>
      </label>
      <label className="inline-field">
        Tier
        <select
          value={filter.tier === undefined ? '' : String(filter.tier)}
          onChange={(e) => {
            const v = e.target.value
            setFilter({ tier: v === '' ? undefined : v === 'none' ? 'none' : (Number(v) as 1 | 2 | 3) })
          }}
        >
          <option value="">All tiers</option>
          {TIERS.map((t) => (
            <option key={t} value={String(t)}>
              Reached tier {t}
            </option>
          ))}
          <option value="none">Never escalated</option>
        </select>
      </label>
      <label className="inline-field">
        Team
        <input
          type="text"
          list={teamList}
          placeholder="All teams"
          defaultValue={filter.team ?? ''}
          onBlur={(e) => {
            if ((e.target.value.trim() || undefined) !== filter.team) setFilter({ team: e.target.value.trim() || undefined })
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault()
              setFilter({ team: e.currentTarget.value.trim() || undefined })
            }
          }}
        />
        <datalist id={teamList}>
          {teams.map((t) => (
            <option key={t} value={t} />
          ))}
        </datalist>
      </label>
      <button type="button" onClick={() => void loadTeamFigures()} title="Ask the server again">
        Refresh
      </button>
    </div>
  )
}
