import { useState, type FormEvent } from 'react'
import type { RatingKind } from '../../../../shared/domain/vocabulary'
import { RATING_SCALE } from '../../../../shared/mutations'
import { api } from '../../api/client'
import { Dialog } from '../../components/Dialog'
import { Field, SelectField, FormAlert, formErrors, noErrors, type FormErrors } from '../../components/fields'
import { afterItemChange } from '../../state/actions'
import { closeDialog, showSuccess } from '../../state/ui'

const FIELDS = ['kind', 'score'] as const
type FieldKey = (typeof FIELDS)[number]

const SURVEY_LABEL: Record<RatingKind, string> = {
  csat: `CSAT ${RATING_SCALE.csat.min}–${RATING_SCALE.csat.max}`,
  nps: `NPS ${RATING_SCALE.nps.min}–${RATING_SCALE.nps.max}`
}

/** The customer's CSAT or NPS answer for the open item. The core checks the scale. */
export function RecordRatingDialog({ itemId }: { itemId: string }) {
  const [kind, setKind] = useState<RatingKind>('csat')
  const [score, setScore] = useState('')
  const [busy, setBusy] = useState(false)
  const [errors, setErrors] = useState<FormErrors<FieldKey>>(noErrors)

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (busy) return
    if (score.trim() === '') {
      setErrors({ fields: { score: 'Enter the score the customer gave.' }, general: null })
      return
    }
    setBusy(true)
    setErrors(noErrors())
    try {
      await api['item.recordRating']({ itemId, kind, score: Number(score) })
      closeDialog()
      showSuccess(`${RATING_SCALE[kind].label} ${score} recorded`)
      await afterItemChange()
    } catch (err) {
      setErrors(formErrors(err, FIELDS))
      setBusy(false)
    }
  }

  const scale = RATING_SCALE[kind]
  return (
    <Dialog title="Record rating" onClose={closeDialog}>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <FormAlert message={errors.general} />
        <div className="field-grid two">
          <SelectField label="Survey" error={errors.fields.kind} value={kind} options={Object.keys(SURVEY_LABEL) as RatingKind[]} labels={SURVEY_LABEL} onChange={setKind} />
          <Field label="Score" error={errors.fields.score} hint={`${scale.min} to ${scale.max}`}>
            <input type="number" inputMode="numeric" step={1} value={score} onChange={(e) => setScore(e.target.value)} />
          </Field>
        </div>
        <div className="dialog-actions">
          <span className="spacer" />
          <button type="button" onClick={closeDialog}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            Save rating
          </button>
        </div>
      </form>
    </Dialog>
  )
}
