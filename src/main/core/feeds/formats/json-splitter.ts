import { AppError } from '#shared/contract/errors'
import { DEFAULT_STRING_CAP, JsonShrinker } from './json-shrink'
import { DEFAULT_MAX_ELEMENT_BYTES } from './parse-support'

const QUOTE = 0x22
const BACKSLASH = 0x5c
const LBRACE = 0x7b
const RBRACE = 0x7d
const LBRACKET = 0x5b
const RBRACKET = 0x5d
const COMMA = 0x2c
const COLON = 0x3a
const BOM = [0xef, 0xbb, 0xbf]
const OBJ = 1
const ARR = 2

/** Deeper nesting than this is refused: no feed needs it and it bounds the bracket stack. */
const MAX_DEPTH = 512
const MAX_KEY_BYTES = 1024

/**
 * Which elements to cut out of the document:
 * - `array`: the elements of the array under root key `key` (STIX `objects`, a TAXII envelope); a root
 *   that is itself an array also works.
 * - `root-array`: the elements of a root array (Feodo, PhishTank).
 * - `object-values`: for every root key, its value when it is an object, or the elements of its value when
 *   it is an array (ThreatFox `{ "<ioc_id>": [ {...} ] }`, a MISP manifest `{ "<uuid>": {...} }`).
 */
export type JsonTarget =
  { kind: 'array'; key: string } | { kind: 'root-array' } | { kind: 'object-values' }

/** An element over the size cap that fitted once its longest strings were cut (see JsonShrinker). */
export type ShrunkElement = { bytes: number; truncated: number; stringCap: number }

export type JsonSplitSink = {
  /**
   * One element's exact text; `index` is the 1-based element number over the whole document. `shrunk` is
   * set when the element was over the cap and its long strings were cut to make it fit.
   */
  element(text: string, index: number, key: string | undefined, shrunk?: ShrunkElement): void
  /** An element over the size cap: skipped, reported once. */
  oversize(index: number, key: string | undefined, bytes: number): void
}

export type JsonSplitSummary = {
  rootKind: 'object' | 'array' | 'none'
  elements: number
  foundTarget: boolean
}

const isSpace = (b: number): boolean => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09

/**
 * A byte-level splitter: tracks only strings, escapes and bracket depth, so it runs near memchr speed, and
 * cuts the elements of one array out of a document of any size. Each element is then `JSON.parse`d by the
 * caller (native and fast). Memory is bounded by the element cap, whatever the document size. Structural
 * errors (a `}` closing a `[`, input ending inside the document) throw; a bad element is the caller's
 * reject, since the splitter only guarantees balanced brackets.
 */
export class JsonSplitter {
  private readonly target: JsonTarget
  private readonly maxBytes: number
  private readonly decoder = new TextDecoder('utf-8')
  private readonly stack = new Uint8Array(MAX_DEPTH + 1)
  private depth = 0
  private inString = false
  private escape = false
  private started = false
  private finished = false
  private offset = 0
  /** Bytes of the BOM matched so far; -1 once past it. */
  private bomMatched = 0
  // Root-object key tracking.
  private expectKey = false
  private keyParts: number[] | null = null
  private key: string | undefined = undefined
  // The array whose elements we cut (0 = none open).
  private targetDepth = 0
  private targetKey: string | undefined = undefined
  private foundTarget = false
  // The element being captured.
  private inElement = false
  private elementBase = 0
  private elementIsContainer = false
  private elementKey: string | undefined = undefined
  private capStart = 0
  private parts: Uint8Array[] = []
  private partBytes = 0
  private tooBig = false
  /** Set while an oversized element is being shrunk instead of skipped. */
  private shrinker: JsonShrinker | null = null
  private readonly shrinkOversize: boolean
  private count = 0
  private rootKind: JsonSplitSummary['rootKind'] = 'none'

  /**
   * `shrinkOversize`: an element over the cap has its long strings cut to fit (and is reported as shrunk)
   * instead of being skipped; for formats where one record is worth keeping without its prose.
   */
  constructor(
    target: JsonTarget,
    maxElementBytes = DEFAULT_MAX_ELEMENT_BYTES,
    opts: { shrinkOversize?: boolean } = {},
  ) {
    this.target = target
    this.maxBytes = maxElementBytes
    this.shrinkOversize = opts.shrinkOversize === true
  }

