import { extractIocs } from './extract-iocs'
import { htmlToText } from './html-text'

// An e-mail (RFC 5322 with MIME) to the text its indicators are in: the headers that name senders and relays,
// then every text part, decoded. Multipart nesting and forwarded messages are followed to a fixed depth and
// part count, so a hostile message cannot make the reader recurse or loop without end.

const MAX_DEPTH = 8
const MAX_PARTS = 256

/** Headers kept whole: the addresses and domains a phish is sent from or answered to. */
const ADDRESS_HEADERS: ReadonlySet<string> = new Set(['from', 'sender', 'reply-to', 'return-path'])
/** Headers whose IP addresses are kept (the relays' host names are the mail providers', not indicators). */
const IP_HEADERS: ReadonlySet<string> = new Set(['received', 'x-originating-ip', 'x-sender-ip'])

type Header = { name: string; value: string }
type Part = { headers: Header[]; body: string }
type Budget = { parts: number }

/** Bytes as a binary string: one char per byte, so charsets are decoded once the encoding is known. */
const binary = (b: Uint8Array): string => Buffer.from(b).toString('latin1')

const decodeCharset = (bytes: Uint8Array, charset: string | undefined): string => {
  const label = (charset ?? 'utf-8').trim().toLowerCase()
  try {
    return new TextDecoder(label === 'us-ascii' || label === 'ascii' ? 'utf-8' : label).decode(
      bytes,
    )
  } catch {
    // An unknown label: UTF-8 keeps ASCII (where indicators are) intact whatever the real charset.
    return new TextDecoder('utf-8').decode(bytes)
  }
}

const splitPart = (raw: string): Part => {
  const m = /\r?\n\r?\n/.exec(raw)
  const head = m === null ? raw : raw.slice(0, m.index)
  const body = m === null ? '' : raw.slice(m.index + m[0].length)
  const headers: Header[] = []
  for (const line of head.split(/\r?\n/)) {
    const last = headers[headers.length - 1]
    if ((line.startsWith(' ') || line.startsWith('\t')) && last !== undefined) {
      last.value += ` ${line.trim()}`
      continue
    }
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    headers.push({
      name: line.slice(0, colon).trim().toLowerCase(),
      value: line.slice(colon + 1).trim(),
    })
  }
  return { headers, body }
}

const header = (p: Part, name: string): string | undefined =>
  p.headers.find((h) => h.name === name)?.value

const percentDecode = (s: string): string =>
  s.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))

/** `type/subtype; a=b; c="d"` → the lower-cased type and the parameters. */
const parseParams = (value: string | undefined): { type: string; params: Map<string, string> } => {
  const params = new Map<string, string>()
  if (value === undefined) return { type: '', params }
  const parts = value.split(';')
  for (const p of parts.slice(1)) {
    const eq = p.indexOf('=')
    if (eq < 0) continue
    const key = p.slice(0, eq).trim().toLowerCase().replace(/\*$/, '')
    let v = p.slice(eq + 1).trim()
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = v.slice(1, -1)
    // RFC 2231 `name*=utf-8''invoice%20copy.exe`
    const ext = /^([\w-]+)'[^']*'(.*)$/.exec(v)
    if (ext !== null) {
      v = decodeCharset(Buffer.from(percentDecode(ext[2] ?? ''), 'latin1'), ext[1])
    }
    params.set(key, v)
  }
  return { type: (parts[0] ?? '').trim().toLowerCase(), params }
}

const decodeQuotedPrintable = (s: string): Uint8Array =>
  Buffer.from(
    s
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
    'latin1',
  )

const decodeBody = (body: string, encoding: string | undefined): Uint8Array => {
  switch ((encoding ?? '').trim().toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64')
    case 'quoted-printable':
      return decodeQuotedPrintable(body)
    default:
      return Buffer.from(body, 'latin1')
  }
}

/** RFC 2047 encoded words (`=?utf-8?B?...?=`) in a header; the rest of the header is read as UTF-8. */
export const decodeHeader = (raw: string): string => {
  const plain = decodeCharset(Buffer.from(raw, 'latin1'), 'utf-8')
  return plain
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(
      /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g,
      (_, charset: string, enc: string, text: string) => {
        const bytes =
          enc.toUpperCase() === 'B'
            ? Buffer.from(text, 'base64')
            : decodeQuotedPrintable(text.replace(/_/g, ' '))
        return decodeCharset(bytes, charset.replace(/\*.*$/, ''))
      },
    )
}

