/**
 * Which URLs count as "the app itself". The renderer is either the built file
 * (file://…/out/renderer/index.html) or, in development only, electron-vite's dev server on loopback. Everything
 * that grants trust (IPC sender check, navigation, permissions, the CSP header) asks this one function, so the
 * rules cannot drift between them.
 */

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

const parse = (url: string | undefined | null): URL | null => {
  if (!url) return null
  try {
    return new URL(url)
  } catch {
    return null
  }
}

/**
 * True when `url` is a page of the app loaded from `appUrl`.
 * - file: the very same file (query and hash ignored, no host): a file page's origin is the opaque "null", so
 *   "same origin" would trust every local file, including a downloaded feed export opened by accident.
 * - http(s): the same origin (dev server; the SPA may use any path on it).
 * Anything else (data:, blob:, about:, custom schemes, unparsable strings) is never trusted.
 */
export const isTrustedAppUrl = (url: string | undefined | null, appUrl: string): boolean => {
  const target = parse(url)
  const app = parse(appUrl)
  if (!target || !app) return false
  if (app.protocol === 'file:') {
    return (
      target.protocol === 'file:' &&
      target.host === '' &&
      app.host === '' &&
      target.pathname === app.pathname
    )
  }
  if (app.protocol === 'http:' || app.protocol === 'https:') {
    return target.origin === app.origin
  }
  return false
}

/** Builds the IPC sender check bound to the app URL (see src/main/rpc/ipc-dispatch.ts). */
export const createTrustedSenderCheck =
  (appUrl: string) =>
  (frameUrl: string | undefined): boolean =>
    isTrustedAppUrl(frameUrl, appUrl)

export const isLoopbackHttpUrl = (url: string): boolean => {
  const u = parse(url)
  return (
    !!u && (u.protocol === 'http:' || u.protocol === 'https:') && LOOPBACK_HOSTS.has(u.hostname)
  )
}

/**
 * The URL the window loads. The dev server URL (ELECTRON_RENDERER_URL, set by `electron-vite dev`) is honoured
 * only in an unpackaged app and only on loopback: an environment variable must not be able to point the
 * privileged window (it has the bridge) at remote content.
 */
export const resolveRendererUrl = (opts: {
  devServerUrl: string | undefined
  isPackaged: boolean
  indexFileUrl: string
}): { url: string; dev: boolean } => {
  const dev = opts.devServerUrl
  if (dev && !opts.isPackaged && isLoopbackHttpUrl(dev)) return { url: dev, dev: true }
  return { url: opts.indexFileUrl, dev: false }
}
