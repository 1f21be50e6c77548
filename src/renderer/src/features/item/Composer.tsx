import { useEffect, useId, useRef, useState, type FormEvent } from 'react'
import type { DraftMode } from '../../../../shared/contract'
import { api } from '../../api/client'
import { formErrors } from '../../components/fields'
import { ELEMENT_IDS, displayKey } from '../../commands/commands'
import { afterItemChange } from '../../state/actions'
import { setComposeMode, showSuccess, useComposeMode } from '../../state/ui'

/**
 * How long typing pauses before the draft is written to the console's database: a crash or a
 * reload loses at most that much typing, and a fast typist costs a write per pause, not per key.
 */
const SAVE_DRAFT_AFTER_MS = 400

type Texts = Record<DraftMode, string>

/**
 * Reply to the customer or add an internal note. Keyed by item: one instance per open item.
 * What is typed is a draft kept in the console's database per item and mode (draft.get /
 * draft.save): restored when the item opens, saved as the agent types, cleared by the core when
 * the reply or note is sent.
 */
export function Composer({ itemId, closed }: { itemId: string; closed: boolean }) {
  const mode = useComposeMode()
  const [texts, setTexts] = useState<Texts>({ reply: '', note: '' })
  /** The modes whose text on screen is in the database (shows "Draft saved"). */
  const [saved, setSaved] = useState<Record<DraftMode, boolean>>({ reply: false, note: false })
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const errorId = useId()
  const text = texts[mode]
  /** Saves not written yet, per mode: what to write. */
  const pending = useRef(new Map<DraftMode, { timer: ReturnType<typeof setTimeout>; body: string }>())
  /** Modes typed in since the item opened: a draft arriving late never overwrites them. */
  const typed = useRef(new Set<DraftMode>())

  const writeDraft = (m: DraftMode, body: string) => {
    api['draft.save']({ itemId, mode: m, body })
      .then(({ saved: kept }) => setSaved((s) => ({ ...s, [m]: kept })))
      // A draft that cannot be kept (the item just left this console) costs nothing sent.
      .catch(() => undefined)
  }
  const cancelSave = (m: DraftMode) => {
    const p = pending.current.get(m)
    if (p) clearTimeout(p.timer)
    pending.current.delete(m)
  }

  useEffect(() => {
    let current = true
    const saves = pending.current
    void Promise.all([api['draft.get']({ itemId, mode: 'reply' }), api['draft.get']({ itemId, mode: 'note' })])
      .then(([reply, note]) => {
        if (!current) return
        const found: Texts = { reply: reply.body, note: note.body }
        setTexts((t) => ({ reply: typed.current.has('reply') ? t.reply : found.reply, note: typed.current.has('note') ? t.note : found.note }))
        setSaved((s) => ({ reply: typed.current.has('reply') ? s.reply : found.reply !== '', note: typed.current.has('note') ? s.note : found.note !== '' }))
      })
      .catch(() => undefined)
    return () => {
      current = false
      // Leaving the item (or the window): what waits is written now, not lost.
      for (const [m, p] of saves) {
        clearTimeout(p.timer)
        writeDraft(m, p.body)
      }
      saves.clear()
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per item: the component is keyed by it
  }, [itemId])

  const update = (value: string) => {
    typed.current.add(mode)
    setTexts((t) => ({ ...t, [mode]: value }))
    setSaved((s) => ({ ...s, [mode]: false }))
    const m = mode
    cancelSave(m)
    pending.current.set(m, {
      body: value,
      timer: setTimeout(() => {
        pending.current.delete(m)
        writeDraft(m, value)
      }, SAVE_DRAFT_AFTER_MS)
    })
  }

  const submit = async (e?: FormEvent) => {
    e?.preventDefault()
    if (busy) return
    setBusy(true)
    setError(null)
    const m = mode
    // The send clears the draft in its own transaction; a save still waiting would write it back.
    cancelSave(m)
    try {
      if (m === 'reply') await api['item.reply']({ itemId, body: text })
      else await api['item.addNote']({ itemId, body: text })
      setTexts((t) => ({ ...t, [m]: '' }))
      setSaved((s) => ({ ...s, [m]: false }))
      showSuccess(mode === 'reply' ? 'Reply sent' : 'Note added')
      await afterItemChange()
    } catch (err) {
      // Nothing was sent: the text on screen stays the draft.
      writeDraft(m, text)
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
          <span className="muted small">
            {saved[mode] && text !== '' ? 'Draft saved · ' : ''}
            {displayKey('Mod+Enter')} to send
          </span>
        )}
        <button type="submit" className="primary" disabled={busy} aria-keyshortcuts="Control+Enter Meta+Enter" title={`${submitLabel} (${displayKey('Mod+Enter')})`}>
          {submitLabel}
        </button>
      </div>
    </form>
  )
}
