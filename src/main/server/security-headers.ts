/**
 * The renderer needs nothing beyond its own origin: no CDN, no inline script, no frames, no plugins. Inline
 * styles stay allowed because React's `style` props compile to them. Sent on every response, JSON included,
 * so a response opened directly in a tab cannot run anything either.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ')

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
}

/** API answers are per-token data: never cached by the browser or anything in between. */
export const API_CACHE_CONTROL = 'no-store'
