import { useId, useState, type FormEvent } from 'react'
import { api } from '../../api/client'
import { formErrors } from '../../components/fields'
import { ELEMENT_IDS, displayKey } from '../../commands/commands'
import { afterItemChange } from '../../state/actions'
import { setComposeMode, showSuccess, useComposeMode } from '../../state/ui'

/** Unsent text per item, so switching items does not throw a draft away. */
const drafts = new Map<string, string>()

/** Reply to the customer or add an internal note. Keyed by item: one instance per open item. */
export function Composer({ itemId, closed }: { itemId: string; closed: boolean }) {
  const mode = useComposeMode()
  const [text, setText] = useState(() => drafts.get(itemId) ?? '')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const errorId = useId()

  const update = (value: string) => {
    setText(value)
    if (value) drafts.set(itemId, value)
    else drafts.delete(itemId)
  }

  const submit = async (e?: FormEvent) => {
    e?.preventDefault()
    if (busy) return
    setBusy(true)
    setError(null)
    try {
      if (mode === 'reply') await api['item.reply']({ itemId, body: text })
      else await api['item.addNote']({ itemId, body: text })
      update('')
      showSuccess(mode === 'reply' ? 'Reply sent' : 'Note added')
      await afterItemChange()
    } catch (err) {
      const { fields, general } = formErrors(err, ['body'])
      setError([fields.body, general].filter(Boolean).join(' '))
    } finally {
      setBusy(false)
    }
  }

  const submitLabel = mode === 'reply' ? 'Send reply' : 'Add note'
  return (
    <form id={ELEMENT_IDS.composerForm} className={`composer composer-${mode}`} onSubmit={(e) => void submit(e)}>
      <div role="radiogroup" aria-label="Compose as" className="compose-as">
        <label className={mode === 'reply' ? 'seg active' : 'seg'} title="Reply (R)">
          <input type="radio" name={`compose-${itemId}`} value="reply" checked={mode === 'reply'} onChange={() => setComposeMode('reply')} />
          Reply
        </label>
        <label className={mode === 'note' ? 'seg active' : 'seg'} title="Internal note (N)">
          <input type="radio" name={`compose-${itemId}`} value="note" checked={mode === 'note'} onChange={() => setComposeMode('note')} />
          Internal note
        </label>
        {mode === 'reply' && closed ? <span className="compose-hint">This item is closed.</span> : null}
      </div>
      <textarea
        id={ELEMENT_IDS.composer}
        aria-label="Message"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        rows={4}
        placeholder={mode === 'reply' ? 'Write a reply to the customer…' : 'Write an internal note (only agents see it)…'}
        value={text}
        onChange={(e) => update(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault()
            void submit()
          }
        }}
      />
      <div className="composer-foot">
        {error ? (
          <p role="alert" id={errorId} className="field-error">
            {error}
          </p>
        ) : (
          <span className="muted small">{displayKey('Mod+Enter')} to send</span>
        )}
        <button type="submit" className="primary" disabled={busy} aria-keyshortcuts="Control+Enter Meta+Enter" title={`${submitLabel} (${displayKey('Mod+Enter')})`}>
          {submitLabel}
        </button>
      </div>
    </form>
  )
}
