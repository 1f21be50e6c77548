import { useEffect, useState, type FormEvent } from 'react'
import { QUEUES, QUEUE_LABEL, type EscalationReason, type Queue } from '../../../../shared/domain/escalation'
import { tierLabel, type SlaPolicy } from '../../../../shared/domain/sla'
import type { WorkspaceSettings } from '../../../../shared/domain/settings'
import { PRIORITIES, PRIORITY_LABEL, type Priority } from '../../../../shared/domain/vocabulary'
import { api } from '../../api/client'
import { Dialog } from '../../components/Dialog'
import { FormAlert, formErrors } from '../../components/fields'
import { refreshInbox } from '../../state/inbox'
import { refreshItem } from '../../state/item'
import { useSignedInAgent } from '../../state/session'
import { loadSettings, setSettings, useSettings } from '../../state/settings'
import { closeDialog, showSuccess } from '../../state/ui'
import { BusinessHoursSection } from './BusinessHoursSection'
import { ChannelsSection } from './ChannelsSection'
import { fromBusinessDraft, toBusinessDraft, type BusinessHoursDraft, type BusinessHoursErrors } from './business-hours-draft'

type TargetKey = 'firstResponseMinutes' | 'resolutionMinutes'
/** The SLA table as typed: strings, checked on save. */
type Draft = Record<Queue, Record<Priority, Record<TargetKey, string>>>

const TARGET_LABEL: Record<TargetKey, string> = { firstResponseMinutes: 'first response minutes', resolutionMinutes: 'resolution minutes' }

const toDraft = (sla: SlaPolicy): Draft =>
  Object.fromEntries(
    QUEUES.map((q) => [
      q,
      Object.fromEntries(PRIORITIES.map((p) => [p, { firstResponseMinutes: String(sla[q][p].firstResponseMinutes), resolutionMinutes: String(sla[q][p].resolutionMinutes) }]))
    ])
  ) as Draft

/** "Tier 1 urgent first response minutes": the accessible name of one target. */
const targetName = (q: Queue, p: Priority, k: TargetKey) => `${tierLabel(q)} ${p} ${TARGET_LABEL[k]}`

const slug = (label: string) =>
  label
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50) || 'reason'

function uniqueCode(label: string, taken: readonly EscalationReason[]): string {
  const base = slug(label)
  let code = base
  for (let n = 2; taken.some((r) => r.code === code); n++) code = `${base}-${n}`
  return code
}

const wholeMinutes = (s: string) => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : NaN)

/**
 * Workspace settings: SLA targets per queue and priority, whether an escalation restarts the
 * clock, the due-soon window, the escalation reasons and the business hours (figures in business
 * time; off by default). Supervisors change them; everyone
 * else sees them read-only.
 */
