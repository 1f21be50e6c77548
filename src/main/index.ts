/**
 * The Electron shell: one window, locked down; the contract over IPC; the core in a worker.
 * Kept thin on purpose: every decision lives in a small module tested without Electron
 * (security.ts, ipc.ts, events.ts, arrivals.ts, core/worker/host.ts, native.ts).
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { app, BrowserWindow, ipcMain, Notification, safeStorage, session, shell } from 'electron'
import { startCoreWorker, type CoreHost, type CoreWorkerOptions } from '../core/worker/host'
import { safeStorageVault } from './credentials'
import { createArrivals, type DesktopNotice } from './arrivals'
import { forwardCoreEvents, sendToWindow, type ForwardOptions } from './events'
import { registerHandoffIpc } from './ipc'
import { nativeBindingFor } from './native'
import { createOpenExternalSafely, cspHeader, isAppUrl, isTrustedSender } from './security'

const here = import.meta.dirname
const devServerUrl = process.env['ELECTRON_RENDERER_URL']
const rendererFile = join(here, '../renderer/index.html')
/** Where the renderer comes from; every navigation and IPC sender is checked against it. */
const appUrl = devServerUrl ?? pathToFileURL(rendererFile).href

let mainWindow: BrowserWindow | null = null
let core: CoreHost | null = null
let coreClosed = false

const openExternalSafely = createOpenExternalSafely(
  (url) => shell.openExternal(url),
  (error) => console.error('Could not open external link:', error)
)

function startCore(): CoreHost {
  const options: CoreWorkerOptions = {
    file: join(app.getPath('userData'), 'handoff.sqlite'),
    seedDemoIfEmpty: false
  }
  // node_modules holds better-sqlite3 built for Node; Electron needs its own (docs/native-modules.md).
  const nativeBinding = nativeBindingFor(app.getAppPath(), process.versions, process.platform, process.arch)
  if (nativeBinding) {
    if (!existsSync(nativeBinding)) {
      console.error(`Handoff: ${nativeBinding} is missing. Run \`node scripts/electron-native.mjs\` (npm start does it for you).`)
    }
    options.nativeBinding = nativeBinding
  }
  // The sync credential, encrypted with the OS keychain; the vault lives here because safeStorage
  // is a main-process API (the core asks for it across the worker boundary).
  const vault = safeStorageVault(join(app.getPath('userData'), 'sync-credential.bin'), safeStorage)
  return startCoreWorker(join(here, 'core-worker.js'), options, { vault })
}

/** Notifications on screen, kept referenced until closed (one collected early loses its click handler). */
const shownNotices = new Set<Notification>()

/** The Electron side of a desktop notice (arrivals.ts decides whether and what): a click brings the window forward and opens the item. */
function showNotice(notice: DesktopNotice, toWindow: ForwardOptions): void {
  if (!Notification.isSupported()) return
  const notification = new Notification({ title: notice.title, body: notice.body, silent: false })
  shownNotices.add(notification)
  notification.on('click', () => {
    const window = mainWindow
    if (window && !window.isDestroyed()) {
      if (window.isMinimized()) window.restore()
      window.show()
      window.focus()
    }
    sendToWindow({ name: 'ui.openItem', payload: { itemId: notice.itemId } }, toWindow)
  })
  notification.on('close', () => shownNotices.delete(notification))
  notification.show()
}

function lockDownSession(): void {
  const mode = devServerUrl ? 'development' : 'production'
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  session.defaultSession.setPermissionCheckHandler(() => false)
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    const headers = Object.fromEntries(Object.entries(details.responseHeaders ?? {}).filter(([key]) => key.toLowerCase() !== 'content-security-policy'))
    callback({ responseHeaders: { ...headers, 'Content-Security-Policy': [cspHeader(mode)] } })
  })
}

function guardWebContents(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (isAppUrl(url, appUrl)) return
      event.preventDefault()
      openExternalSafely(url)
    })
    contents.on('will-redirect', (event, url) => {
      if (!isAppUrl(url, appUrl)) event.preventDefault()
    })
    contents.on('will-attach-webview', (event) => event.preventDefault())
    contents.setWindowOpenHandler(({ url }) => {
      openExternalSafely(url)
      return { action: 'deny' }
    })
  })
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1360,
    height: 860,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Handoff',
    autoHideMenuBar: true,
    webPreferences: {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      preload: join(here, '../preload/index.cjs')
    }
  })
  window.once('ready-to-show', () => window.show())
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null
  })
  if (devServerUrl) void window.loadURL(devServerUrl)
  else void window.loadFile(rendererFile)
  return window
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.enableSandbox()
  guardWebContents()

  app.on('second-instance', () => {
    if (!mainWindow) return
    if (mainWindow.isMinimized()) mainWindow.restore()
    mainWindow.focus()
  })

  void app.whenReady().then(() => {
    lockDownSession()
    core = startCore()
    const host = core
    const toWindow: ForwardOptions = {
      appUrl,
      target: () => (mainWindow && !mainWindow.isDestroyed() ? mainWindow.webContents : null),
      log: (message, detail) => console.warn(message, detail ?? '')
    }
    const arrivals = createArrivals({
      windowFocused: () => !!mainWindow && !mainWindow.isDestroyed() && mainWindow.isVisible() && !mainWindow.isMinimized() && mainWindow.isFocused(),
      show: (notice) => showNotice(notice, toWindow),
      log: (message, detail) => console.warn(message, detail ?? '')
    })
    registerHandoffIpc(ipcMain, {
      // What the window shows is main's to know (notifications); every other call goes to the core.
      call: (name, args) => (name === 'ui.showingItem' ? Promise.resolve(arrivals.showingItem(args)) : host.call(name, args)),
      isTrustedSender: (frame) =>
        isTrustedSender(frame, {
          appUrl,
          mainFrame: () => (mainWindow && !mainWindow.isDestroyed() ? mainWindow.webContents.mainFrame : null)
        }),
      log: (message, detail) => console.warn(message, detail ?? '')
    })
    // The core's events (outbox, sync status, pulled data, arrived messages) go to the window as
    // they happen; an arrived message may also become a desktop notification.
    forwardCoreEvents(host, toWindow)
    host.onEvent((event) => arrivals.onEvent(event))
    mainWindow = createWindow()
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow()
    })
  })

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })

  // Close the database cleanly (WAL checkpoint) before the process ends.
  app.on('will-quit', (event) => {
    if (!core || coreClosed) return
    event.preventDefault()
    const host = core
    void host.close().finally(() => {
      coreClosed = true
      app.quit()
    })
  })
}
