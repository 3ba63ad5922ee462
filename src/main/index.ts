import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { app, BrowserWindow, dialog } from 'electron'
import {
  createCore,
  createLogger,
  defaultDataDir,
  resolveElectronNativeBinding,
  type Core,
  type Logger,
} from '#core'
import { installAlertNotifications } from './desktop/alert-notifications'
import { installApiSharingMenu } from './desktop/api-sharing-dialogs'
import { createDesktopHttpToggle, type HttpToggle } from './desktop/http-toggle'
import { registerIpc } from './desktop/ipc'
import { installAppMenu } from './desktop/menu'
import { createSafeStorageSecretStore } from './desktop/secrets'
import { createMainWindow, guardAllWebContents, type AppPage } from './desktop/window'
import { resolveRendererUrl } from './desktop/app-url'

/**
 * The Electron entry: lifecycle only. Everything the app does lives in the core (plain Node); this file gives it
 * a data directory, the OS keychain and a window, and stops it cleanly on quit.
 */

// out/main/index.js → the project (or app) root two levels up, where .electron-native/ sits beside node_modules.
const appRoot = join(__dirname, '..', '..')

const resolvePage = (): AppPage => {
  const { url, dev } = resolveRendererUrl({
    devServerUrl: process.env.ELECTRON_RENDERER_URL,
    isPackaged: app.isPackaged,
    indexFileUrl: pathToFileURL(join(__dirname, '..', 'renderer', 'index.html')).href,
  })
  return {
    url,
    dev,
    preload: join(__dirname, '..', 'preload', 'index.js'),
    icon: join(appRoot, 'resources', 'icon.png'),
  }
}

const ABI_MISMATCH =
  /NODE_MODULE_VERSION|compiled against a different Node\.js version|invalid ELF header/i

const startCore = async (logger: Logger): Promise<Core> => {
  // The same directory as the CLI (`threateye serve`, `threateye token`): $THREATEYE_DATA_DIR, else the OS's
  // per-user data folder. Chromium's own caches stay in Electron's userData.
  const dataDir = defaultDataDir()
  const nativeBinding = resolveElectronNativeBinding({ appRoot, env: process.env })
  if (!nativeBinding) {
    logger.warn('no Electron build of better-sqlite3 found; trying the default one', { appRoot })
  }
  try {
    const core = await createCore({
      dataDir,
      logger,
      secrets: createSafeStorageSecretStore(dataDir),
      ...(nativeBinding ? { nativeBinding } : {}),
    })
    await core.start()
    return core
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    const hint = ABI_MISMATCH.test(message)
      ? '\n\nbetter-sqlite3 is built for Node, not for Electron. Build the Electron copy with:\n\n  npm run rebuild:electron\n\n(it needs internet access to fetch the Electron headers once).'
      : ''
    dialog.showErrorBox(
      'ThreatEye could not open its data',
      `Data directory: ${dataDir}\n\n${message}${hint}`,
    )
    throw error
  }
}

const main = async () => {
  const logger = createLogger({ base: { proc: 'desktop' } })
  await app.whenReady()
  const page = resolvePage()
  guardAllWebContents(page, logger)
  installAppMenu()

  let core: Core
  try {
    core = await startCore(logger)
  } catch (error) {
    logger.error('startup failed', { error })
    app.exit(1)
    return
  }
  const disposeIpc = registerIpc({ core, appUrl: page.url, logger })
  const disposeNotifications = installAlertNotifications(core, logger)
  const http: HttpToggle = createDesktopHttpToggle({
    core,
    logger,
    rendererDir: join(__dirname, '..', 'renderer'),
  })
  await http.watch()
  await installApiSharingMenu({ core, toggle: http, logger })

  const openWindow = () =>
    createMainWindow(page, logger).catch((error: unknown) =>
      logger.error('window failed to load', { error }),
    )
  await openWindow()

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void openWindow()
  })
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })

  // Quit waits for the core: queued writes finish and the WAL is folded back before the process ends.
  let stopping = false
  let stopped = false
  app.on('before-quit', (event) => {
    if (stopped) return
    event.preventDefault()
    if (stopping) return
    stopping = true
    const shutdown = async () => {
      disposeIpc()
      disposeNotifications()
      await http.stop()
      await core.stop()
    }
    void shutdown()
      .catch((error: unknown) => logger.error('shutdown failed', { error }))
      .finally(() => {
        stopped = true
        app.quit()
      })
  })
}

// With an explicit data directory (tests, portable use) Chromium's profile goes inside it too, so two such
// instances neither share a profile nor hold each other's single-instance lock.
const explicitDataDir = process.env.THREATEYE_DATA_DIR?.trim()
if (explicitDataDir) app.setPath('userData', resolve(explicitDataDir, 'electron-profile'))

if (app.requestSingleInstanceLock()) {
  app.on('second-instance', () => {
    const win = BrowserWindow.getAllWindows()[0]
    if (!win) return
    if (win.isMinimized()) win.restore()
    win.focus()
  })
  main().catch((error: unknown) => {
    console.error(error)
    app.exit(1)
  })
} else {
  // Two processes on one SQLite file and one write queue each would interleave writes: the first instance owns it.
  app.quit()
}
