import { useRef, useState, type FormEvent } from 'react'
import { isUnencryptedRemote, type SyncStatus } from '../../../../shared/contract'
import { HandoffError } from '../../../../shared/contract/errors'
import { Field, FormAlert, formErrors, noErrors, type FormErrors } from '../../components/fields'
import { errorMessage } from '../../api/client'
import { useAgents, useSignedInAgent } from '../../state/session'
import { SYNC_STATE_LABEL, signInToServer, signOutOfServer, useSyncStatus } from '../../state/sync'
import { showError, showSuccess } from '../../state/ui'

const FIELDS = ['serverUrl', 'credential'] as const
type FieldKey = (typeof FIELDS)[number]

/** Which field a refusal belongs to: the address when the server cannot be reached, the credential when refused. */
function signInErrors(e: unknown): FormErrors<FieldKey> {
  if (e instanceof HandoffError && (!e.issues || e.issues.length === 0)) {
    if (e.code === 'unreachable') return { fields: { serverUrl: e.message }, general: null }
    if (e.code === 'unauthorized') return { fields: { credential: e.message }, general: null }
  }
  return formErrors(e, FIELDS)
}

interface ServerSignInProps {
  /** After the core accepted the credential (the session already reloaded). */
  onSignedIn?: (status: SyncStatus) => void
  /** Shows a "Back" button (the first-run screen). */
  onBack?: () => void
  /** The address to start from (e.g. the one this workspace was signed out of). */
  initialUrl?: string
  autoFocus?: boolean
}

/**
 * The server sign-in form: address and credential, errors next to the field they concern. Values
 * stay as typed when sign-in fails; the credential is never autocompleted or shown.
 */
export function ServerSignIn({ onSignedIn, onBack, initialUrl = '', autoFocus = false }: ServerSignInProps) {
  const [serverUrl, setServerUrl] = useState(initialUrl)
  const [credential, setCredential] = useState('')
  const [allowUnencrypted, setAllowUnencrypted] = useState(false)
  // Only asked for a plain http:// address on another computer; https and this computer need no consent.
  const unencrypted = isUnencryptedRemote(serverUrl)
  const [busy, setBusy] = useState(false)
  const [errors, setErrors] = useState<FormErrors<FieldKey>>(noErrors)
  const urlRef = useRef<HTMLInputElement>(null)
  const credentialRef = useRef<HTMLInputElement>(null)

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (busy) return
    setBusy(true)
    setErrors(noErrors())
    try {
      const status = await signInToServer(serverUrl.trim(), credential, unencrypted && allowUnencrypted)
      setCredential('')
      setBusy(false)
      onSignedIn?.(status)
    } catch (err) {
      const next = signInErrors(err)
      setErrors(next)
      setBusy(false)
      // Take the agent to what needs fixing.
      if (next.fields.serverUrl) urlRef.current?.focus()
      else if (next.fields.credential) credentialRef.current?.focus()
    }
  }

  return (
    <form className="server-sign-in" onSubmit={(e) => void submit(e)} noValidate aria-label="Sign in to a server" aria-busy={busy || undefined}>
      <FormAlert message={errors.general} />
      <Field label="Server address" error={errors.fields.serverUrl} hint="For example https://handoff.example.com">
        <input
          ref={urlRef}
          type="url"
          inputMode="url"
          value={serverUrl}
          onChange={(e) => setServerUrl(e.target.value)}
          autoComplete="url"
          spellCheck={false}
          autoFocus={autoFocus}
          data-autofocus={autoFocus || undefined}
        />
      </Field>
      {unencrypted ? (
        <div className="unencrypted-consent" role="group" aria-label="Unencrypted connection">
          <p className="warning" id="unencrypted-warning">
            This address uses plain http:// to another computer. Your credential and every ticket would cross the network unencrypted, readable and changeable by
            anyone on the way. Use https:// unless this is a network you fully trust.
          </p>
          <label>
            <input type="checkbox" checked={allowUnencrypted} onChange={(e) => setAllowUnencrypted(e.target.checked)} aria-describedby="unencrypted-warning" /> Allow an
            unencrypted connection
          </label>
        </div>
      ) : null}
      <Field label="Credential" error={errors.fields.credential} hint="The credential your administrator gave you (hf1.…)">
        <input
          ref={credentialRef}
          type="password"
          value={credential}
          onChange={(e) => setCredential(e.target.value)}
          autoComplete="off"
          spellCheck={false}
        />
      </Field>
      <div className="first-run-actions">
        <button type="submit" className="primary" disabled={busy} aria-disabled={busy || undefined}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {onBack ? (
          <button type="button" onClick={onBack} disabled={busy}>
            Back
          </button>
        ) : null}
      </div>
      {busy ? (
        <p role="status" className="progress">
          Connecting to the server…
        </p>
      ) : null}
    </form>
  )
}

/**
 * The server connection as a whole: while connected, where to and as whom, with "Sign out";
 * otherwise the sign-in form.
 */
export function ServerConnection({ autoFocus = false }: { autoFocus?: boolean }) {
  const status = useSyncStatus()
  const agents = useAgents()
  const me = useSignedInAgent()
  const [busy, setBusy] = useState(false)
  const state = status?.state ?? 'local'
  const connected = state === 'online' || state === 'offline' || state === 'connecting'

  if (connected && status) {
    const name = agents.find((a) => a.id === status.agentId)?.name ?? (me && (me.id === status.agentId || !status.agentId) ? me.name : 'your agent')
    const signOut = async () => {
      setBusy(true)
      try {
        await signOutOfServer()
        showSuccess('Signed out of the server')
      } catch (e) {
        showError(errorMessage(e))
      } finally {
        setBusy(false)
      }
    }
    return (
      <div className="server-connected">
        <p>
          Connected to <strong>{status.serverUrl}</strong> as <strong>{name}</strong>
        </p>
        <p className="muted">
          Status: {SYNC_STATE_LABEL[state]}
          {status.lastError && state !== 'online' ? ` (${status.lastError})` : ''}
        </p>
        <div className="first-run-actions">
          <button type="button" onClick={() => void signOut()} disabled={busy} data-autofocus={autoFocus || undefined}>
            {busy ? 'Signing out…' : 'Sign out'}
          </button>
        </div>
      </div>
    )
  }

  return (
    <>
      {state === 'signed_out' ? (
        <p className="note read-only-note">
          Signed out{status?.serverUrl ? ` of ${status.serverUrl}` : ''}. Your changes are kept on this computer; sign in again to sync them.
        </p>
      ) : (
        <p className="muted">This workspace is on this computer only. Connect it to your team’s server to share work.</p>
      )}
      <ServerSignIn
        autoFocus={autoFocus}
        initialUrl={status?.serverUrl ?? ''}
        onSignedIn={(s) => showSuccess(`Connected to ${s.serverUrl ?? 'the server'}`)}
      />
    </>
  )
}