export function SettingsDialog() {
  const current = useSettings()
  const me = useSignedInAgent()
  const canEdit = me?.role === 'supervisor'
  const [draft, setDraft] = useState<Draft>(() => toDraft(current.sla))
  const [restart, setRestart] = useState(current.sla.restartOnEscalation)
  const [dueSoon, setDueSoon] = useState(String(current.sla.dueSoonMinutes))
  const [reasons, setReasons] = useState<EscalationReason[]>(() => current.escalationReasons.map((r) => ({ ...r })))
  const [newReason, setNewReason] = useState('')
  const [hours, setHours] = useState<BusinessHoursDraft>(() => toBusinessDraft(current.businessSchedule))
  const [hoursErrors, setHoursErrors] = useState<BusinessHoursErrors>({})
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  // Take the latest settings from the core when the dialog opens (another agent may have saved).
  useEffect(() => {
    let live = true
    loadSettings()
      .then((s) => {
        if (!live) return
        setDraft(toDraft(s.sla))
        setRestart(s.sla.restartOnEscalation)
        setDueSoon(String(s.sla.dueSoonMinutes))
        setReasons(s.escalationReasons.map((r) => ({ ...r })))
        setHours(toBusinessDraft(s.businessSchedule))
      })
      .catch(() => undefined)
    return () => {
      live = false
    }
  }, [])

  const setTarget = (q: Queue, p: Priority, k: TargetKey, value: string) =>
    setDraft((d) => ({ ...d, [q]: { ...d[q], [p]: { ...d[q][p], [k]: value } } }))

  const addReason = () => {
    const label = newReason.trim()
    if (!label) return
    setReasons((rs) => [...rs, { code: uniqueCode(label, rs), label }])
    setNewReason('')
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (!canEdit || busy) return
    const bad: string[] = []
    const sla = { restartOnEscalation: restart, dueSoonMinutes: wholeMinutes(dueSoon) } as SlaPolicy
    for (const q of QUEUES) {
      sla[q] = {} as SlaPolicy[Queue]
      for (const p of PRIORITIES) {
        const fr = wholeMinutes(draft[q][p].firstResponseMinutes)
        const res = wholeMinutes(draft[q][p].resolutionMinutes)
        if (!(fr >= 1)) bad.push(targetName(q, p, 'firstResponseMinutes'))
        if (!(res >= 1)) bad.push(targetName(q, p, 'resolutionMinutes'))
        sla[q][p] = { firstResponseMinutes: fr, resolutionMinutes: res }
      }
    }
    if (!(sla.dueSoonMinutes >= 1)) bad.push('Due soon within (minutes)')
    if (bad.length > 0) {
      setError(`Enter whole minutes, at least 1: ${bad.join(', ')}.`)
      return
    }
    if (reasons.some((r) => r.label.trim() === '')) {
      setError('Every reason needs a label.')
      return
    }
    const checkedHours = fromBusinessDraft(hours)
    setHoursErrors(checkedHours.ok ? {} : checkedHours.errors)
    if (!checkedHours.ok) {
      setError('Check the business hours below.')
      return
    }
    setBusy(true)
    setError(null)
    try {
      const { settings } = await api['settings.update']({
        sla,
        escalationReasons: reasons.map((r) => ({ code: r.code, label: r.label.trim() })),
        businessSchedule: checkedHours.schedule
      })
      setSettings(settings as WorkspaceSettings)
      closeDialog()
      showSuccess('Settings saved')
      // Deadlines follow the new targets.
      refreshInbox()
      void refreshItem()
    } catch (err) {
      const { fields, general } = formErrors(err, [] as string[])
      setError([general, ...Object.values(fields)].filter(Boolean).join(' '))
      setBusy(false)
    }
  }

  return (
    <Dialog title="Workspace settings" onClose={closeDialog} className="settings-dialog wide">
      <form onSubmit={(e) => void submit(e)} noValidate>
        {canEdit ? null : <p className="note read-only-note">Only a supervisor can change these.</p>}
        <FormAlert message={error} />
        <fieldset disabled={!canEdit} className="settings-fieldset">
          <h3 className="settings-heading">SLA targets (minutes)</h3>
          <div className="sla-table-wrap">
            <table className="sla-table" aria-label="SLA targets">
              <thead>
                <tr>
                  <th scope="col">Queue</th>
                  <th scope="col">Priority</th>
                  <th scope="col">First response</th>
                  <th scope="col">Resolution</th>
                </tr>
              </thead>
              <tbody>
                {QUEUES.flatMap((q) =>
                  PRIORITIES.map((p, i) => (
                    <tr key={`${q}-${p}`} className={i === 0 ? 'queue-start' : undefined}>
                      {i === 0 ? (
                        <th scope="rowgroup" rowSpan={PRIORITIES.length}>
                          {QUEUE_LABEL[q]}
                        </th>
                      ) : null}
                      <td>{PRIORITY_LABEL[p]}</td>
                      {(['firstResponseMinutes', 'resolutionMinutes'] as const).map((k) => (
                        <td key={k}>
                          <input
                            type="number"
                            min={1}
                            step={1}
                            inputMode="numeric"
                            aria-label={targetName(q, p, k)}
                            value={draft[q][p][k]}
                            onChange={(e) => setTarget(q, p, k, e.target.value)}
                          />
                        </td>
                      ))}
                    </tr>
                  ))
                )}
              </tbody>
            </table>
          </div>
          <div className="settings-row">
            <label className="checkbox">
              <input type="checkbox" checked={restart} onChange={(e) => setRestart(e.target.checked)} /> Escalation restarts the SLA clock
            </label>
            <label className="inline-field">
              Due soon within (minutes)
              <input type="number" min={1} step={1} inputMode="numeric" value={dueSoon} onChange={(e) => setDueSoon(e.target.value)} />
            </label>
          </div>
          <h3 className="settings-heading">Escalation reasons</h3>
          <ul className="reason-list" aria-label="Escalation reasons">
            {reasons.map((r, i) => (
              <li key={r.code}>
                <input
                  type="text"
                  aria-label={`Reason ${i + 1} label`}
                  value={r.label}
                  onChange={(e) => setReasons((rs) => rs.map((x, j) => (j === i ? { ...x, label: e.target.value } : x)))}
                />
                <span className="muted reason-code">{r.code}</span>
                <button
                  type="button"
                  className="icon-button"
                  aria-label={`Remove reason ${r.label}`}
                  title={r.code === 'other' ? '“Other” (with free text) always stays' : `Remove reason ${r.label}`}
                  disabled={r.code === 'other'}
                  onClick={() => setReasons((rs) => rs.filter((_, j) => j !== i))}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
          <div className="settings-row">
            <input
              type="text"
              aria-label="New reason"
              placeholder="New reason…"
              value={newReason}
              onChange={(e) => setNewReason(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault()
                  addReason()
                }
              }}
            />
            <button type="button" onClick={addReason} disabled={newReason.trim() === ''}>
              Add reason
            </button>
          </div>
          <BusinessHoursSection draft={hours} errors={hoursErrors} onChange={setHours} />
        </fieldset>
        {canEdit ? <ChannelsSection /> : null}
        <div className="dialog-actions">
          <span className="spacer" />
          <button type="button" onClick={closeDialog}>
            {canEdit ? 'Cancel' : 'Done'}
          </button>
          {canEdit ? (
            <button type="submit" className="primary" disabled={busy}>
              Save settings
            </button>
          ) : null}
        </div>
      </form>
    </Dialog>
  )
}
