import { useState, type FormEvent } from 'react'
import { api } from '../../api/client'
import { Dialog } from '../../components/Dialog'
import { Field, FormAlert, formErrors, noErrors, type FormErrors } from '../../components/fields'
import { applyView, queryFilter, useInboxStore } from '../../state/inbox'
import { refreshViews } from '../../state/session'
import { closeDialog, showSuccess } from '../../state/ui'

const FIELDS = ['name', 'filter', 'sort'] as const
type FieldKey = (typeof FIELDS)[number]

/** Save the current filter, search and sort as one of the agent's own views. */
export function SaveViewDialog() {
  const [name, setName] = useState('')
  const [busy, setBusy] = useState(false)
  const [errors, setErrors] = useState<FormErrors<FieldKey>>(noErrors)

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (busy) return
    setBusy(true)
    setErrors(noErrors())
    try {
      const { sort } = useInboxStore.getState()
      const { viewId } = await api['view.save']({ name, filter: queryFilter(), sort })
      const views = await refreshViews()
      const saved = views.find((v) => v.id === viewId)
      closeDialog()
      if (saved) applyView(saved)
      showSuccess(`View “${name.trim()}” saved`)
    } catch (err) {
      setErrors(formErrors(err, FIELDS))
      setBusy(false)
    }
  }

  return (
    <Dialog title="Save view" onClose={closeDialog} description={<p className="muted">Saves the current filters, search and sort.</p>}>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <FormAlert message={errors.general} />
        <Field label="View name" error={errors.fields.name}>
          <input type="text" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" maxLength={60} />
        </Field>
        <div className="dialog-actions">
          <span className="spacer" />
          <button type="button" onClick={closeDialog}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            Save
          </button>
        </div>
      </form>
    </Dialog>
  )
}
