import { useId, useMemo } from 'react'
import { Field } from '../../components/fields'
import { WEEKDAYS, WEEKDAY_LABEL, knownTimeZones, type BusinessHoursDraft, type BusinessHoursErrors, type DayDraft, type Weekday } from './business-hours-draft'
import './business-hours.css'

interface Props {
  draft: BusinessHoursDraft
  errors: BusinessHoursErrors
  onChange: (draft: BusinessHoursDraft) => void
}

/**
 * Business hours of the workspace (figures in business time besides calendar time): off by
 * default; when on, a time zone, per weekday "closed" or opening and closing times, and holidays.
 * Every control is labelled; an error sits next to its control and what was typed stays.
 */
export function BusinessHoursSection({ draft, errors, onChange }: Props) {
  const zonesId = useId()
  const zones = useMemo(knownTimeZones, [])
  const setDay = (d: Weekday, change: Partial<DayDraft>) =>
    onChange({ ...draft, days: { ...draft.days, [d]: { ...draft.days[d], ...change, kept: 'start' in change || 'end' in change ? null : draft.days[d].kept } } })

  return (
    <section aria-labelledby={`${zonesId}-heading`} className="business-hours">
      <h3 className="settings-heading" id={`${zonesId}-heading`}>
        Business hours
      </h3>
      <label className="checkbox">
        <input type="checkbox" checked={draft.on} onChange={(e) => onChange({ ...draft, on: e.target.checked })} /> Also measure response and resolution times in business hours
      </label>
      {draft.on ? (
        <>
          <Field label="Time zone" error={errors.timeZone} hint="An IANA name, such as Europe/Berlin or America/New_York.">
            <input type="text" list={`${zonesId}-zones`} autoComplete="off" spellCheck={false} value={draft.timeZone} onChange={(e) => onChange({ ...draft, timeZone: e.target.value })} />
          </Field>
          <datalist id={`${zonesId}-zones`}>
            {zones.map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
          <table className="business-days" aria-label="Working hours by weekday">
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col">Closed</th>
                <th scope="col">Opens</th>
                <th scope="col">Closes</th>
              </tr>
            </thead>
            <tbody>
              {WEEKDAYS.map((d) => {
                const day = draft.days[d]
                const error = errors.days?.[d]
                const errorId = `${zonesId}-day-${d}-error`
                const described = error ? { 'aria-invalid': true as const, 'aria-describedby': errorId } : {}
                return (
                  <tr key={d}>
                    <th scope="row">
                      {WEEKDAY_LABEL[d]}
                      {error ? (
                        <p role="alert" id={errorId} className="field-error">
                          {error}
                        </p>
                      ) : day.kept && !day.closed ? (
                        <p className="hint">{day.kept.length} spans; changing a time replaces them with one.</p>
                      ) : null}
                    </th>
                    <td>
                      <input type="checkbox" aria-label={`${WEEKDAY_LABEL[d]} closed`} checked={day.closed} onChange={(e) => setDay(d, { closed: e.target.checked })} />
                    </td>
                    <td>
                      <input type="time" aria-label={`${WEEKDAY_LABEL[d]} opens`} disabled={day.closed} value={day.start} onChange={(e) => setDay(d, { start: e.target.value })} {...described} />
                    </td>
                    <td>
                      <input type="time" aria-label={`${WEEKDAY_LABEL[d]} closes`} disabled={day.closed} value={day.end} onChange={(e) => setDay(d, { end: e.target.value })} {...described} />
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
          <p className="hint">A closing time of 00:00 means midnight at the end of the day.</p>
          <Field label="Holidays (no working hours)" error={errors.holidays} hint="Dates written YYYY-MM-DD, separated by commas or lines.">
            <textarea rows={2} value={draft.holidays} placeholder="2026-12-25, 2026-12-26" onChange={(e) => onChange({ ...draft, holidays: e.target.value })} />
          </Field>
        </>
      ) : (
        <p className="hint">Off: response and resolution times are calendar time only.</p>
      )}
    </section>
  )
}
