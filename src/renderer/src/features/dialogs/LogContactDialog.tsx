import { useState, type FormEvent } from 'react'
import { PRIORITIES, PRIORITY_LABEL, STATUS_LABEL, type LoggedChannel, type Priority } from '../../../../shared/domain/vocabulary'
import { CONTACT_OUTCOMES } from '../../../../shared/mutations'
import { api } from '../../api/client'
import { Dialog } from '../../components/Dialog'
import { Field, SelectField, FormAlert, formErrors, noErrors, type FormErrors } from '../../components/fields'
import { afterItemCreated } from '../../state/actions'
import { closeDialog, showSuccess } from '../../state/ui'
import { KindAndCategoryFields, useKindAndCategory } from './KindAndCategory'
import { CUSTOMER_FIELDS, CustomerSection, customerRef, emptyCustomer, type CustomerDraft } from './CustomerSection'

const FIELDS = ['channel', 'kind', 'category', 'priority', 'subject', 'summary', 'outcome', ...CUSTOMER_FIELDS] as const
type FieldKey = (typeof FIELDS)[number]
type Outcome = (typeof CONTACT_OUTCOMES)[number]

const CONTACT_TYPE_LABEL: Record<LoggedChannel, string> = { phone: 'Phone call', inperson: 'Walk-in' }

/** A phone call or walk-in the agent took, logged as a new item with its outcome. */
export function LogContactDialog({ channel: initialChannel }: { channel: LoggedChannel }) {
  const [channel, setChannel] = useState<LoggedChannel>(initialChannel)
  const kindAndCategory = useKindAndCategory()
  const { kind, category } = kindAndCategory
  const [priority, setPriority] = useState<Priority>('normal')
  const [customer, setCustomer] = useState<CustomerDraft>(emptyCustomer)
  const [subject, setSubject] = useState('')
  const [summary, setSummary] = useState('')
  const [outcome, setOutcome] = useState<Outcome>('resolved')
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
      const { itemId } = await api['item.logContact']({ channel, kind, category, priority, subject, summary, outcome, customer: ref })
      closeDialog()
      showSuccess(channel === 'phone' ? 'Call logged' : 'Walk-in logged')
      await afterItemCreated(itemId)
    } catch (err) {
      setErrors(formErrors(err, FIELDS))
      setBusy(false)
    }
  }

  const f = errors.fields
  return (
    <Dialog title="Log contact" onClose={closeDialog} className="wide">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <FormAlert message={errors.general} />
        <div className="field-grid four">
          <SelectField label="Contact type" error={f.channel} value={channel} options={Object.keys(CONTACT_TYPE_LABEL) as LoggedChannel[]} labels={CONTACT_TYPE_LABEL} onChange={setChannel} />
          <KindAndCategoryFields state={kindAndCategory} errors={f} />
          <SelectField label="Priority" error={f.priority} value={priority} options={PRIORITIES} labels={PRIORITY_LABEL} onChange={setPriority} />
        </div>
        <CustomerSection value={customer} onChange={setCustomer} errors={f} />
        <Field label="Subject" error={f.subject}>
          <input type="text" value={subject} onChange={(e) => setSubject(e.target.value)} autoComplete="off" />
        </Field>
        <Field label="Summary" error={f.summary} hint="What was said and done during the contact.">
          <textarea rows={4} value={summary} onChange={(e) => setSummary(e.target.value)} />
        </Field>
        <div className="dialog-actions">
          <Field label="Outcome" error={f.outcome} className="inline">
            <select value={outcome} onChange={(e) => setOutcome(e.target.value as Outcome)}>
              {CONTACT_OUTCOMES.map((o) => (
                <option key={o} value={o}>
                  {STATUS_LABEL[o]}
                </option>
              ))}
            </select>
          </Field>
          <span className="spacer" />
          <button type="button" onClick={closeDialog}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            Log contact
          </button>
        </div>
      </form>
    </Dialog>
  )
}
