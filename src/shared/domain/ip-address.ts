import { Invalid, invalid, quoteChar } from './parse-result'

// Hand-written scanners instead of regexes: they run once per row of a million-row import, give precise
// reasons, and cannot backtrack on hostile input.

const show = (s: string): string => (s.length > 40 ? `${s.slice(0, 40)}…` : s)

/** Parse a dotted-quad IPv4 address in s[from, to) to an unsigned 32-bit number. */
export const parseIPv4 = (s: string, from = 0, to = s.length): number | Invalid => {
  let value = 0
  let octets = 0
  let i = from
  for (;;) {
    const start = i
    let n = 0
    while (i < to) {
      const c = s.charCodeAt(i)
      if (c < 48 || c > 57) break
      if (n <= 255) n = n * 10 + c - 48
      i++
    }
    const len = i - start
    if (len === 0) {
      if (i >= to) return invalid(octets === 0 ? 'it is empty' : `it ends with '.'`)
      if (s.charCodeAt(i) === 46) return invalid('it has an empty octet')
      return invalid(`character ${quoteChar(s[i] ?? '')} is not allowed`)
    }
    if (len > 1 && s.charCodeAt(start) === 48) {
      // 010 is 8 to inet_aton and 10 to most parsers: refuse rather than guess which one a feed meant.
      return invalid(
        `octet '${show(s.slice(start, i))}' has a leading zero (octal or decimal is ambiguous)`,
      )
    }
    if (n > 255) return invalid(`octet ${show(s.slice(start, i))} > 255`)
    value = value * 256 + n
    octets++
    if (i >= to) break
    if (s.charCodeAt(i) !== 46) return invalid(`character ${quoteChar(s[i] ?? '')} is not allowed`)
    if (octets === 4) return invalid('it has more than 4 octets')
    i++
  }
  if (octets !== 4) return invalid(`expected 4 octets, got ${octets}`)
  return value
}

export const formatIPv4 = (n: number): string =>
  `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`

const hexValue = (c: number): number => {
  if (c >= 48 && c <= 57) return c - 48
  if (c >= 97 && c <= 102) return c - 87
  if (c >= 65 && c <= 70) return c - 55
  return -1
}

/** Parse an IPv6 address in s[from, to) (no brackets, no zone) to 8 16-bit groups. */
export const parseIPv6 = (s: string, from = 0, to = s.length): number[] | Invalid => {
  if (to - from < 2) return invalid('it is too short')
  const head: number[] = []
  const tail: number[] = []
  let groups = head
  let compressed = false
  let i = from
  if (s.charCodeAt(i) === 58) {
    if (s.charCodeAt(i + 1) !== 58) return invalid(`it starts with a single ':'`)
    compressed = true
    groups = tail
    i += 2
    if (i === to) return [0, 0, 0, 0, 0, 0, 0, 0]
  }
  for (;;) {
    const start = i
    let n = 0
    let sawDot = false
    while (i < to) {
      const c = s.charCodeAt(i)
      const h = hexValue(c)
      if (h < 0) {
        if (c === 46) sawDot = true
        break
      }
      n = n * 16 + h
      i++
      if (i - start > 4) break
    }
    if (sawDot) {
      // An embedded IPv4 address takes the last 32 bits.
      let end = start
      while (end < to && s.charCodeAt(end) !== 58) end++
      if (end !== to) return invalid('an embedded IPv4 address must come last')
      const v4 = parseIPv4(s, start, to)
      if (v4 instanceof Invalid)
        return invalid(`embedded IPv4 '${show(s.slice(start, to))}': ${v4.why}`)
      groups.push(Math.floor(v4 / 65536), v4 & 0xffff)
      break
    }
    const len = i - start
    if (len > 4)
      return invalid(
        `group '${show(s.slice(start, Math.min(to, start + 8)))}' has more than 4 hex digits`,
      )
    if (len === 0) {
      if (i >= to) return invalid(`it ends with a single ':'`)
      return invalid(`character ${quoteChar(s[i] ?? '')} is not allowed`)
    }
    groups.push(n)
    if (i >= to) break
    if (s.charCodeAt(i) !== 58) return invalid(`character ${quoteChar(s[i] ?? '')} is not allowed`)
    i++
    if (i < to && s.charCodeAt(i) === 58) {
      if (compressed) return invalid(`'::' appears more than once`)
      compressed = true
      groups = tail
      i++
      if (i >= to) break
    } else if (i >= to) {
      return invalid(`it ends with a single ':'`)
    }
    if (head.length + tail.length > 8) break
  }
  const count = head.length + tail.length
  if (compressed) {
    if (count > 7) return invalid(`it has ${count} groups and '::', which leaves no room`)
    const out = head.slice()
    for (let k = count; k < 8; k++) out.push(0)
    for (const g of tail) out.push(g)
    return out
  }
  if (count !== 8) return invalid(`expected 8 groups, got ${count}`)
  return head
}

