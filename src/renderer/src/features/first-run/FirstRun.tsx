import { useState, type FormEvent } from 'react'
import { api } from '../../api/client'
import { Field, FormAlert, formErrors, noErrors, type FormErrors } from '../../components/fields'
import { enterWorkspace } from '../../state/session'
import { ServerSignIn } from '../sync/ServerSignIn'

const FIELDS = ['name', 'email'] as const
type FieldKey = (typeof FIELDS)[number]

/** An empty database: open the demo workspace, start an empty one as yourself, or connect to a server. */
export function FirstRun() {
  const [mode, setMode] = useState<'choose' | 'seeding' | 'empty' | 'server'>('choose')
  const [name, setName] = useState('')
  const [email, setEmail] = useState('')
  const [busy, setBusy] = useState(false)
  const [errors, setErrors] = useState<FormErrors<FieldKey>>(noErrors)

  const seed = async () => {
    setMode('seeding')
    setErrors(noErrors())
    try {
      await enterWorkspace(await api['workspace.seedDemo']({}))
    } catch (e) {
      setErrors(formErrors(e, []))
      setMode('choose')
    }
  }

  const start = async (e: FormEvent) => {
    e.preventDefault()
    if (busy) return
    setBusy(true)
    setErrors(noErrors())
    try {
      await enterWorkspace(await api['workspace.startEmpty']({ name, email }))
    } catch (err) {
      setErrors(formErrors(err, FIELDS))
      setBusy(false)
    }
  }

  return (
    <main className="first-run">
      <div className="first-run-card">
        <h1>Welcome to Handoff</h1>
        <p className="lead">One console for service interactions and support tickets. It works offline; your changes sync when the server is reachable.</p>
        {mode === 'seeding' ? (
          <p role="status" className="progress">
            Preparing the demo workspace…
          </p>
        ) : (
          <>
            <FormAlert message={errors.general} />
            {mode === 'choose' ? (
              <div className="first-run-choices">
                <button type="button" className="primary big" onClick={() => void seed()}>
                  Open the demo workspace
                </button>
                <button type="button" className="big" onClick={() => setMode('empty')}>
                  Start an empty workspace
                </button>
                <button type="button" className="big" onClick={() => setMode('server')}>
                  Connect to a server
                </button>
              </div>
            ) : mode === 'server' ? (
              <div className="first-run-form">
                <p className="muted">Work on your team’s items: sign in with the server address and the credential your administrator gave you.</p>
                <ServerSignIn
                  autoFocus
                  onBack={() => {
                    setErrors(noErrors())
                    setMode('choose')
                  }}
                />
              </div>
            ) : (
              <form className="first-run-form" onSubmit={(e) => void start(e)} noValidate>
                <p className="muted">An empty workspace, with you as its first agent.</p>
                <Field label="Your name" error={errors.fields.name}>
                  <input type="text" value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" autoFocus />
                </Field>
                <Field label="Your email" error={errors.fields.email}>
                  <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="email" />
                </Field>
                <div className="first-run-actions">
                  <button type="submit" className="primary" disabled={busy}>
                    Start
                  </button>
                  <button
                    type="button"
                    onClick={() => {
                      setErrors(noErrors())
                      setMode('choose')
                    }}
                  >
                    Back
                  </button>
                </div>
              </form>
            )}
          </>
        )}
      </div>
    </main>
  )
}