  push(chunk: Uint8Array, sink: JsonSplitSink): void {
    let i = 0
    const n = chunk.length
    // A UTF-8 byte-order mark, possibly cut across the first chunks.
    while (this.bomMatched >= 0 && i < n) {
      if (chunk[i] !== BOM[this.bomMatched]) {
        if (this.bomMatched > 0) throw this.malformed(i, 'a broken byte-order mark')
        this.bomMatched = -1
        break
      }
      i++
      this.bomMatched = this.bomMatched === 2 ? -1 : this.bomMatched + 1
    }
    if (this.inElement) this.capStart = 0
    while (i < n) {
      if (this.inString) {
        if (this.escape) {
          this.escape = false
          if (this.keyParts !== null) this.keyByte(chunk[i])
          i++
          continue
        }
        // A plain loop beats indexOf here: most JSON strings are a few bytes long, and the call
        // overhead of two native searches per string cost more than scanning (measured on STIX).
        let j = i
        let b = 0
        while (j < n) {
          b = chunk[j]
          if (b === QUOTE || b === BACKSLASH) break
          j++
        }
        if (this.keyParts !== null) this.keyBytes(chunk, i, j)
        if (j >= n) break
        if (b === BACKSLASH) {
          if (this.keyParts !== null) this.keyByte(b)
          i = j + 1
          this.escape = true
          continue
        }
        const q = j
        this.inString = false
        if (this.keyParts !== null) this.endKey()
        i = q + 1
        if (this.inElement && !this.elementIsContainer && this.depth === this.elementBase) {
          // A string element ends at its closing quote.
          this.finishElement(chunk, i, sink)
        }
        continue
      }
      const b = chunk[i]
      if (isSpace(b)) {
        i++
        continue
      }
      if (this.finished)
        throw this.malformed(i, 'unexpected data after the end of the JSON document')
      if (!this.inElement && this.targetDepth !== 0 && this.depth === this.targetDepth) {
        if (b === COMMA) {
          i++
          continue
        }
        if (b !== RBRACKET) this.startElement(i, b, this.targetKey)
      } else if (
        !this.inElement &&
        this.target.kind === 'object-values' &&
        this.depth === 1 &&
        this.stack[1] === OBJ &&
        !this.expectKey &&
        b === LBRACE
      ) {
        this.startElement(i, b, this.key)
      }
      switch (b) {
        case QUOTE:
          this.inString = true
          if (this.depth === 1 && this.stack[1] === OBJ && this.expectKey && !this.inElement) {
            this.keyParts = []
          }
          break
        case LBRACE:
        case LBRACKET:
          this.open(b === LBRACE ? OBJ : ARR, i)
          break
        case RBRACE:
        case RBRACKET:
          this.close(b === RBRACE ? OBJ : ARR, chunk, i, sink)
          break
        case COLON:
          if (this.depth === 1 && this.stack[1] === OBJ) this.expectKey = false
          break
        case COMMA:
          if (this.inElement && !this.elementIsContainer && this.depth === this.elementBase) {
            this.finishElement(chunk, i, sink)
          }
          if (this.depth === 1 && this.stack[1] === OBJ) {
            this.expectKey = true
            this.key = undefined
          }
          break
        default:
          if (this.depth === 0)
            throw this.malformed(i, 'the document is not a JSON object or array')
      }
      i++
    }
    if (this.inElement) this.keepPart(chunk, this.capStart, n)
    this.offset += n
  }

  /** Call after the last chunk; throws when the document was cut short. */
  end(): JsonSplitSummary {
    if (!this.started) throw new AppError('invalid_input', 'The JSON document is empty')
    if (this.depth !== 0 || this.inString) {
      throw new AppError(
        'invalid_input',
        `The JSON document ends early (inside element ${this.count + (this.inElement ? 1 : 0)}, ` +
          `after ${this.offset} bytes): the download or file is truncated`,
      )
    }
    return { rootKind: this.rootKind, elements: this.count, foundTarget: this.foundTarget }
  }

  private open(kind: number, i: number): void {
    if (this.depth >= MAX_DEPTH) throw this.malformed(i, `nesting deeper than ${MAX_DEPTH} levels`)
    this.depth++
    this.stack[this.depth] = kind
    if (this.depth === 1) {
      this.started = true
      this.rootKind = kind === OBJ ? 'object' : 'array'
      this.expectKey = kind === OBJ
      if (kind === ARR && this.target.kind !== 'object-values') this.setTarget(1, undefined)
      return
    }
    if (this.depth === 2 && this.stack[1] === OBJ && kind === ARR && !this.inElement) {
      const t = this.target
      if ((t.kind === 'array' && this.key === t.key) || t.kind === 'object-values') {
        this.setTarget(2, this.key)
      }
    }
  }

  private setTarget(depth: number, key: string | undefined): void {
    this.targetDepth = depth
    this.targetKey = key
    this.foundTarget = true
  }

