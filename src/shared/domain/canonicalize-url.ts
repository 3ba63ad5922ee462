import { canonicalHost } from './host-name'
import { formatIPv6, parseIPv4, parseIPv6 } from './ip-address'
import { Invalid, MAX_VALUE_LENGTH, invalid, isControl, quoteChar } from './parse-result'

// Ports that WHATWG URL drops for its special schemes; a feed writing http://evil.com:80/x means the same
// resource as http://evil.com/x, and dedup must see one value.
const DEFAULT_PORTS: Record<string, string> = {
  http: '80',
  https: '443',
  ws: '80',
  wss: '443',
  ftp: '21',
}

const isSchemeChar = (c: number, first: boolean): boolean =>
  (c >= 97 && c <= 122) ||
  (c >= 65 && c <= 90) ||
  (!first && ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46))

/** Length of an RFC 3986 scheme at the start of s (0 if none, or if no ':' follows it). */
const schemeLength = (s: string): number => {
  let i = 0
  while (i < s.length && i < 64 && isSchemeChar(s.charCodeAt(i), i === 0)) i++
  return i > 0 && s.charCodeAt(i) === 58 ? i : 0
}

/**
 * `http//host/path`, `https///host`: a scheme that lost its ':'. Read as it stands it would be the host
 * `http` with the path `//host/path`, a host nobody wrote; so it is refused, with the fix.
 */
export const MANGLED_SCHEME = /^(h(?:tt|xx)ps?|s?ftps?|wss?|file|tcp|udp)\/{2,}/i

export const mangledSchemeReason = (s: string): string | null => {
  const m = MANGLED_SCHEME.exec(s)
  if (m === null) return null
  const scheme = m[1] ?? ''
  return `it starts with '${m[0]}', a scheme missing its ':'; write '${scheme.toLowerCase()}://'`
}

const allDigitsAndDots = (s: string): boolean => {
  if (s.length === 0) return false
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (!((c >= 48 && c <= 57) || c === 46)) return false
  }
  return true
}

/** A URL host: `[v6]`, dotted IPv4, or a DNS name (one label allowed). */
const canonicalUrlHost = (host: string): string | Invalid => {
  if (host.length === 0) return invalid('it has no host')
  if (host.charCodeAt(0) === 91) {
    if (host.charCodeAt(host.length - 1) !== 93)
      return invalid(`host '${host}' has an unclosed '['`)
    const inner = host.slice(1, -1)
    if (inner.includes('%'))
      return invalid('the IPv6 host has a zone id, which only means something on one machine')
    const g = parseIPv6(inner)
    if (g instanceof Invalid) return invalid(`IPv6 host '${inner}' is not valid: ${g.why}`)
    return `[${formatIPv6(g)}]`
  }
  if (allDigitsAndDots(host)) {
    const trimmed = host.endsWith('.') ? host.slice(0, -1) : host
    const v4 = parseIPv4(trimmed)
    if (v4 instanceof Invalid)
      return invalid(`host '${host}' is not a valid IPv4 address: ${v4.why}`)
    // Leading zeros are refused, so the dotted text that parsed is already canonical.
    return trimmed
  }
  const h = canonicalHost(host, 1)
  if (h instanceof Invalid)
    return invalid(
      `host '${host.length > 60 ? `${host.slice(0, 60)}…` : host}' is not valid: ${h.why}`,
    )
  return h
}

/**
 * Canonical URL: scheme lower-cased (any RFC 3986 scheme), host as a canonical domain or IP, default port
 * dropped, userinfo, path, query and fragment kept byte for byte (paths are case-sensitive). A value
 * without `scheme://` gets `http://` (the caller only does this when the type was explicitly url).
 */
