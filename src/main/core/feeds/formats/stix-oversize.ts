import { formatBytes } from '../http/fetch-error'
import { TRUNCATION_MARK } from './json-shrink'
import type { ShrunkElement } from './json-splitter'

/**
 * A STIX object over the size limit is usually an indicator with a pasted report in its description. The
 * splitter cuts its long strings to make it fit (see JsonShrinker); these decide whether what was cut is
 * prose the indicator can do without, and word the run report's note.
 */

/** Keys whose text is prose: cutting it keeps the object true. Custom `x_` properties count as prose. */
const PROSE_KEYS = new Set([
  'description',
  'name',
  'opinion',
  'explanation',
  'content',
  'abstract',
  'comment',
  'summary',
])

/** Deeper than this, a cut string is not looked for: it counts as a cut of something that matters. */
const MAX_WALK_DEPTH = 32

/** Where a cut string sat: its path for the report and its own key. */
export type CutText = { path: string; key: string }

/** Every string of `obj` that ends with the truncation mark, with its path ("external_references[0].description"). */
export const cutTexts = (obj: unknown): CutText[] => {
  const found: CutText[] = []
  const stack: { v: unknown; path: string; key: string; depth: number }[] = [
    { v: obj, path: '', key: '', depth: 0 },
  ]
  while (stack.length > 0) {
    const { v, path, key, depth } = stack.pop() as (typeof stack)[number]
    if (typeof v === 'string') {
      if (v.endsWith(TRUNCATION_MARK)) found.push({ path, key })
      continue
    }
    if (typeof v !== 'object' || v === null) continue
    if (depth >= MAX_WALK_DEPTH) {
      found.push({ path, key: '' })
      continue
    }
    if (Array.isArray(v)) {
      v.forEach((e, i) => stack.push({ v: e, path: `${path}[${i}]`, key, depth: depth + 1 }))
    } else {
      for (const [k, e] of Object.entries(v)) {
        stack.push({ v: e, path: path === '' ? k : `${path}.${k}`, key: k, depth: depth + 1 })
      }
    }
  }
  return found
}

export const isProse = (c: CutText): boolean => PROSE_KEYS.has(c.key) || c.key.startsWith('x_')

export const oversizeReason = (index: number, bytes: number, maxBytes: number): string =>
  `object ${index} is larger than the ${maxBytes} byte limit (${bytes} bytes), and not because of ` +
  'long descriptions that could be cut'

/** Says which object was kept with cut texts, and which of its fields were cut. */
export const shrunkNote = (
  obj: unknown,
  index: number,
  s: ShrunkElement,
  cuts: CutText[],
): string => {
  const id =
    typeof obj === 'object' && obj !== null && 'id' in obj && typeof obj.id === 'string'
      ? ` (${obj.id.slice(0, 120)})`
      : ''
  const paths = cuts.slice(0, 5).map((c) => c.path.slice(0, 80))
  const more = cuts.length > paths.length ? ` and ${cuts.length - paths.length} more` : ''
  return (
    `object ${index}${id} is ${formatBytes(s.bytes)}, over the limit: kept, with its long ` +
    `${paths.join(', ')}${more} cut to ${formatBytes(s.stringCap)}`
  )
}
