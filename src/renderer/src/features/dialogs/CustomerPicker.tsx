import { useEffect, useId, useState, type KeyboardEvent } from 'react'
import type { Customer } from '../../../../shared/domain/entities'
import { api, errorMessage } from '../../api/client'

const SEARCH_DEBOUNCE_MS = 120

interface CustomerPickerProps {
  value: Customer | null
  onChange: (customer: Customer) => void
  error?: string | undefined
}

/** Find an existing customer: a search box and a listbox of matches, by mouse or keyboard. */
export function CustomerPicker({ value, onChange, error }: CustomerPickerProps) {
  const [query, setQuery] = useState('')
  const [matches, setMatches] = useState<Customer[]>([])
  const [active, setActive] = useState(0)
  const [searching, setSearching] = useState(false)
  const [searchError, setSearchError] = useState<string | null>(null)
  const listId = useId()
  const errorId = useId()

  useEffect(() => {
    let stale = false
    const timer = setTimeout(() => {
      setSearching(true)
      api['customers.search']({ query: query.trim(), limit: 8 })
        .then((found) => {
          if (stale) return
          setMatches(found)
          setActive(0)
          setSearchError(null)
        })
        .catch((e: unknown) => {
          if (!stale) setSearchError(errorMessage(e))
        })
        .finally(() => {
          if (!stale) setSearching(false)
        })
    }, SEARCH_DEBOUNCE_MS)
    return () => {
      stale = true
      clearTimeout(timer)
    }
  }, [query])

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault()
      setActive((a) => Math.min(matches.length - 1, a + 1))
    } else if (e.key === 'ArrowUp') {
      e.preventDefault()
      setActive((a) => Math.max(0, a - 1))
    } else if (e.key === 'Enter') {
      // Enter picks the highlighted customer instead of submitting the form.
      const pick = matches[active]
      if (pick) {
        e.preventDefault()
        onChange(pick)
      }
    }
  }

  const optionId = (i: number) => `${listId}-${i}`
  return (
    <div className="customer-picker">
      <input
        type="search"
        aria-label="Find customer"
        placeholder="Name, email or phone…"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={onKeyDown}
        aria-controls={listId}
        aria-activedescendant={matches[active] ? optionId(active) : undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        autoComplete="off"
      />
      <ul role="listbox" id={listId} aria-label="Matching customers" className="listbox">
        {matches.map((c, i) => (
          <li
            key={c.id}
            id={optionId(i)}
            role="option"
            aria-selected={value?.id === c.id}
            className={[i === active ? 'active' : '', value?.id === c.id ? 'chosen' : ''].join(' ')}
            onMouseDown={(e) => e.preventDefault()}
            onMouseEnter={() => setActive(i)}
            onClick={() => onChange(c)}
          >
            <span className="option-name">{c.name}</span>
            <span className="option-detail">{[c.email, c.phone].filter(Boolean).join(' · ')}</span>
          </li>
        ))}
      </ul>
      {matches.length === 0 && !searching ? <p className="listbox-empty">{searchError ?? (query.trim() ? 'No customer matches.' : 'No customers yet.')}</p> : null}
      <p className="picked" aria-live="polite">
        {value ? (
          <>
            Customer: <strong>{value.name}</strong>
            {value.email ? ` (${value.email})` : ''}
          </>
        ) : (
          <span className="muted">No customer chosen yet.</span>
        )}
      </p>
      {error ? (
        <p role="alert" id={errorId} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  )
}
