// First: zod must know it may not use eval before any schema is built (see zod-jitless.ts).
import './zod-jitless'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { readTokenFromLocation } from './api/token'
import { App } from './App'
import './styles/app.css'

// The harness passes its token in the URL hash: take it before anything calls the core.
readTokenFromLocation()

const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root element')
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>
)
