import { useState, type FormEvent } from 'react'
import { CHANNELS, CHANNEL_LABEL, PRIORITIES, PRIORITY_LABEL, type Channel, type Priority } from '../../../../shared/domain/vocabulary'
import { api } from '../../api/client'
import { Dialog } from '../../components/Dialog'
import { Field, SelectField, FormAlert, formErrors, noErrors, type FormErrors } from '../../components/fields'
import { afterItemCreated } from '../../state/actions'
import { closeDialog, showSuccess } from '../../state/ui'
import { KindAndCategoryFields, useKindAndCategory } from './KindAndCategory'
import { CUSTOMER_FIELDS, CustomerSection, customerRef, emptyCustomer, type CustomerDraft } from './CustomerSection'

const FIELDS = ['kind', 'category', 'channel', 'priority', 'subject', 'body', ...CUSTOMER_FIELDS] as const
type FieldKey = (typeof FIELDS)[number]

export function NewItemDialog() {
  const kindAndCategory = useKindAndCategory()
  const { kind, category } = kindAndCategory
  const [channel, setChannel] = useState<Channel>('email')
  const [priority, setPriority] = useState<Priority>('normal')
  const [customer, setCustomer] = useState<CustomerDraft>(emptyCustomer)
  const [subject, setSubject] = useState('')
  const [body, setBody] = useState('')
  const [assignToMe, setAssignToMe] = useState(false)
  const [busy, setBusy] = useState(false)
  const [errors, setErrors] = useState<FormErrors<FieldKey>>(noErrors)

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (busy) return
    const ref = customerRef(customer)
    if (!ref) {
      setErrors({ fields: { customer: 'Choose a customer, or add a new one.' }, general: null })
      return
    }
    setBusy(true)
    setErrors(noErrors())
    try {
      const { itemId } = await api['item.create']({ kind, category, channel, priority, subject, body, customer: ref, assignToMe })
      closeDialog()
      showSuccess('Item created')
      await afterItemCreated(itemId)
    } catch (err) {
      setErrors(formErrors(err, FIELDS))
      setBusy(false)
    }
  }

  const f = errors.fields
  return (
    <Dialog title="New item" onClose={closeDialog} className="wide">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <FormAlert message={errors.general} />
        <div className="field-grid four">
          <KindAndCategoryFields state={kindAndCategory} errors={f} />
          <SelectField label="Channel" error={f.channel} value={channel} options={CHANNELS} labels={CHANNEL_LABEL} onChange={setChannel} />
          <SelectField label="Priority" error={f.priority} value={priority} options={PRIORITIES} labels={PRIORITY_LABEL} onChange={setPriority} />
        </div>
        <CustomerSection value={customer} onChange={setCustomer} errors={f} />
        <Field label="Subject" error={f.subject}>
          <input type="text" value={subject} onChange={(e) => setSubject(e.target.value)} autoComplete="off" />
        </Field>
        <Field label="Message" error={f.body} hint="The customer's words, as received.">
          <textarea rows={5} value={body} onChange={(e) => setBody(e.target.value)} />
        </Field>
        <div className="dialog-actions">
          <label className="checkbox">
            <input type="checkbox" checked={assignToMe} onChange={(e) => setAssignToMe(e.target.checked)} />
            Assign to me
          </label>
          <span className="spacer" />
          <button type="button" onClick={closeDialog}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            Create item
          </button>
        </div>
      </form>
    </Dialog>
  )
}
