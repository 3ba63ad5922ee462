import { FeedFetchError, sanitiseSnippet } from './fetch-error'
import type { FetchExpect } from './fetch-types'

/** How much decompressed body the sniffer looks at: enough to reach a login page's <title>. */
export const SNIFF_BYTES = 8 * 1024

export type MediaType = { type: string; params: Record<string, string> }

export const parseMediaType = (value: string | undefined): MediaType | undefined => {
  if (!value) return undefined
  const [type, ...rest] = value.split(';')
  const params: Record<string, string> = {}
  for (const p of rest) {
    const eq = p.indexOf('=')
    if (eq < 0) continue
    params[p.slice(0, eq).trim().toLowerCase()] = p
      .slice(eq + 1)
      .trim()
      .replace(/^"|"$/g, '')
  }
  return { type: (type ?? '').trim().toLowerCase(), params }
}

const decoder = new TextDecoder('utf-8', { fatal: false })

/** The head as text without BOM, leading whitespace, XML prolog or HTML comments. */
const LEADING_NOISE = /^(?:<\?xml[^>]{0,200}\?>|<!--[\s\S]{0,2000}?-->)/i

// A loop, not one `(\s|…)+` regex: a body of 8 KiB of whitespace made that pattern overflow V8's regex stack
// (a hostile feed could crash the fetch with it).
const leadingText = (head: Uint8Array): string => {
  let text = decoder
    .decode(head)
    .replace(/^\uFEFF/, '')
    .trimStart()
  for (let m = LEADING_NOISE.exec(text); m; m = LEADING_NOISE.exec(text)) {
    text = text.slice(m[0].length).trimStart()
  }
  return text
}

