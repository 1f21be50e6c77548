import { cloneElement, useId, type ReactElement } from 'react'
import { HandoffError } from '../../../shared/contract/errors'
import { errorMessage } from '../api/client'

/** Field errors by field key, plus what belongs to no field (shown once, at the top of the form). */
export interface FormErrors<K extends string> {
  fields: Partial<Record<K, string>>
  general: string | null
}

export const noErrors = <K extends string>(): FormErrors<K> => ({ fields: {}, general: null })

const normalisePath = (path: string) =>
  path
    .replace(/[/[\]]+/g, '.')
    .replace(/^\.+|\.+$/g, '')
    .replace(/\.{2,}/g, '.')

/**
 * Split a failed call into field errors and a general message. An issue belongs to field `k` when
 * its path is `k`, ends with `.k` (an `args.` prefix) or starts with `k.` (a nested field).
 */
export function formErrors<K extends string>(e: unknown, keys: readonly K[]): FormErrors<K> {
  if (!(e instanceof HandoffError) || !e.issues || e.issues.length === 0) return { fields: {}, general: errorMessage(e) }
  const fields: Partial<Record<K, string>> = {}
  const leftovers: string[] = []
  for (const issue of e.issues) {
    const path = normalisePath(issue.path)
    const key =
      keys.find((k) => path === k) ?? keys.find((k) => path.endsWith(`.${k}`)) ?? keys.find((k) => path.startsWith(`${k}.`))
    if (key !== undefined) fields[key] ??= issue.message
    else leftovers.push(issue.message)
  }
  return { fields, general: leftovers.length > 0 ? leftovers.join(' ') : null }
}

interface FieldProps {
  label: string
  error?: string | undefined
  hint?: string
  className?: string
  /** The control: gets id, aria-invalid and aria-describedby. */
  children: ReactElement<{ id?: string; 'aria-invalid'?: boolean; 'aria-describedby'?: string }>
}

/** A labelled control with its error next to it (role="alert"). */
export function Field({ label, error, hint, className, children }: FieldProps) {
  const id = useId()
  const errorId = `${id}-error`
  return (
    <div className={`field ${className ?? ''}`}>
      <label htmlFor={id}>{label}</label>
      {cloneElement(children, { id, 'aria-invalid': error ? true : undefined, 'aria-describedby': error ? errorId : undefined })}
      {error ? (
        <p role="alert" id={errorId} className="field-error">
          {error}
        </p>
      ) : hint ? (
        <p className="hint">{hint}</p>
      ) : null}
    </div>
  )
}

interface SelectFieldProps<T extends string> {
  label: string
  error?: string | undefined
  value: T
  options: readonly T[]
  labels: Readonly<Record<T, string>>
  onChange: (value: T) => void
}

/** A labelled select over a closed set of values, each shown by its label. */
export function SelectField<T extends string>({ label, error, value, options, labels, onChange }: SelectFieldProps<T>) {
  return (
    <Field label={label} error={error}>
      <select value={value} onChange={(e) => onChange(e.target.value as T)}>
        {options.map((o) => (
          <option key={o} value={o}>
            {labels[o]}
          </option>
        ))}
      </select>
    </Field>
  )
}

/** The message for what belongs to no field. */
export function FormAlert({ message }: { message: string | null }) {
  if (!message) return null
  return (
    <p role="alert" className="form-alert">
      {message}
    </p>
  )
}
