import { useState, type FormEvent } from 'react'
import type { Item } from '../../../../shared/domain/entities'
import { QUEUE_LABEL, handoffTarget, isHandoffRefusal, queuesOfAgent, tierOfQueue, type HandoffAction } from '../../../../shared/domain/escalation'
import { CATEGORY_LABEL, SUPPORT_CATEGORIES, isCategoryOf, type SupportCategory } from '../../../../shared/domain/vocabulary'
import { HandoffError, api } from '../../api/client'
import { Dialog } from '../../components/Dialog'
import { Field, SelectField, FormAlert, formErrors, noErrors, type FormErrors } from '../../components/fields'
import { afterItemChange } from '../../state/actions'
import { useItemStore } from '../../state/item'
import { useAgents } from '../../state/session'
import { useSettings } from '../../state/settings'
import { closeDialog, showSuccess } from '../../state/ui'

const FIELDS = ['reasonCode', 'reasonText', 'summary', 'assigneeId', 'category'] as const
type FieldKey = (typeof FIELDS)[number]

/** The dialog's title (and the item pane's button): "Escalate to tier 2" names the tier. */
export function handoffTitle(action: HandoffAction, item: Pick<Item, 'queue'>): string {
  switch (action) {
    case 'escalateToSupport':
      return 'Escalate to support'
    case 'escalateTier':
      return `Escalate to tier ${(tierOfQueue(item.queue) ?? 0) + 1}`
    case 'handBack':
      return 'Hand back to service'
    case 'deescalate':
      return 'De-escalate'
  }
}

/** The submit button: the act itself. */
function submitLabel(action: HandoffAction, item: Pick<Item, 'queue'>): string {
  return action === 'handBack' ? 'Hand back' : handoffTitle(action, item)
}

const SUCCESS: Record<HandoffAction, string> = {
  escalateToSupport: 'Escalated',
  escalateTier: 'Escalated',
  handBack: 'Handed back',
  deescalate: 'De-escalated'
}

/**
 * One dialog for the four handoffs: a reason from the workspace's list, a summary for whoever
 * picks the item up, and optionally who that is. The queue and tier the agent saw go with the
 * request, so a move made meanwhile by someone else is refused (and said so here) rather than
 * applied on top of it.
 */
export function HandoffDialog({ action, itemId }: { action: HandoffAction; itemId: string }) {
  const detail = useItemStore((s) => (s.detail?.item.id === itemId ? s.detail : null))
  // The item as the agent saw it when the dialog opened: what the move is checked against.
  const [seen] = useState(() => (detail ? { queue: detail.item.queue, tier: detail.item.tier, status: detail.item.status, kind: detail.item.kind, category: detail.item.category } : null))
  const settings = useSettings()
  const agents = useAgents()
  const [reasonCode, setReasonCode] = useState('')
  const [reasonText, setReasonText] = useState('')
  const [summary, setSummary] = useState('')
  const [assigneeId, setAssigneeId] = useState('')
  const [category, setCategory] = useState<SupportCategory>(() =>
    seen && isCategoryOf('support', seen.category) ? (seen.category as SupportCategory) : 'troubleshooting'
  )
  const [busy, setBusy] = useState(false)
  const [errors, setErrors] = useState<FormErrors<FieldKey>>(noErrors)

  if (!seen) {
    return (
      <Dialog title="Handoff" onClose={closeDialog}>
        <p role="alert">Open the item first.</p>
      </Dialog>
    )
  }
  const title = handoffTitle(action, seen)
  const target = handoffTarget(seen, action)
  const toQueue = isHandoffRefusal(target) ? null : target.queue
  const receivers = toQueue ? agents.filter((a) => queuesOfAgent(a).includes(toQueue)) : []

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (busy) return
    const fields: FormErrors<FieldKey>['fields'] = {}
    if (!reasonCode) fields.reasonCode = 'Choose a reason.'
    if (reasonCode === 'other' && reasonText.trim() === '') fields.reasonText = 'Say why in a few words when the reason is “Other”.'
    if (summary.trim() === '') fields.summary = 'Write a short summary so nobody asks the customer again.'
    if (Object.keys(fields).length > 0) {
      setErrors({ fields, general: null })
      return
    }
    setBusy(true)
    setErrors(noErrors())
    const args = {
      itemId,
      reasonCode,
      ...(reasonText.trim() ? { reasonText: reasonText.trim() } : {}),
      summary: summary.trim(),
      assigneeId: assigneeId || null,
      expectedQueue: seen.queue,
      expectedTier: seen.tier
    }
    try {
      switch (action) {
        case 'escalateToSupport':
          await api['item.escalateToSupport']({ ...args, category })
          break
        case 'escalateTier':
          await api['item.escalateTier'](args)
          break
        case 'handBack':
          await api['item.handBack'](args)
          break
        case 'deescalate':
          await api['item.deescalate'](args)
          break
      }
      closeDialog()
      showSuccess(toQueue ? `${SUCCESS[action]} to ${QUEUE_LABEL[toQueue]}` : SUCCESS[action])
      await afterItemChange()
    } catch (err) {
      setErrors(formErrors(err, FIELDS))
      setBusy(false)
      // A refusal may mean someone moved the item meanwhile: show where it is now behind the
      // dialog (which keeps what the agent typed, and the position they acted on).
      if (err instanceof HandoffError && err.rejection === 'conflict') void afterItemChange()
    }
  }

  return (
    <Dialog
      title={title}
      onClose={closeDialog}
      className="handoff-dialog"
      description={
        toQueue ? (
          <p>
            From {QUEUE_LABEL[seen.queue]} to {QUEUE_LABEL[toQueue]}
          </p>
        ) : null
      }
    >
      <form onSubmit={(e) => void submit(e)} noValidate>
        <FormAlert message={errors.general ?? (isHandoffRefusal(target) ? target.message : null)} />
        <div className="field-grid two">
          <Field label="Reason" error={errors.fields.reasonCode}>
            <select value={reasonCode} onChange={(e) => setReasonCode(e.target.value)}>
              <option value="">Choose a reason…</option>
              {settings.escalationReasons.map((r) => (
                <option key={r.code} value={r.code}>
                  {r.label}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Reason details" error={errors.fields.reasonText} hint={reasonCode === 'other' ? 'Required when the reason is Other' : 'Optional'}>
            <input type="text" value={reasonText} required={reasonCode === 'other'} onChange={(e) => setReasonText(e.target.value)} />
          </Field>
        </div>
        <Field label="Handoff summary" error={errors.fields.summary} hint="What the next person needs to know: what the customer wants, what was tried">
          <textarea rows={5} value={summary} onChange={(e) => setSummary(e.target.value)} />
        </Field>
        <div className="field-grid two">
          <Field label="Assign to" error={errors.fields.assigneeId}>
            <select value={assigneeId} onChange={(e) => setAssigneeId(e.target.value)}>
              <option value="">Nobody — leave in the queue</option>
              {receivers.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          </Field>
          {action === 'escalateToSupport' ? (
            <SelectField label="Support category" error={errors.fields.category} value={category} options={SUPPORT_CATEGORIES} labels={CATEGORY_LABEL} onChange={setCategory} />
          ) : null}
        </div>
        <div className="dialog-actions">
          <span className="spacer" />
          <button type="button" onClick={closeDialog}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {submitLabel(action, seen)}
          </button>
        </div>
      </form>
    </Dialog>
  )
}