  private close(kind: number, chunk: Uint8Array, i: number, sink: JsonSplitSink): void {
    if (this.depth === 0) throw this.malformed(i, `unexpected '${kind === OBJ ? '}' : ']'}'`)
    if (this.stack[this.depth] !== kind) {
      throw this.malformed(
        i,
        `'${kind === OBJ ? '}' : ']'}' closes a '${kind === OBJ ? '[' : '{'}'`,
      )
    }
    if (this.inElement && !this.elementIsContainer && this.depth === this.elementBase) {
      this.finishElement(chunk, i, sink) // a number/literal ends at the bracket that follows it
    }
    if (this.depth === this.targetDepth) this.targetDepth = 0
    this.depth--
    if (this.inElement && this.elementIsContainer && this.depth === this.elementBase) {
      this.finishElement(chunk, i + 1, sink)
    }
    if (this.depth === 0) this.finished = true
  }

  private startElement(i: number, first: number, key: string | undefined): void {
    this.inElement = true
    this.elementBase = this.depth
    this.elementKey = key
    this.elementIsContainer = first === LBRACE || first === LBRACKET
    this.capStart = i
    this.parts = []
    this.partBytes = 0
    this.tooBig = false
    this.shrinker = null
  }

  private keepPart(chunk: Uint8Array, from: number, to: number): void {
    const size = to - from
    if (this.shrinker !== null) {
      this.shrinker.push(chunk, from, to)
      this.partBytes += size
      return
    }
    if (!this.tooBig && this.shrinkOversize && this.partBytes + size > this.maxBytes) {
      this.startShrinking().push(chunk, from, to)
      this.partBytes += size
      return
    }
    if (this.tooBig || this.partBytes + size > this.maxBytes) {
      this.tooBig = true
      this.parts = []
      this.partBytes += size
      return
    }
    // Copy: the caller may reuse the chunk's buffer once push() returns.
    this.parts.push(chunk.slice(from, to))
    this.partBytes += size
  }

  /** Moves the parts kept so far into a new shrinker, which takes the rest of the element. */
  private startShrinking(): JsonShrinker {
    // A small cap (tests, tight limits) still leaves room for the rest of the element.
    const shrinker = new JsonShrinker(
      this.maxBytes,
      Math.min(DEFAULT_STRING_CAP, Math.floor(this.maxBytes / 8)),
    )
    for (const p of this.parts) shrinker.push(p)
    this.parts = []
    this.shrinker = shrinker
    return shrinker
  }

  private finishElement(chunk: Uint8Array, end: number, sink: JsonSplitSink): void {
    this.inElement = false
    this.count++
    const size = this.partBytes + (end - this.capStart)
    if (this.shrinkOversize && !this.tooBig && size > this.maxBytes) {
      const shrinker = this.shrinker ?? this.startShrinking()
      shrinker.push(chunk, this.capStart, end)
      this.shrinker = null
      this.partBytes = 0
      const text = shrinker.text()
      if (text === null) sink.oversize(this.count, this.elementKey, size)
      else
        sink.element(text, this.count, this.elementKey, {
          bytes: size,
          truncated: shrinker.truncated,
          stringCap: shrinker.stringCap,
        })
      return
    }
    if (this.tooBig || size > this.maxBytes) {
      this.tooBig = false
      this.parts = []
      sink.oversize(this.count, this.elementKey, size)
      return
    }
    let text: string
    if (this.parts.length === 0) {
      text = this.decoder.decode(chunk.subarray(this.capStart, end))
    } else {
      const all = new Uint8Array(size)
      let at = 0
      for (const p of this.parts) {
        all.set(p, at)
        at += p.length
      }
      all.set(chunk.subarray(0, end), at)
      text = this.decoder.decode(all)
      this.parts = []
    }
    this.partBytes = 0
    sink.element(text, this.count, this.elementKey)
  }

  private keyBytes(chunk: Uint8Array, from: number, to: number): void {
    const parts = this.keyParts
    if (parts === null) return
    for (let k = from; k < to && parts.length < MAX_KEY_BYTES; k++) parts.push(chunk[k])
  }

  private keyByte(b: number): void {
    if (this.keyParts !== null && this.keyParts.length < MAX_KEY_BYTES) this.keyParts.push(b)
  }

  private endKey(): void {
    const bytes = this.keyParts ?? []
    this.keyParts = null
    const raw = this.decoder.decode(Uint8Array.from(bytes))
    try {
      this.key = JSON.parse(`"${raw}"`) as string
    } catch {
      this.key = raw
    }
  }

  private malformed(i: number, what: string): AppError {
    return new AppError('invalid_input', `Malformed JSON at byte ${this.offset + i + 1}: ${what}`)
  }
}