const headerLines = (p: Part): string[] => {
  const out: string[] = []
  for (const h of p.headers) {
    if (ADDRESS_HEADERS.has(h.name)) {
      out.push(`${h.name}: ${decodeHeader(h.value)}`)
    } else if (IP_HEADERS.has(h.name)) {
      const ips = extractIocs(h.value, { kinds: ['ip', 'ipv6'], urlHosts: false }).items
      if (ips.length > 0) out.push(`${h.name}: ${ips.map((i) => i.value).join(' ')}`)
    } else if (h.name === 'message-id') {
      const at = h.value.lastIndexOf('@')
      if (at >= 0) out.push(`message-id domain: ${h.value.slice(at + 1).replace(/[>\s].*$/, '')}`)
    }
  }
  return out
}

const splitMultipart = (body: string, boundary: string): string[] => {
  const delimiter = `--${boundary}`
  const parts: string[] = []
  let at = body.indexOf(delimiter)
  while (at >= 0) {
    const after = at + delimiter.length
    if (body.startsWith('--', after)) break
    const start = body.indexOf('\n', after)
    if (start < 0) break
    const next = body.indexOf(`\n${delimiter}`, start)
    const end = next < 0 ? body.length : next
    parts.push(
      body.slice(start + 1, end > start + 1 && body.charCodeAt(end - 1) === 13 ? end - 1 : end),
    )
    at = next < 0 ? -1 : next + 1
  }
  return parts
}

const partText = (p: Part, depth: number, budget: Budget, out: string[]): void => {
  if (depth > MAX_DEPTH || budget.parts >= MAX_PARTS) return
  budget.parts++
  const { type, params } = parseParams(header(p, 'content-type'))
  const encoding = header(p, 'content-transfer-encoding')
  if (type.startsWith('multipart/')) {
    const boundary = params.get('boundary')
    if (boundary === undefined || boundary === '') return
    for (const raw of splitMultipart(p.body, boundary)) {
      partText(splitPart(raw), depth + 1, budget, out)
    }
    return
  }
  if (type === 'message/rfc822') {
    const inner = splitPart(binary(decodeBody(p.body, encoding)))
    messageText(inner, depth + 1, budget, out)
    return
  }
  const disposition = parseParams(header(p, 'content-disposition'))
  const fileName = disposition.params.get('filename') ?? params.get('name')
  const isText = type === '' || type === 'text/plain' || type === 'text/html'
  if (!isText || disposition.type === 'attachment') {
    // The attachment's name is an indicator (invoice.pdf.exe); its bytes are not read.
    if (fileName !== undefined) out.push(`attachment: ${decodeHeader(fileName)}`)
    if (!isText) return
  }
  const text = decodeCharset(decodeBody(p.body, encoding), params.get('charset'))
  out.push(type === 'text/html' ? htmlToText(text) : text)
}

const messageText = (p: Part, depth: number, budget: Budget, out: string[]): void => {
  out.push(...headerLines(p))
  partText(p, depth, budget, out)
}

/** The text of an e-mail file: sender and relay headers first, then every text part, decoded. */
export const emlToText = (bytes: Uint8Array): string => {
  const out: string[] = []
  messageText(splitPart(binary(bytes)), 0, { parts: 0 }, out)
  return out.join('\n')
}

/** Does this look like an e-mail: a block of RFC 5322 headers, including one every message has? */
export const looksLikeEml = (head: string): boolean => {
  // An mbox export starts with a "From sender date" line before the headers.
  const block = (head.split(/\r?\n\r?\n/, 1)[0] ?? '').replace(/^From [^\n]*\n/, '')
  const lines = block.split(/\r?\n/).filter((l) => !/^[ \t]/.test(l))
  if (lines.length < 2 || !lines.every((l) => /^[\x21-\x39\x3b-\x7e]+:/.test(l))) return false
  return lines.some((l) => /^(?:from|received|message-id|return-path|mime-version):/i.test(l))
}
