// HTML to the text an analyst reads, for extraction: it is scanned as characters and never parsed into a
// DOM, rendered or run. Tags go; entities are decoded; script and style contents are dropped; the URLs of
// link-like attributes (href, src, ...) are kept as text, because a phishing page's indicators are in them
// more than in its words. Every newline of the source is kept (those inside dropped parts and tags too),
// so line N of the text is line N of the file and an item's line points into the source.

const NAMED: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ensp: ' ',
  emsp: ' ',
  thinsp: ' ',
  shy: '',
  zwj: '',
  zwnj: '',
  lsqb: '[',
  rsqb: ']',
  lbrack: '[',
  rbrack: ']',
  lpar: '(',
  rpar: ')',
  lcub: '{',
  rcub: '}',
  period: '.',
  colon: ':',
  sol: '/',
  commat: '@',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  laquo: '«',
  raquo: '»',
  bull: '•',
  middot: '·',
  copy: '©',
  reg: '®',
  trade: '™',
  deg: '°',
  euro: '€',
}

/** Attributes whose value is a URL (or, for srcset, a list of them). */
const URL_ATTRIBUTES: ReadonlySet<string> = new Set([
  'href',
  'src',
  'action',
  'formaction',
  'data',
  'poster',
  'background',
  'cite',
  'longdesc',
  'srcset',
  'xlink:href',
])

/** Inline elements: text on both sides runs on (`<b>evil</b>.com`); any other tag separates words. */
const INLINE: ReadonlySet<string> = new Set(
  'a abbr b bdi bdo cite code data del dfn em font i ins kbd mark q s samp small span strike strong sub sup time tt u var wbr'.split(
    ' ',
  ),
)

/** Elements whose content is code or styling, not text: dropped up to their end tag. */
const RAW_TEXT: ReadonlySet<string> = new Set(['script', 'style'])

const ENTITY = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));?/g

const codePoint = (n: number): string =>
  n > 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff) ? String.fromCodePoint(n) : '\uFFFD'

/** Decodes character references: numeric ones and the named ones reports and pages use. */
export const decodeEntities = (s: string): string =>
  s.indexOf('&') < 0
    ? s
    : s.replace(ENTITY, (whole, dec?: string, hex?: string, name?: string) => {
        if (dec !== undefined) return codePoint(Number(dec))
        if (hex !== undefined) return codePoint(parseInt(hex, 16))
        return NAMED[name?.toLowerCase() ?? ''] ?? whole
      })

const newlines = (s: string, from: number, to: number): string => {
  let n = 0
  for (let i = from; i < to; i++) if (s.charCodeAt(i) === 10) n++
  return '\n'.repeat(n)
}

const isNameChar = (c: number): boolean =>
  (c >= 97 && c <= 122) ||
  (c >= 65 && c <= 90) ||
  (c >= 48 && c <= 57) ||
  c === 45 ||
  c === 58 ||
  c === 95

const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13 || c === 12

type Tag = { name: string; end: number; closing: boolean; urls: string[] }

/** Reads the tag starting at `<` (at `at`): its name, where it ends and the URLs in its attributes. */
const readTag = (s: string, at: number): Tag => {
  let i = at + 1
  const closing = s.charCodeAt(i) === 47
  if (closing) i++
  const nameStart = i
  while (i < s.length && isNameChar(s.charCodeAt(i))) i++
  const name = s.slice(nameStart, i).toLowerCase()
  const urls: string[] = []
  while (i < s.length) {
    while (i < s.length && (isSpace(s.charCodeAt(i)) || s.charCodeAt(i) === 47)) i++
    if (i >= s.length || s.charCodeAt(i) === 62) break
    const attrStart = i
    while (i < s.length && !isSpace(s.charCodeAt(i)) && !'=>/'.includes(s.charAt(i))) i++
    const attr = s.slice(attrStart, i).toLowerCase()
    while (i < s.length && isSpace(s.charCodeAt(i))) i++
    if (s.charCodeAt(i) !== 61) continue
    i++
    while (i < s.length && isSpace(s.charCodeAt(i))) i++
    let value: string
    const q = s.charAt(i)
    if (q === '"' || q === "'") {
      const close = s.indexOf(q, i + 1)
      const end = close < 0 ? s.length : close
      value = s.slice(i + 1, end)
      i = end + 1
    } else {
      const v0 = i
      while (i < s.length && !isSpace(s.charCodeAt(i)) && s.charCodeAt(i) !== 62) i++
      value = s.slice(v0, i)
    }
    if (URL_ATTRIBUTES.has(attr)) {
      const decoded = decodeEntities(value).trim()
      if (attr === 'srcset') {
        for (const part of decoded.split(',')) urls.push(part.trim().split(/\s+/)[0] ?? '')
      } else {
        urls.push(decoded)
      }
    } else if (attr === 'content' && /^\s*\d*\s*;\s*url\s*=/i.test(value)) {
      // <meta http-equiv="refresh" content="0; url=...">: the redirect target.
      urls.push(
        decodeEntities(value.slice(value.toLowerCase().indexOf('url') + 3)).replace(/^\s*=\s*/, ''),
      )
    }
  }
  return { name, end: Math.min(i + 1, s.length), closing, urls: urls.filter((u) => u !== '') }
}

/** Where the end tag `</name` of a raw-text element starts, or the end of the text. */
const rawTextEnd = (s: string, from: number, name: string): number => {
  const lower = s.toLowerCase()
  let at = from
  for (;;) {
    const i = lower.indexOf(`</${name}`, at)
    if (i < 0) return s.length
    const after = s.charCodeAt(i + 2 + name.length)
    if (Number.isNaN(after) || !isNameChar(after)) return i
    at = i + 1
  }
}

/** The text of an HTML document, line for line (see the top of this file). */
export const htmlToText = (html: string): string => {
  const out: string[] = []
  let i = 0
  let textStart = 0
  const flushText = (to: number) => {
    if (to > textStart) out.push(decodeEntities(html.slice(textStart, to)))
  }
  while (i < html.length) {
    const lt = html.indexOf('<', i)
    if (lt < 0) break
    const next = html.charCodeAt(lt + 1)
    const isTag = (next >= 97 && next <= 122) || (next >= 65 && next <= 90) || next === 47
    if (!isTag && next !== 33 && next !== 63) {
      i = lt + 1
      continue
    }
    flushText(lt)
    let end: number
    if (html.startsWith('<!--', lt)) {
      const close = html.indexOf('-->', lt + 4)
      end = close < 0 ? html.length : close + 3
      out.push(newlines(html, lt, end))
    } else if (!isTag) {
      // <!DOCTYPE ...>, <![CDATA[ ... ]]>, <?xml ...?>: markup declarations, no text.
      const close = html.indexOf('>', lt)
      end = close < 0 ? html.length : close + 1
      out.push(newlines(html, lt, end))
    } else {
      const tag = readTag(html, lt)
      end = tag.end
      out.push(newlines(html, lt, end))
      // A block tag separates words (<td>a</td><td>b</td>); URLs stand apart from the text around them.
      if (tag.urls.length > 0) out.push(` ${tag.urls.join(' ')} `)
      else if (!INLINE.has(tag.name)) out.push(' ')
      if (!tag.closing && RAW_TEXT.has(tag.name)) {
        const stop = rawTextEnd(html, end, tag.name)
        out.push(newlines(html, end, stop))
        end = stop
      }
    }
    i = end
    textStart = end
  }
  flushText(html.length)
  return out.join('')
}