export const canonicalUrl = (input: string): string | Invalid => {
  if (input.length > MAX_VALUE_LENGTH)
    return invalid(`it is longer than ${MAX_VALUE_LENGTH} characters`)
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i)
    if (isControl(c))
      return invalid(`control character ${quoteChar(input[i] ?? '')} at position ${i + 1}`)
  }
  const s = input
  let schemeLen = schemeLength(s)
  if (schemeLen > 0 && !s.startsWith('//', schemeLen + 1)) {
    // `evil.com:8080/x` is host:port, but `mailto:x@y` is an opaque URI we cannot key by host.
    const next = s.charCodeAt(schemeLen + 1)
    const hasDot = s.lastIndexOf('.', schemeLen) >= 0
    if (!hasDot && !(next >= 48 && next <= 57)) {
      return invalid(
        `scheme '${s.slice(0, schemeLen)}:' has no '//' authority; only URLs with a host are supported`,
      )
    }
    schemeLen = 0
  }
  let scheme: string
  let rest: string
  if (schemeLen === 0) {
    const mangled = mangledSchemeReason(s)
    if (mangled !== null) return invalid(mangled)
    scheme = 'http'
    rest = s.startsWith('//') ? s.slice(2) : s
  } else {
    scheme = s.slice(0, schemeLen).toLowerCase()
    rest = s.slice(schemeLen + 3)
  }

  let end = rest.length
  for (let i = 0; i < rest.length; i++) {
    const c = rest.charCodeAt(i)
    if (c === 47 || c === 63 || c === 35) {
      end = i
      break
    }
  }
  const authority = rest.slice(0, end)
  const tail = rest.slice(end)
  const at = authority.lastIndexOf('@')
  const userinfo = at < 0 ? '' : authority.slice(0, at + 1)
  const hostPort = authority.slice(at + 1)

  let host = hostPort
  let portText = ''
  if (hostPort.charCodeAt(0) === 91) {
    const close = hostPort.indexOf(']')
    if (close < 0) return invalid(`host '${hostPort}' has an unclosed '['`)
    host = hostPort.slice(0, close + 1)
    const after = hostPort.slice(close + 1)
    if (after !== '') {
      if (after.charCodeAt(0) !== 58) return invalid(`unexpected '${after}' after the IPv6 host`)
      portText = after.slice(1)
    }
  } else {
    const colon = hostPort.indexOf(':')
    if (colon >= 0) {
      host = hostPort.slice(0, colon)
      portText = hostPort.slice(colon + 1)
    }
  }
  if (host.includes(' ')) return invalid(`host '${host}' contains a space`)
  const canonicalHostText = canonicalUrlHost(host)
  if (canonicalHostText instanceof Invalid) return canonicalHostText

  let port = ''
  if (portText !== '') {
    if (portText.length > 5 || !/^[0-9]+$/.test(portText))
      return invalid(`port '${portText}' is not a number`)
    const n = Number(portText)
    if (n > 65535) return invalid(`port ${n} > 65535`)
    const p = String(n)
    if (DEFAULT_PORTS[scheme] !== p) port = `:${p}`
  }
  return `${scheme}://${userinfo}${canonicalHostText}${port}${tail}`
}

/**
 * Canonical email address: the domain canonicalised (lower-case, IDN → Punycode), the local part kept as
 * written (it is case-sensitive by RFC 5321, even if few servers treat it so).
 */
export const canonicalEmail = (input: string): string | Invalid => {
  const s = /^mailto:/i.test(input) ? input.slice(7) : input
  const at = s.lastIndexOf('@')
  if (at < 0) return invalid(`it has no '@'`)
  const local = s.slice(0, at).trim()
  const domain = s.slice(at + 1).trim()
  if (local.length === 0) return invalid(`the part before '@' is empty`)
  if (local.length > 64)
    return invalid(`the part before '@' is ${local.length} characters long, more than 64`)
  for (let i = 0; i < local.length; i++) {
    const c = local.charCodeAt(i)
    if (isControl(c) || c === 32 || c === 9)
      return invalid(`character ${quoteChar(local[i] ?? '')} is not allowed before '@'`)
  }
  if (domain.length === 0) return invalid(`the part after '@' is empty`)
  const d = canonicalHost(domain, 2)
  if (d instanceof Invalid)
    return invalid(
      `domain '${domain.length > 60 ? `${domain.slice(0, 60)}…` : domain}' is not valid: ${d.why}`,
    )
  return `${local}@${d}`
}
