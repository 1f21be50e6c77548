import { useId } from 'react'
import type { Customer } from '../../../../shared/domain/entities'
import { Field } from '../../components/fields'
import { CustomerPicker } from './CustomerPicker'

export interface CustomerDraft {
  mode: 'existing' | 'new'
  existing: Customer | null
  name: string
  email: string
  phone: string
}

export const emptyCustomer: CustomerDraft = { mode: 'existing', existing: null, name: '', email: '', phone: '' }

export const CUSTOMER_FIELDS = ['customer.name', 'customer.email', 'customer.phone', 'customer'] as const
export type CustomerField = (typeof CUSTOMER_FIELDS)[number]

export type CustomerRef = { type: 'existing'; customerId: string } | { type: 'new'; name: string; email: string | null; phone: string | null }

/** The customer reference a mutation takes, or null when no existing customer was chosen. */
export function customerRef(d: CustomerDraft): CustomerRef | null {
  if (d.mode === 'existing') return d.existing ? { type: 'existing', customerId: d.existing.id } : null
  return { type: 'new', name: d.name, email: d.email.trim() || null, phone: d.phone.trim() || null }
}

interface Props {
  value: CustomerDraft
  onChange: (d: CustomerDraft) => void
  errors: Partial<Record<CustomerField, string>>
}

/** Existing customer (search) or a new one (name, email, phone). */
export function CustomerSection({ value, onChange, errors }: Props) {
  const name = useId()
  const set = (patch: Partial<CustomerDraft>) => onChange({ ...value, ...patch })
  return (
    <fieldset className="customer-section">
      <legend>Customer</legend>
      <div className="radio-row">
        <label>
          <input type="radio" name={name} checked={value.mode === 'existing'} onChange={() => set({ mode: 'existing' })} />
          Existing customer
        </label>
        <label>
          <input type="radio" name={name} checked={value.mode === 'new'} onChange={() => set({ mode: 'new' })} />
          New customer
        </label>
      </div>
      {value.mode === 'existing' ? (
        <CustomerPicker value={value.existing} onChange={(c) => set({ existing: c })} error={errors.customer} />
      ) : (
        <div className="field-grid three">
          <Field label="Customer name" error={errors['customer.name'] ?? errors.customer}>
            <input type="text" value={value.name} onChange={(e) => set({ name: e.target.value })} autoComplete="off" />
          </Field>
          <Field label="Customer email" error={errors['customer.email']}>
            <input type="email" value={value.email} onChange={(e) => set({ email: e.target.value })} autoComplete="off" />
          </Field>
          <Field label="Customer phone" error={errors['customer.phone']}>
            <input type="tel" value={value.phone} onChange={(e) => set({ phone: e.target.value })} autoComplete="off" />
          </Field>
        </div>
      )}
    </fieldset>
  )
}
