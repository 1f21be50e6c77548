import { useState } from 'react'
import { errorMessage } from '../../api/client'
import { loadSession, signIn, useAgents, useSessionProblem } from '../../state/session'

/** The core refused the database file (another version, corrupt, locked): say so, nothing else. */
export function DatabaseRefused() {
  const problem = useSessionProblem()
  return (
    <main className="screen-center">
      <div className="screen-card">
        <h1>Handoff cannot open this database</h1>
        <p>{problem}</p>
      </div>
    </main>
  )
}

export function StartupFailed() {
  const problem = useSessionProblem()
  return (
    <main className="screen-center">
      <div className="screen-card">
        <h1>Handoff could not start</h1>
        <p role="alert">{problem}</p>
        <button type="button" onClick={() => void loadSession()}>
          Try again
        </button>
      </div>
    </main>
  )
}

export function Loading() {
  return (
    <main className="screen-center" aria-busy="true">
      <p className="muted">Opening Handoff…</p>
    </main>
  )
}

/** A workspace with agents but nobody signed in on this computer: pick who you are. */
export function ChooseAgent() {
  const agents = useAgents()
  const [error, setError] = useState<string | null>(null)
  return (
    <main className="screen-center">
      <div className="screen-card">
        <h1>Who is working?</h1>
        {error ? <p role="alert">{error}</p> : null}
        <ul className="agent-choices">
          {agents.map((a) => (
            <li key={a.id}>
              <button type="button" onClick={() => signIn(a.id).catch((e: unknown) => setError(errorMessage(e)))}>
                {a.name} <span className="muted">{a.email}</span>
              </button>
            </li>
          ))}
        </ul>
      </div>
    </main>
  )
}
