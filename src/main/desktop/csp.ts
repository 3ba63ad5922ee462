/**
 * The renderer's Content-Security-Policy. The page shows hostile feed data; if some of it ever reached the DOM
 * as markup, the policy is what stops it from running: no inline script, no eval, nothing fetched from anywhere
 * but the app itself, no plugins, no frames, no <base> tricks, no form posts.
 *
 * Development loosens exactly what Vite's dev server needs (the React refresh preamble is an inline script, CSS
 * arrives as injected <style>, HMR talks over a websocket on the dev origin) and nothing else.
 */
export const buildContentSecurityPolicy = (opts: { devServerUrl?: string } = {}): string => {
  const dev = opts.devServerUrl ? new URL(opts.devServerUrl) : null
  const wsOrigin = dev ? `${dev.protocol === 'https:' ? 'wss:' : 'ws:'}//${dev.host}` : null
  const directives: [string, string[]][] = [
    ['default-src', ["'none'"]],
    ['script-src', dev ? ["'self'", "'unsafe-inline'"] : ["'self'"]],
    // Inline styles cannot run script, and img-src/font-src/connect-src keep CSS from sending data anywhere;
    // React style props and the virtualised lists need them.
    ['style-src', ["'self'", "'unsafe-inline'"]],
    ['img-src', ["'self'", 'data:']],
    ['font-src', ["'self'"]],
    ['connect-src', wsOrigin ? ["'self'", wsOrigin] : ["'self'"]],
    ['worker-src', ["'self'"]],
    ['manifest-src', ["'self'"]],
    ['media-src', ["'none'"]],
    ['object-src', ["'none'"]],
    ['frame-src', ["'none'"]],
    ['child-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
  ]
  return directives.map(([name, values]) => `${name} ${values.join(' ')}`).join('; ')
}

/**
 * Response headers with our CSP in place of whatever the server sent (header names are case-insensitive, so
 * every existing spelling is removed first). Used by the Electron session's onHeadersReceived for app pages.
 */
export const withContentSecurityPolicy = (
  headers: Record<string, string[]> | undefined,
  csp: string,
): Record<string, string[]> => {
  const out: Record<string, string[]> = {}
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') out[name] = value
  }
  out['Content-Security-Policy'] = [csp]
  return out
}