const isIPv4Mapped = (g: readonly number[]): boolean =>
  g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff

/**
 * RFC 5952 text: lower-case hex without leading zeros, the longest run (first on a tie) of two or more
 * zero groups compressed to '::', and IPv4-mapped addresses in their mixed `::ffff:1.2.3.4` form (§5).
 */
export const formatIPv6 = (g: readonly number[]): string => {
  if (isIPv4Mapped(g)) {
    return `::ffff:${formatIPv4(((g[6] ?? 0) * 65536 + (g[7] ?? 0)) >>> 0)}`
  }
  let bestStart = -1
  let bestLen = 1
  for (let k = 0; k < 8;) {
    if (g[k] !== 0) {
      k++
      continue
    }
    let e = k
    while (e < 8 && g[e] === 0) e++
    if (e - k > bestLen) {
      bestStart = k
      bestLen = e - k
    }
    k = e
  }
  let out = ''
  for (let k = 0; k < 8; k++) {
    if (k === bestStart) {
      out += '::'
      k += bestLen - 1
      continue
    }
    if (out !== '' && !out.endsWith(':')) out += ':'
    out += (g[k] ?? 0).toString(16)
  }
  return out
}

/** Zero the bits past `prefix`, in place. */
export const maskIPv6 = (g: number[], prefix: number): number[] => {
  for (let k = 0; k < 8; k++) {
    const keep = Math.max(0, Math.min(16, prefix - k * 16))
    const mask = keep === 0 ? 0 : (0xffff << (16 - keep)) & 0xffff
    g[k] = (g[k] ?? 0) & mask
  }
  return g
}

export const maskIPv4 = (n: number, prefix: number): number =>
  prefix === 0 ? 0 : (n & (0xffffffff << (32 - prefix))) >>> 0

export type HostPort = { host: string; port: number | null }

const parsePort = (s: string, from: number): number | null => {
  const len = s.length - from
  if (len < 1 || len > 5) return null
  let n = 0
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 48 || c > 57) return null
    n = n * 10 + c - 48
  }
  return n <= 65535 ? n : null
}

/**
 * Split `host:port`, `[v6]:port` or a bare host. A bare IPv6 address (several colons, no brackets) has no
 * port. When the part after the colon is not a port (0-65535), the whole text is the host.
 */
export const splitHostPort = (raw: string): HostPort => {
  const s = raw.trim()
  if (s.startsWith('[')) {
    const close = s.indexOf(']')
    if (close > 0) {
      const host = s.slice(1, close)
      if (close === s.length - 1) return { host, port: null }
      if (s.charCodeAt(close + 1) === 58) {
        const port = parsePort(s, close + 2)
        if (port !== null) return { host, port }
      }
    }
    return { host: s, port: null }
  }
  const colon = s.lastIndexOf(':')
  if (colon < 0 || s.indexOf(':') !== colon) return { host: s, port: null }
  const port = parsePort(s, colon + 1)
  return port === null ? { host: s, port: null } : { host: s.slice(0, colon), port }
}
