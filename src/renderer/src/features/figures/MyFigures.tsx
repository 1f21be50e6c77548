import { FormAlert } from '../../components/fields'
import { useEffect, useId, useRef } from 'react'
import { Bar, BarChart, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts'
import type { PersonalFigures, PersonalPeriod } from '../../../../shared/contract'
import { shortcutProps } from '../../commands/commands'
import { useSignedInAgent } from '../../state/session'
import { applyCustomRange, chooseRange, closeMyFigures, setCustomDates, useFiguresStore, type RangeChoice } from '../../state/figures'
import { FIGURES, NO_DATA, businessLine, changeOf, formatDuration, formatValue, plural, type FigureSpec } from './format'
import './figures.css'

const CHOICES: { id: RangeChoice; label: string }[] = [
  { id: 'today', label: 'Today' },
  { id: '7d', label: '7 days' },
  { id: '30d', label: '30 days' },
  { id: 'custom', label: 'Custom' }
]

export const MY_FIGURES_HEADING_ID = 'my-figures-heading'

const localDay = (ymd: string): Date => {
  const [y, m, d] = ymd.split('-').map(Number)
  return new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1)
}
const dayLabel = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric' })
const shortDay = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short' })

/** "23 Nov 2026" or "17 Nov 2026 – 23 Nov 2026". */
export function periodText(p: PersonalPeriod): string {
  const first = dayLabel.format(localDay(p.firstDay))
  return p.days === 1 ? first : `${first} – ${dayLabel.format(localDay(p.lastDay))}`
}

function previousWords(data: PersonalFigures): string {
  if (data.previous.days === 1) return 'the day before'
  return `the previous ${data.previous.days} days`
}

/**
 * "My figures": the signed-in agent's figures for today, 7 or 30 days or two dates, each with
 * what it is computed from, its change against the previous period of the same length, and a
 * small trend; the backlog by age. Computed by the core from this console's own store, so it
 * works offline and follows the agent's own work (state/figures.ts refreshes it).
 */
export function MyFigures() {
  const agent = useSignedInAgent()
  const { choice, customFrom, customTo, customError, data, loading, error } = useFiguresStore()
  const headingRef = useRef<HTMLHeadingElement>(null)
  const fromId = useId()
  const toId = useId()
  const errorId = useId()

  useEffect(() => {
    headingRef.current?.focus()
  }, [])

  const empty =
    data !== null &&
    data.current.backlog.count === 0 &&
    data.current.volume === 0 &&
    data.current.firstResponse.count === 0 &&
    data.current.csat.of === 0 &&
    data.current.nps.count === 0 &&
    data.current.slaFirstResponse.of === 0 &&
    data.current.slaResolution.of === 0

  return (
    <section className="my-figures" aria-labelledby={MY_FIGURES_HEADING_ID} aria-busy={loading}>
      <header className="my-figures-head">
        <div>
          <h1 id={MY_FIGURES_HEADING_ID} ref={headingRef} tabIndex={-1}>
            My figures
          </h1>
          <p className="muted small">
            {agent ? `${agent.name} · ` : ''}
            {data ? `${periodText(data.period)}, compared with ${periodText(data.previous)}` : 'Loading…'}
            {' · computed on this computer'}
          </p>
        </div>
        <button type="button" onClick={closeMyFigures} {...shortcutProps('myFigures', 'Back to the inbox')}>
          Back to the inbox
        </button>
      </header>

      <div className="my-figures-controls">
        <div role="group" aria-label="Period" className="seg-group">
          {CHOICES.map((c) => (
            <button key={c.id} type="button" className={choice === c.id ? 'seg-button active' : 'seg-button'} aria-pressed={choice === c.id} onClick={() => chooseRange(c.id)}>
              {c.label}
            </button>
          ))}
        </div>
        {choice === 'custom' ? (
          <form
            className="custom-range"
            aria-label="Custom range"
            noValidate
            onSubmit={(e) => {
              e.preventDefault()
              applyCustomRange()
            }}
          >
            <label htmlFor={fromId}>From</label>
            <input
              id={fromId}
              type="date"
              value={customFrom}
              aria-invalid={customError !== null}
              aria-describedby={customError !== null ? errorId : undefined}
              onChange={(e) => setCustomDates(e.target.value, customTo)}
            />
            <label htmlFor={toId}>To</label>
            <input
              id={toId}
              type="date"
              value={customTo}
              aria-invalid={customError !== null}
              aria-describedby={customError !== null ? errorId : undefined}
              onChange={(e) => setCustomDates(customFrom, e.target.value)}
            />
            <button type="submit">Show</button>
            {customError !== null ? (
              <p id={errorId} role="alert" className="field-error">
                {customError}
              </p>
            ) : null}
          </form>
        ) : null}
      </div>

      <FormAlert message={error === null ? null : `Your figures could not be computed: ${error}`} />
      {empty ? (
        <p className="my-figures-empty" role="status">
          Nothing to count for this period yet. Your figures appear here as you answer, resolve and escalate items.
        </p>
      ) : null}

      {data !== null ? (
        <ul className="figure-cards" aria-label="Figures">
          {FIGURES.map((spec) => (
            <FigureCard key={spec.id} spec={spec} data={data} />
          ))}
          <BacklogCard data={data} />
        </ul>
      ) : null}
    </section>
  )
}

