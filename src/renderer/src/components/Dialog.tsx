import { useEffect, useId, useRef, type ReactNode } from 'react'
import { restoreFocus } from '../state/ui'

interface DialogProps {
  title: string
  onClose: () => void
  children: ReactNode
  className?: string
  /** Shown under the title. */
  description?: ReactNode
}

const FIRST_FIELD = '[data-autofocus], input:not([type="hidden"]):not([disabled]), select:not([disabled]), textarea:not([disabled]), button:not([disabled])'

/**
 * A modal on the native <dialog>: the browser traps focus and makes the rest inert; Escape
 * (the dialog's cancel event) closes it through `onClose`; focus goes to the first field, and
 * back to where it was when the dialog closes.
 */
export function Dialog({ title, onClose, children, className, description }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useId()

  useEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    if (!dialog.open) dialog.showModal()
    const first = dialog.querySelector<HTMLElement>(`.dialog-body :is(${FIRST_FIELD})`) ?? dialog.querySelector<HTMLElement>(FIRST_FIELD)
    first?.focus()
    return () => {
      if (dialog.open) dialog.close()
      restoreFocus()
    }
  }, [])

  return (
    <dialog
      ref={ref}
      className={`dialog ${className ?? ''}`}
      aria-labelledby={titleId}
      aria-modal="true"
      onCancel={(e) => {
        e.preventDefault()
        onClose()
      }}
      onKeyDown={(e) => {
        // Ctrl/Cmd+Enter submits the dialog's form from any field.
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
          const form = ref.current?.querySelector('form')
          if (form) {
            e.preventDefault()
            form.requestSubmit()
          }
        }
      }}
      onMouseDown={(e) => {
        // A click on the backdrop (the dialog element itself, outside its box) closes it.
        if (e.target === ref.current) {
          const r = ref.current.getBoundingClientRect()
          const inside = e.clientX >= r.left && e.clientX <= r.right && e.clientY >= r.top && e.clientY <= r.bottom
          if (!inside) onClose()
        }
      }}
    >
      <header className="dialog-head">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="icon-button" aria-label="Close" title="Close (Esc)" onClick={onClose}>
          ×
        </button>
      </header>
      {description ? <div className="dialog-description">{description}</div> : null}
      <div className="dialog-body">{children}</div>
    </dialog>
  )
}
