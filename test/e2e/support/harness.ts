import { mkdirSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import type { Core } from '#core/create-core'
import { openCore } from '../../support/test-core'
import { loadOrCreateToken } from '#server/api-token'
import { createHttpServer } from '#server/server'
import { createLogger } from '#core/platform/logger'
import { createIpcDispatch } from '#desktop/ipc-dispatch'
import { createPickedFileRegistry } from '#desktop/picked-files'
import { startStaticServer } from './static-server'

export const RENDERER_DIR = resolve(__dirname, '../../../out/renderer')
export const SHOTS_DIR = resolve(__dirname, '../../.tmp/shots')

export type HarnessKind = 'http' | 'ipc'

export type Harness = {
  kind: HarnessKind
  core: Core
  context: BrowserContext
  page: Page
  /** The origin the page is served from. */
  baseUrl: string
  /** Uncaught page errors and console errors (CSP violations land here too). */
  problems: string[]
  /** Loads the app and waits until it shows its first page of indicators. */
  open(): Promise<void>
  screenshot(name: string): Promise<string>
  /**
   * What the user chooses in the next file dialog the desktop's main process shows (null: cancel). The IPC
   * harness only: a browser has no such dialog.
   */
  willPick(path: string | null): void
  /** The folder the user chooses in the next folder dialog (warninglists); the IPC harness only. */
  willPickFolder(path: string | null): void
  close(): Promise<void>
}

export type HarnessOptions = {
  /** Runs on the core before the page opens (e.g. seeding 100k rows through the bulk path). */
  seed?: (core: Core) => Promise<void>
}

export type StartHarness = (browser: Browser, opts?: HarnessOptions) => Promise<Harness>

const VIEWPORT = { width: 1280, height: 800 }
/** The IPC harness's one page, as the main process would know its window (a webContents id). */
const PAGE_WINDOW = 1

const newCore = async (): Promise<{ core: Core; dataDir: string }> => {
  const { core, dir } = await openCore({ logger: createLogger({ level: 'warn' }), start: true })
  return { core, dataDir: dir }
}

const watchProblems = (page: Page): string[] => {
  const problems: string[] = []
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`)
  })
  return problems
}

const waitForApp = async (page: Page): Promise<void> => {
  await page.locator('[data-testid="indicators-view"][data-state="ready"]').waitFor()
}

/** Where a screenshot goes: test/.tmp/shots/<harness>-<name>.png (git-ignored). */
export const shotPath = (kind: HarnessKind, name: string): string => {
  mkdirSync(SHOTS_DIR, { recursive: true })
  return join(SHOTS_DIR, `${kind}-${name}.png`)
}

const shooter = (page: Page, kind: HarnessKind) => async (name: string) => {
  const path = shotPath(kind, name)
  await page.screenshot({ path })
  return path
}

/** (a) Headless mode: the real fastify server serves the renderer and the API; the page talks HTTP + SSE. */
export const startHttpHarness: StartHarness = async (browser, opts = {}) => {
  const { core, dataDir } = await newCore()
  await opts.seed?.(core)
  const token = loadOrCreateToken(dataDir)
  const server = createHttpServer({
    core,
    token,
    host: '127.0.0.1',
    port: 0,
    rendererDir: RENDERER_DIR,
    logger: createLogger({ level: 'warn' }),
  })
  const baseUrl = await server.listen()
  core.setHttpUrl(baseUrl)
  const context = await browser.newContext({ viewport: VIEWPORT })
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl })
  const page = await context.newPage()
  const problems = watchProblems(page)
  return {
    kind: 'http',
    core,
    context,
    page,
    baseUrl,
    problems,
    open: async () => {
      await page.goto(`${baseUrl}/#token=${token}`)
      await waitForApp(page)
    },
    screenshot: shooter(page, 'http'),
    willPick: () => {
      throw new Error('the browser build has no main-process file dialog')
    },
    willPickFolder: () => {
      throw new Error('the browser build has no main-process folder dialog')
    },
    close: async () => {
      await context.close()
      await server.close()
      await core.stop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/**
 * (b) The desktop renderer without Electron: the built files from a plain static server, `window.bridge`
 * injected with the preload's exact shape, calls answered by the main process's IPC dispatch over a real
 * core, and core events pushed into the page as the preload would forward them.
 */
export const startIpcHarness: StartHarness = async (browser, opts = {}) => {
  const { core, dataDir } = await newCore()
  await opts.seed?.(core)
  const server = await startStaticServer(RENDERER_DIR)
  // The main process's open dialog, answered by the test (willPick); the picked-file registry is the real one.
  const picks: (string | null)[] = []
  const folderPicks: (string | null)[] = []
  const ipcDispatch = createIpcDispatch({
    dispatch: core.dispatch,
    isTrustedSender: (frameUrl) => frameUrl?.startsWith(`${server.url}/`) === true,
    files: createPickedFileRegistry({
      choosePath: async () => picks.shift() ?? null,
      chooseFolder: async () => folderPicks.shift() ?? null,
    }),
  })
  const context = await browser.newContext({ viewport: VIEWPORT })
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url })
  const page = await context.newPage()
  const problems = watchProblems(page)
  await page.exposeBinding('__threateyeInvoke', (source, method: unknown, input: unknown) =>
    ipcDispatch(source.frame.url(), method, input, PAGE_WINDOW),
  )
  await page.addInitScript({ content: BRIDGE_INIT_SCRIPT })
  const offEvents = core.events.onAny((name, payload) => {
    // Like the preload: events reach whatever page is loaded; a page mid-navigation simply misses them.
    page.evaluate(emitScript(name, payload)).catch(() => {})
  })
  return {
    kind: 'ipc',
    core,
    context,
    page,
    baseUrl: server.url,
    problems,
    open: async () => {
      await page.goto(`${server.url}/index.html`)
      await waitForApp(page)
    },
    screenshot: shooter(page, 'ipc'),
    willPick: (path) => {
      picks.push(path)
    },
    willPickFolder: (path) => {
      folderPicks.push(path)
    },
    close: async () => {
      offEvents()
      await context.close()
      await server.close()
      await core.stop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/**
 * Runs in the page before any of its scripts. A string, not a function: Playwright serialises functions with
 * their transpiled source, and test-runner helpers in that source would not exist in the page. The object
 * it installs has exactly the preload's `Bridge` shape: `invoke(method, input)` and `on(event, cb) -> off`.
 */
const BRIDGE_INIT_SCRIPT = `(() => {
  const listeners = new Map()
  const invoke = window.__threateyeInvoke
  window.__threateyeEmit = (name, payload) => {
    for (const l of [...(listeners.get(name) || [])]) {
      try {
        l(payload)
      } catch (error) {
        console.error('bridge listener for ' + name + ' failed', error)
      }
    }
  }
  const bridge = {
    invoke: (method, input) => invoke(method, input),
    on: (event, listener) => {
      if (typeof event !== 'string' || typeof listener !== 'function') {
        throw new TypeError('bridge.on(event, listener) needs an event name and a function')
      }
      let set = listeners.get(event)
      if (!set) {
        set = new Set()
        listeners.set(event, set)
      }
      set.add(listener)
      return () => { set.delete(listener) }
    },
  }
  window.bridge = Object.freeze(bridge)
})()`

const emitScript = (name: string, payload: unknown): string =>
  `window.__threateyeEmit && window.__threateyeEmit(${JSON.stringify(name)}, ${JSON.stringify(payload ?? null)})`
