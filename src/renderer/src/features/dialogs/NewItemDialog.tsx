import { useState, type FormEvent } from 'react'
import {
  CATEGORY_LABEL,
  CHANNELS,
  CHANNEL_LABEL,
  ITEM_KINDS,
  KIND_LABEL,
  PRIORITIES,
  PRIORITY_LABEL,
  categoriesOf,
  type Category,
  type Channel,
  type ItemKind,
  type Priority
} from '../../../../shared/domain/vocabulary'
import { api } from '../../api/client'
import { Dialog } from '../../components/Dialog'
import { Field, FormAlert, formErrors, noErrors, type FormErrors } from '../../components/fields'
import { afterItemCreated } from '../../state/actions'
import { closeDialog, showSuccess } from '../../state/ui'
import { CUSTOMER_FIELDS, CustomerSection, customerRef, emptyCustomer, type CustomerDraft } from './CustomerSection'

const FIELDS = ['kind', 'category', 'channel', 'priority', 'subject', 'body', ...CUSTOMER_FIELDS] as const
type FieldKey = (typeof FIELDS)[number]

export function NewItemDialog() {
  const [kind, setKind] = useState<ItemKind>('service')
  const [category, setCategory] = useState<Category>(categoriesOf('service')[0]!)
  const [channel, setChannel] = useState<Channel>('email')
  const [priority, setPriority] = useState<Priority>('normal')
  const [customer, setCustomer] = useState<CustomerDraft>(emptyCustomer)
  const [subject, setSubject] = useState('')
  const [body, setBody] = useState('')
  const [assignToMe, setAssignToMe] = useState(false)
  const [busy, setBusy] = useState(false)
  const [errors, setErrors] = useState<FormErrors<FieldKey>>(noErrors)

  const changeKind = (next: ItemKind) => {
    setKind(next)
    if (!categoriesOf(next).includes(category)) setCategory(categoriesOf(next)[0]!)
  }

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
          <Field label="Kind" error={f.kind}>
            <select value={kind} onChange={(e) => changeKind(e.target.value as ItemKind)}>
              {ITEM_KINDS.map((k) => (
                <option key={k} value={k}>
                  {KIND_LABEL[k]}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Category" error={f.category}>
            <select value={category} onChange={(e) => setCategory(e.target.value as Category)}>
              {categoriesOf(kind).map((c) => (
                <option key={c} value={c}>
                  {CATEGORY_LABEL[c]}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Channel" error={f.channel}>
            <select value={channel} onChange={(e) => setChannel(e.target.value as Channel)}>
              {CHANNELS.map((c) => (
                <option key={c} value={c}>
                  {CHANNEL_LABEL[c]}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Priority" error={f.priority}>
            <select value={priority} onChange={(e) => setPriority(e.target.value as Priority)}>
              {PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {PRIORITY_LABEL[p]}
                </option>
              ))}
            </select>
          </Field>
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