const HTML_START = /^<(!doctype\s+html|html|head|body|title|meta|script|style|link)\b/i
const PASSWORD_FORM = /<form\b[\s\S]*type\s*=\s*["']?password/i
const LOGIN_WORDS =
  /log\s*-?in|sign\s*-?in|captive|portal|hotspot|wi-?fi|authenticat|password|access denied/i

const looksLikeHtmlDocument = (text: string): boolean =>
  HTML_START.test(text) || PASSWORD_FORM.test(text)

const pageTitle = (text: string): string | undefined => {
  const m = /<title[^>]*>([\s\S]{0,2000}?)<\/title>/i.exec(text)
  const title = m?.[1]?.trim()
  return title ? sanitiseSnippet(title, 80) : undefined
}

const looksLikeJson = (text: string): boolean => text.startsWith('{') || text.startsWith('[')

const MAGIC: readonly [string, readonly number[]][] = [
  ['a PNG image', [0x89, 0x50, 0x4e, 0x47]],
  ['a JPEG image', [0xff, 0xd8, 0xff]],
  ['a GIF image', [0x47, 0x49, 0x46, 0x38]],
  ['a PDF document', [0x25, 0x50, 0x44, 0x46]],
  ['a ZIP archive', [0x50, 0x4b, 0x03, 0x04]],
  ['a gzip archive', [0x1f, 0x8b]],
  ['UTF-16 text', [0xff, 0xfe]],
  ['UTF-16 text', [0xfe, 0xff]],
]

const describeMagic = (head: Uint8Array): string => {
  const hit = MAGIC.find(([, bytes]) => bytes.every((b, i) => head[i] === b))
  return hit ? `; it looks like ${hit[0]}` : ''
}

const XML_START = /^<(?:\?xml\b|[A-Za-z_][\w:.-]*[\s>/])/

/**
 * What a body that holds no format we read seems to be, from its first bytes: "an HTML page titled …",
 * "XML", "binary data (PNG image)"; undefined when it may be feed data. So an import refuses it with a
 * reason instead of pulling hosts out of markup or bytes.
 */
const looksBinary = (head: Uint8Array): boolean => {
  let nul = 0
  for (let i = 0; i < head.length; i++) if (head[i] === 0) nul++
  const share = head.length === 0 ? 0 : nul / head.length
  return share > 0.1 || (nul >= 8 && share > 0.01)
}

export const describeNonFeed = (bytes: Uint8Array): string | undefined => {
  const head = bytes.subarray(0, SNIFF_BYTES)
  const magic = MAGIC.find(([, sig]) => sig.every((b, i) => head[i] === b))
  if (magic !== undefined && magic[0] !== 'UTF-16 text')
    return `binary data (${magic[0].replace(/^an? /, '')})`
  // A stray NUL in a text list rejects its own line (the parsers say so); binary data is full of them.
  if (looksBinary(head)) return 'binary data'
  const raw = decoder
    .decode(head)
    .replace(/^\uFEFF/, '')
    .trimStart()
  const text = leadingText(head)
  if (looksLikeHtmlDocument(text)) {
    const title = pageTitle(text)
    return `an HTML page${title ? ` titled ${title}` : ''}`
  }
  if (XML_START.test(raw)) return 'XML'
  return undefined
}

export type SniffVerdict = { error: FeedFetchError } | { warning?: string }

const TAXII_TYPE = 'application/taxii+json'

/**
 * Decides from the Content-Type and the first bytes whether the body can be what the feed expects.
 * Order matters: an HTML document is reported as a captive portal/login page whatever its Content-Type,
 * because that is what the analyst has to fix (proxy, network login, expired key), not the feed.
 */
export const sniffBody = (input: {
  head: Uint8Array
  contentType: string | undefined
  expect: FetchExpect
  url: string
}): SniffVerdict => {
  const { expect, url } = input
  if (expect === 'binary') return {}
  const media = parseMediaType(input.contentType)
  // The head can be a whole decompressed chunk (megabytes from an archive): look at the first bytes only.
  const head = input.head.subarray(0, SNIFF_BYTES)
  const text = leadingText(head)
  const wantsJson = expect === 'json' || expect === 'taxii'

  // Text, CSV and JSON feeds never contain NUL bytes: an image, a PDF or an unrecognised archive would
  // otherwise parse as text with nothing in it and end as a "successful" run of 0 rows.
  const nul = head.indexOf(0)
  if (nul !== -1) {
    return {
      error: new FeedFetchError(
        'content-type',
        `${url} returned binary data (a NUL byte at offset ${nul}${describeMagic(head)}) where ${expect} data was expected.`,
        { url },
      ),
    }
  }

  if (looksLikeHtmlDocument(text)) {
    const title = pageTitle(text)
    const kind = LOGIN_WORDS.test(text) ? 'a login or captive-portal page' : 'an HTML page'
    return {
      error: new FeedFetchError(
        'captive-portal',
        `${url} returned ${kind}${title ? ` titled ${title}` : ''} instead of ${expect} data; check network login, proxy or the feed's API key.`,
        { url },
      ),
    }
  }

  if (expect === 'taxii' && media) {
    const version = media.params['version']
    const okTaxii = media.type === TAXII_TYPE && (version === undefined || version === '2.1')
    if (!okTaxii && media.type !== 'application/json') {
      const hint =
        media.type === TAXII_TYPE ? ` (TAXII ${version ?? '?'}; only 2.1 is supported)` : ''
      return {
        error: new FeedFetchError(
          'content-type',
          `${url} answered with Content-Type ${sanitiseSnippet(input.contentType ?? '', 100)}${hint}; expected ${TAXII_TYPE};version=2.1.`,
          { url },
        ),
      }
    }
  }

  if (
    media &&
    (media.type === 'text/html' || media.type === 'application/xhtml+xml') &&
    expect !== 'text'
  ) {
    // Mislabelled data is common (a mirror serving .csv or .json as text/html), so the label alone is not
    // enough to reject: when the body is unmistakably the expected data we accept it and say so in the log.
    const isData = wantsJson ? looksLikeJson(text) : text.length > 0 && !text.startsWith('<')
    if (!isData)
      return {
        error: new FeedFetchError(
          'content-type',
          `${url} sent Content-Type ${media.type} where ${expect} data was expected; the body starts with ${sanitiseSnippet(text.slice(0, 60), 60)}.`,
          { url },
        ),
      }
    return { warning: `Content-Type ${media.type} but the body looks like ${expect}; accepted` }
  }

  if (wantsJson && !looksLikeJson(text)) {
    const start = text.length ? `starts with ${sanitiseSnippet(text.slice(0, 60), 60)}` : 'is empty'
    return {
      error: new FeedFetchError(
        'content-type',
        `${url} should return JSON but the body ${start}.`,
        { url },
      ),
    }
  }
  return {}
}
