import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { inflateSync } from 'node:zlib'
import { AppError } from '#shared/contract/errors'

/**
 * The PDF's fonts: Noto Sans from the @fontsource packages, one face per script in a fallback chain
 * (Latin/Cyrillic/Greek/Vietnamese, Arabic, Hebrew, Thai, Devanagari, then Simplified Chinese). Fontsource
 * ships each family sliced by unicode-range into many small WOFF files (the SC family in about a hundred), and
 * its `unicode.json` says which slice holds which code points. So the catalogue is one list of slices in chain
 * order, built from those JSON files on first use; a slice's file is read only when a character needs it, and
 * the font's own cmap (fontkit's hasGlyphForCodePoint) has the last word over the declared range.
 */

export type FontStyle = 'regular' | 'bold' | 'italic'

type Slice = {
  /** Base of the file name, e.g. `noto-sans-latin` or `noto-sans-sc-117`. */
  base: string
  dir: string
  ranges: readonly (readonly [number, number])[]
  hasItalic: boolean
  /**
   * Scripts whose glyphs need no shaping (Latin, Cyrillic, Greek, Han): a run's width is the sum of its
   * characters' advances. Arabic, Hebrew, Thai and Devanagari are measured through fontkit's layout.
   */
  simple: boolean
}

/** `keys` lists a family's slices in priority order; `null` takes its numbered slices in numeric order. */
type Family = {
  pkg: string
  prefix: string
  keys: readonly string[] | null
  italic: boolean
  simple: boolean
}

/** The chain, in priority order. The SC family's numbered slices are its CJK ones (keys "[0]"…"[119]"); slice 0 is Latin. */
const FAMILIES: readonly Family[] = [
  {
    pkg: '@fontsource/noto-sans',
    prefix: 'noto-sans',
    italic: true,
    simple: true,
    keys: ['latin', 'latin-ext', 'cyrillic', 'cyrillic-ext', 'greek', 'greek-ext', 'vietnamese'],
  },
  {
    pkg: '@fontsource/noto-sans-arabic',
    prefix: 'noto-sans-arabic',
    italic: false,
    simple: false,
    keys: ['arabic', 'symbols'],
  },
  {
    pkg: '@fontsource/noto-sans-hebrew',
    prefix: 'noto-sans-hebrew',
    italic: false,
    simple: false,
    keys: ['hebrew'],
  },
  {
    pkg: '@fontsource/noto-sans-thai',
    prefix: 'noto-sans-thai',
    italic: false,
    simple: false,
    keys: ['thai'],
  },
  {
    pkg: '@fontsource/noto-sans-devanagari',
    prefix: 'noto-sans-devanagari',
    italic: false,
    simple: false,
    keys: ['devanagari'],
  },
  {
    pkg: '@fontsource/noto-sans-sc',
    prefix: 'noto-sans-sc',
    italic: false,
    simple: true,
    keys: null,
  },
]

const parseRanges = (spec: string): [number, number][] =>
  spec.split(',').flatMap((part) => {
    const m = /^\s*U\+([0-9a-f]+)(?:-([0-9a-f]+))?\s*$/i.exec(part)
    if (m === null) return []
    const lo = Number.parseInt(m[1] ?? '', 16)
    const hi = m[2] === undefined ? lo : Number.parseInt(m[2], 16)
    return [[lo, hi] satisfies [number, number]]
  })

// __filename, like the rest of core: the main bundle is CommonJS, vitest provides it too.
const requireHere = createRequire(__filename)

/**
 * The package's folder through Node's own resolution (its "." export is index.css), so the same code finds the
 * fonts in dev, under the headless server and in the built app, wherever node_modules ends up.
 */
const packageDir = (pkg: string): string => {
  try {
    return dirname(requireHere.resolve(pkg))
  } catch (e) {
    throw new AppError('internal', `PDF fonts: cannot locate the package ${pkg}`, {
      cause: e instanceof Error ? e.message : String(e),
    })
  }
}

let catalogue: readonly Slice[] | null = null

/** Every slice of the chain, in priority order (read once per process). */
export const fontSlices = (): readonly Slice[] => {
  if (catalogue !== null) return catalogue
  const slices: Slice[] = []
  for (const fam of FAMILIES) {
    const dir = packageDir(fam.pkg)
    let table: Record<string, string>
    try {
      table = JSON.parse(readFileSync(join(dir, 'unicode.json'), 'utf8')) as Record<string, string>
    } catch (e) {
      throw new AppError('internal', `PDF fonts: cannot read ${fam.pkg}/unicode.json`, {
        cause: e instanceof Error ? e.message : String(e),
      })
    }
    const keys =
      fam.keys === null
        ? Object.keys(table)
            .filter((k) => /^\[\d+\]$/.test(k))
            .sort((a, b) => Number(a.slice(1, -1)) - Number(b.slice(1, -1)))
        : fam.keys.filter((k) => k in table)
    for (const key of keys) {
      const sub = key.startsWith('[') ? key.slice(1, -1) : key
      slices.push({
        base: `${fam.prefix}-${sub}`,
        dir: join(dir, 'files'),
        ranges: parseRanges(table[key] ?? ''),
        hasItalic: fam.italic,
        simple: fam.simple,
      })
    }
  }
  catalogue = slices
  return slices
}

