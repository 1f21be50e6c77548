import { useState } from 'react'
import type { MessageAttachment } from '../../../../shared/domain/entities'
import { api, errorMessage } from '../../api/client'
import { formatBytes, problemsNotice } from './attachment-format'
import './attachments.css'

/**
 * Under a customer's message: the files that came with it, each with a Save button (the core
 * fetches it from the server and saves it in the workspace folder), or why the server did not
 * keep it; and, when part of the message could not be read, a notice saying what. Everything
 * here came from a customer and is shown as text, never as HTML.
 */
export function MessageAttachments({ attachments, problems }: { attachments: readonly MessageAttachment[]; problems: readonly string[] }) {
  const notice = problemsNotice(problems)
  if (attachments.length === 0 && notice === null) return null
  return (
    <>
      {attachments.length > 0 ? (
        <ul className="attachments" aria-label="Attachments">
          {attachments.map((a) => (
            <AttachmentRow key={a.id} attachment={a} />
          ))}
        </ul>
      ) : null}
      {notice !== null ? (
        <p className="message-problems" role="note">
          {notice}
        </p>
      ) : null}
    </>
  )
}

type SaveState = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved'; path: string } | { kind: 'failed'; message: string }

function AttachmentRow({ attachment: a }: { attachment: MessageAttachment }) {
  const [state, setState] = useState<SaveState>({ kind: 'idle' })
  const save = async () => {
    setState({ kind: 'saving' })
    try {
      const saved = await api['attachments.save']({ attachmentId: a.id })
      setState({ kind: 'saved', path: saved.path })
    } catch (e) {
      setState({ kind: 'failed', message: errorMessage(e) })
    }
  }
  return (
    <li className={`attachment${a.refused !== null ? ' attachment-refused' : ''}`}>
      <span className="attachment-name">{a.name}</span>
      <span className="attachment-meta muted">
        {formatBytes(a.size)} · {a.contentType}
      </span>
      {a.refused !== null ? (
        <span className="attachment-why">Not kept by the server: {a.refused}</span>
      ) : (
        <button type="button" className="attachment-save" aria-label={`Save ${a.name}`} disabled={state.kind === 'saving'} onClick={() => void save()}>
          {state.kind === 'saving' ? 'Saving…' : 'Save'}
        </button>
      )}
      {state.kind === 'saved' ? (
        <span className="attachment-result" role="status">
          Saved to {state.path}
        </span>
      ) : null}
      {state.kind === 'failed' ? (
        <span className="attachment-result attachment-error" role="alert">
          {state.message}
        </span>
      ) : null}
    </li>
  )
}
