/**
 * Runs sandboxed, before the renderer, in an isolated world: exposes the contract's named
 * methods as `window.handoff` and nothing else.
 */
import { contextBridge, ipcRenderer } from 'electron'
import { buildPreloadApi } from './api'

contextBridge.exposeInMainWorld(
  'handoff',
  buildPreloadApi((channel, args) => ipcRenderer.invoke(channel, args))
)