const WEIGHT_FILE: Record<FontStyle, string> = {
  regular: '400-normal',
  bold: '700-normal',
  italic: '400-italic',
}

/** The name a slice is registered under in a document, and its file. */
export type SliceFont = { name: string; file: string; simple: boolean }
const sliceFontCache = new Map<string, SliceFont>()

export const sliceFont = (index: number, style: FontStyle): SliceFont => {
  const key = `${index}:${style}`
  const known = sliceFontCache.get(key)
  if (known !== undefined) return known
  const slice = fontSlices()[index]
  if (slice === undefined) throw new AppError('internal', `PDF fonts: no slice ${index}`)
  const eff: FontStyle = style === 'italic' && !slice.hasItalic ? 'regular' : style
  const font = {
    name: `${slice.base}-${WEIGHT_FILE[eff]}`,
    file: join(slice.dir, `${slice.base}-${WEIGHT_FILE[eff]}.woff`),
    simple: slice.simple,
  }
  sliceFontCache.set(key, font)
  return font
}

/** The slices whose declared unicode-range holds the code point, in chain order. */
export const candidateSlices = (cp: number): number[] => {
  const out: number[] = []
  const slices = fontSlices()
  for (let i = 0; i < slices.length; i++) {
    const ranges = slices[i]?.ranges ?? []
    for (const [lo, hi] of ranges) {
      if (cp >= lo && cp <= hi) {
        out.push(i)
        break
      }
    }
  }
  return out
}

const sfntCache = new Map<string, Buffer>()

/**
 * A WOFF file unwrapped into the plain sfnt (TrueType/OpenType) it compresses. fontkit reads WOFF itself, but
 * inflates its tables in JavaScript on every document; Node's zlib does it once per process instead.
 */
export const woffToSfnt = (woff: Buffer): Buffer => {
  if (woff.length < 44 || woff.readUInt32BE(0) !== 0x774f4646) throw new Error('not a WOFF file')
  const flavor = woff.readUInt32BE(4)
  const numTables = woff.readUInt16BE(12)
  const tables: { tag: number; checksum: number; data: Buffer }[] = []
  for (let i = 0; i < numTables; i++) {
    const at = 44 + i * 20
    const tag = woff.readUInt32BE(at)
    const offset = woff.readUInt32BE(at + 4)
    const compLength = woff.readUInt32BE(at + 8)
    const origLength = woff.readUInt32BE(at + 12)
    const raw = woff.subarray(offset, offset + compLength)
    const data = compLength < origLength ? inflateSync(raw) : Buffer.from(raw)
    if (data.length !== origLength) throw new Error('WOFF table length mismatch')
    tables.push({ tag, checksum: woff.readUInt32BE(at + 16), data })
  }
  let entrySelector = 0
  while (2 ** (entrySelector + 1) <= numTables) entrySelector++
  const searchRange = 2 ** entrySelector * 16
  const headLen = 12 + numTables * 16
  const total = tables.reduce((a, t) => a + ((t.data.length + 3) & ~3), headLen)
  const out = Buffer.alloc(total)
  out.writeUInt32BE(flavor, 0)
  out.writeUInt16BE(numTables, 4)
  out.writeUInt16BE(searchRange, 6)
  out.writeUInt16BE(entrySelector, 8)
  out.writeUInt16BE(numTables * 16 - searchRange, 10)
  let offset = headLen
  tables.forEach((t, i) => {
    const rec = 12 + i * 16
    out.writeUInt32BE(t.tag, rec)
    out.writeUInt32BE(t.checksum, rec + 4)
    out.writeUInt32BE(offset, rec + 8)
    out.writeUInt32BE(t.data.length, rec + 12)
    t.data.copy(out, offset)
    offset += (t.data.length + 3) & ~3
  })
  return out
}

/** A slice file's font bytes, ready for pdfkit (read and unwrapped once per process). */
export const fontBytes = (file: string): Buffer => {
  const cached = sfntCache.get(file)
  if (cached !== undefined) return cached
  let bytes: Buffer
  try {
    bytes = woffToSfnt(readFileSync(file))
  } catch (e) {
    throw new AppError('internal', `PDF fonts: cannot read ${file}`, {
      cause: e instanceof Error ? e.message : String(e),
    })
  }
  sfntCache.set(file, bytes)
  return bytes
}
