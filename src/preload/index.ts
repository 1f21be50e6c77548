/**
 * Runs sandboxed, before the renderer, in an isolated world: exposes the contract's named
 * methods as `window.handoff` and its named event subscriptions as `window.handoffEvents`, and
 * nothing else.
 */
import { contextBridge, ipcRenderer } from 'electron'
import { buildPreloadApi } from './api'
import { buildPreloadEvents } from './events'

contextBridge.exposeInMainWorld(
  'handoff',
  buildPreloadApi((channel, args) => ipcRenderer.invoke(channel, args))
)
contextBridge.exposeInMainWorld('handoffEvents', buildPreloadEvents(ipcRenderer))
