import { dismissToast, useToasts } from '../state/ui'

/** Success messages in a polite live region (always present); each error as its own alert. */
export function Toasts() {
  const toasts = useToasts()
  const successes = toasts.filter((t) => t.tone === 'success')
  const errors = toasts.filter((t) => t.tone === 'error')
  return (
    <div className="toasts">
      {errors.map((t) => (
        <div key={t.id} role="alert" className="toast toast-error">
          <span>{t.text}</span>
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismissToast(t.id)}>
            ×
          </button>
        </div>
      ))}
      <div role="status" className="toast-region">
        {successes.map((t) => (
          <div key={t.id} className="toast toast-success">
            {t.text}
          </div>
        ))}
      </div>
    </div>
  )
}