function FigureCard({ spec, data }: { spec: FigureSpec; data: PersonalFigures }) {
  const titleId = useId()
  const now = spec.value(data.current)
  const before = spec.value(data.before)
  const change = changeOf(spec, now, before, previousWords(data))
  const noData = now === null
  const business = businessLine(spec.id, data.current)
  return (
    <li className="figure-card" aria-labelledby={titleId} data-figure={spec.id}>
      <h2 id={titleId} className="figure-title">
        {spec.title}
      </h2>
      <p className={noData ? 'figure-value no-data' : 'figure-value'} data-testid={`figure-${spec.id}`}>
        {formatValue(spec.kind, now)}
      </p>
      <p className="figure-basis small muted">{spec.basis(data.current)}</p>
      {business === null ? null : <p className="figure-basis small muted">{business}</p>}
      <p className={`figure-change ${change.tone}`} aria-label={change.label} title={change.label}>
        <span aria-hidden="true">{change.direction === 'up' ? '▲ ' : change.direction === 'down' ? '▼ ' : change.direction === 'same' ? '■ ' : ''}</span>
        <span aria-hidden="true">{change.text}</span>
      </p>
      <Trend spec={spec} data={data} />
    </li>
  )
}

const CHART_W = 220
const CHART_H = 56

function Trend({ spec, data }: { spec: FigureSpec; data: PersonalFigures }) {
  if (data.series.length < 2) return <p className="figure-trend-note small muted">{data.step === 'day' ? 'A trend shows for ranges of two days or more.' : ''}</p>
  const toChart = (v: number | null) => (v === null ? null : spec.kind === 'duration' ? Math.round(v / 60_000) : Math.round(v * 10) / 10)
  const points = data.series.map((p) => ({ day: shortDay.format(localDay(p.day)), value: toChart(spec.value(p.figures)) }))
  const withData = points.filter((p) => p.value !== null).length
  const unit = spec.kind === 'duration' ? ' min' : spec.kind === 'pct' ? '%' : ''
  const label = `${spec.title} per ${data.step}: ${withData === 0 ? 'no data on any ' + data.step : `${withData} of ${points.length} ${data.step}s with data`}.`
  const tooltip = (
    <Tooltip
      isAnimationActive={false}
      formatter={(v) => [v === null || v === undefined ? NO_DATA : spec.kind === 'duration' ? formatDuration(Number(v) * 60_000) : `${String(v)}${unit}`, spec.title]}
    />
  )
  return (
    <div className="figure-trend" role="img" aria-label={label}>
      <div aria-hidden="true">
      {spec.chart === 'bar' ? (
        <BarChart width={CHART_W} height={CHART_H} data={points} accessibilityLayer={false} margin={{ top: 4, right: 4, bottom: 0, left: 4 }}>
          <XAxis dataKey="day" hide />
          <YAxis hide />
          {tooltip}
          <Bar dataKey="value" fill="#2f5fd0" isAnimationActive={false} />
        </BarChart>
      ) : (
        <LineChart width={CHART_W} height={CHART_H} data={points} accessibilityLayer={false} margin={{ top: 4, right: 4, bottom: 0, left: 4 }}>
          <XAxis dataKey="day" hide />
          <YAxis hide domain={spec.kind === 'pct' ? [0, 100] : ['auto', 'auto']} />
          {tooltip}
          <Line type="monotone" dataKey="value" stroke="#2f5fd0" strokeWidth={2} dot={withData < 3} connectNulls={false} isAnimationActive={false} />
        </LineChart>
      )}
      </div>
    </div>
  )
}

function BacklogCard({ data }: { data: PersonalFigures }) {
  const titleId = useId()
  const b = data.current.backlog
  const bars = [
    { age: 'under 1 d', n: b.byAge.under1d },
    { age: '1–3 d', n: b.byAge.d1to3 },
    { age: '3–7 d', n: b.byAge.d3to7 },
    { age: 'over 7 d', n: b.byAge.over7d }
  ]
  const label = `Open items by age: ${bars.map((x) => `${x.n} ${x.age}`).join(', ')}.`
  return (
    <li className="figure-card" aria-labelledby={titleId} data-figure="backlog">
      <h2 id={titleId} className="figure-title">
        My backlog now
      </h2>
      <p className="figure-value" data-testid="figure-backlog">
        {b.count.toLocaleString('en')}
      </p>
      <p className="figure-basis small muted">{`${plural(b.count, 'open item')} assigned to you, by age`}</p>
      <p className="figure-change neutral small muted">Not tied to the period</p>
      <div className="figure-trend" role="img" aria-label={label}>
        <div aria-hidden="true">
        <BarChart width={CHART_W} height={CHART_H + 14} data={bars} accessibilityLayer={false} margin={{ top: 4, right: 4, bottom: 0, left: 4 }}>
          <XAxis dataKey="age" tick={{ fontSize: 10 }} interval={0} tickLine={false} axisLine={false} height={14} />
          <YAxis hide allowDecimals={false} />
          <Tooltip isAnimationActive={false} formatter={(v) => [String(v), 'Open items']} />
          <Bar dataKey="n" fill="#596273" isAnimationActive={false} />
        </BarChart>
        </div>
      </div>
    </li>
  )
}
