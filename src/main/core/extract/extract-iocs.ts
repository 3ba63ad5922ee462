import {
  type ExtractOptions,
  type ExtractResult,
  type ExtractedItem,
  type ExtractKind,
  IOC_TYPE_OF_KIND,
} from './extract-types'
import { type RefangedLine, originalOffset, refangLine } from './refang-line'
import type { ScanContext } from './scan-context'
import { scanLine } from './scan-line'

const DEFAULT_MAX_ITEMS = 100_000

/**
 * Every indicator in a text (a report, an e-mail, a chat paste), refanged and canonicalised, deduplicated by
 * (kind, value) in order of first appearance. One item per distinct value with its first position and a
 * count, not every position: the output stays the size of the distinct values however often a hostile or
 * repetitive text repeats one, and the paste box needs one place to point at and how often it occurred.
 */
export const extractIocs = (text: string, opts: ExtractOptions = {}): ExtractResult => {
  const only = opts.kinds === undefined ? null : new Set<ExtractKind>(opts.kinds)
  const maxItems = opts.maxItems ?? DEFAULT_MAX_ITEMS
  // One map per kind: no key string to build for every occurrence.
  const byKind = new Map<ExtractKind, Map<string, ExtractedItem>>()
  const items: ExtractedItem[] = []
  let truncated = false
  let lineNo = 0
  let original = ''
  let refanged: RefangedLine = { text: '', map: null }

  const ctx: ScanContext = {
    line: refanged,
    urlHosts: opts.urlHosts ?? true,
    emit: (kind, value, start, end) => {
      if (only !== null && !only.has(kind)) return
      let byValue = byKind.get(kind)
      if (byValue === undefined) {
        byValue = new Map()
        byKind.set(kind, byValue)
      }
      const seen = byValue.get(value)
      if (seen !== undefined) {
        seen.count++
        return
      }
      if (items.length >= maxItems) {
        truncated = true
        return
      }
      const a = originalOffset(refanged, start)
      const b = originalOffset(refanged, end)
      const item: ExtractedItem = {
        kind,
        value,
        iocType: IOC_TYPE_OF_KIND[kind],
        line: lineNo,
        column: a + 1,
        raw: original.slice(a, b),
        count: 1,
      }
      byValue.set(value, item)
      items.push(item)
    },
  }

  // Lines end at '\n', '\r\n' or a lone '\r'; indexOf finds them natively, and the next '\r' is searched
  // again only once passed, so a text without any costs one search.
  const len = text.length
  let nextCr = text.indexOf('\r')
  let start = 0
  while (start <= len && !truncated) {
    let end = text.indexOf('\n', start)
    if (end < 0) end = len
    if (nextCr >= 0 && nextCr < start) nextCr = text.indexOf('\r', start)
    if (nextCr >= 0 && nextCr < end) end = nextCr
    lineNo++
    original = text.slice(start, end)
    refanged = refangLine(original)
    ctx.line = refanged
    scanLine(ctx)
    if (end >= len) break
    start = text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? end + 2 : end + 1
  }
  return { items, truncated }
}
