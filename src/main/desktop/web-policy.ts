import { isTrustedAppUrl } from './app-url'

/**
 * What the desktop window may do beyond showing the app. Plain functions so they are tested under Node;
 * src/main/desktop/window.ts binds them to Electron's events.
 */

/** Navigation (will-navigate, will-frame-navigate, will-redirect): only to the app itself. */
export const isNavigationAllowed = (targetUrl: string, appUrl: string): boolean =>
  isTrustedAppUrl(targetUrl, appUrl)

/**
 * Permission requests (camera, notifications, geolocation, …) are refused. The one exception is writing to the
 * clipboard from the app's own page: copying an indicator value is everyday analyst work, and Chromium routes
 * navigator.clipboard.writeText through this handler.
 */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write'])

export const isPermissionAllowed = (
  permission: string,
  requestingUrl: string | undefined,
  appUrl: string,
): boolean => ALLOWED_PERMISSIONS.has(permission) && isTrustedAppUrl(requestingUrl, appUrl)

/**
 * The BrowserWindow's webPreferences, besides the preload path. window.ts writes them out literally where the
 * window is created, so Electronegativity (`npm run lint:electron`) checks what the code really passes;
 * test/integration/desktop/security-policy.test.ts reads that literal back from the source and holds it to
 * exactly these values.
 */
export const HARDENED_WEB_PREFERENCES = {
  contextIsolation: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  sandbox: true,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  experimentalFeatures: false,
  navigateOnDragDrop: false,
  spellcheck: false,
  // A middle click on a link fires auxclick and asks for a new window: the window-open handler denies it, and
  // without the event at all no page script can build on it either.
  disableBlinkFeatures: 'Auxclick',
} as const
