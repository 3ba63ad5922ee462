const QUOTE = 0x22
const BACKSLASH = 0x5c
const LOWER_U = 0x75

/** What a shrunk string ends with, inside its quotes, so the reader can tell which fields were cut. */
export const TRUNCATION_MARK = '…[truncated]'
const MARK_BYTES = new TextEncoder().encode(TRUNCATION_MARK)

/** Strings longer than this (in UTF-8 bytes) are cut when an element is shrunk. */
export const DEFAULT_STRING_CAP = 32 * 1024

const isContinuationByte = (b: number): boolean => (b & 0xc0) === 0x80

/**
 * Rewrites one JSON element's bytes as they stream past, cutting every string longer than the cap and
 * ending it with TRUNCATION_MARK, so an element over the size limit because of one huge text (a STIX
 * description with a pasted report in it) still parses and keeps what matters. A string is cut only where
 * a character starts (never inside an escape or a UTF-8 sequence), so the output stays valid JSON when
 * the input was. Output beyond `maxBytes` means the element is big for other reasons (thousands of
 * references): the shrinker gives up and the caller rejects the element as before.
 */
export class JsonShrinker {
  private readonly maxBytes: number
  readonly stringCap: number
  private out: Uint8Array[] = []
  private outBytes = 0
  private inString = false
  private escape = false
  private hexLeft = 0
  private stringBytes = 0
  private cutting = false
  private failed = false
  /** Strings cut so far. */
  truncated = 0

  constructor(maxBytes: number, stringCap = DEFAULT_STRING_CAP) {
    this.maxBytes = maxBytes
    this.stringCap = stringCap
  }

  /** False once the output outgrew the limit: the element cannot be saved by cutting strings. */
  get ok(): boolean {
    return !this.failed
  }

  push(chunk: Uint8Array, from = 0, to = chunk.length): void {
    if (this.failed) return
    let runStart = from
    for (let i = from; i < to; i++) {
      const b = chunk[i]
      if (!this.inString) {
        if (b === QUOTE) {
          this.inString = true
          this.stringBytes = 0
          this.cutting = false
        }
        continue
      }
      if (this.escape) {
        this.escape = false
        if (b === LOWER_U) this.hexLeft = 4
      } else if (this.hexLeft > 0) {
        this.hexLeft--
      } else if (b === QUOTE) {
        if (this.cutting) {
          // The cut string's bytes were skipped; close it with the mark before its quote.
          this.emit(MARK_BYTES, 0, MARK_BYTES.length)
          runStart = i
          this.cutting = false
        }
        this.inString = false
        continue
      } else {
        if (!this.cutting && this.stringBytes >= this.stringCap && !isContinuationByte(b)) {
          this.emit(chunk, runStart, i)
          this.cutting = true
          this.truncated++
        }
        if (b === BACKSLASH) this.escape = true
      }
      if (!this.cutting) this.stringBytes++
    }
    if (!this.cutting) this.emit(chunk, runStart, to)
  }

  /** The shrunk element's text, or null when it gave up. */
  text(): string | null {
    if (this.failed) return null
    const all = new Uint8Array(this.outBytes)
    let at = 0
    for (const p of this.out) {
      all.set(p, at)
      at += p.length
    }
    this.out = []
    return new TextDecoder('utf-8').decode(all)
  }

  private emit(chunk: Uint8Array, from: number, to: number): void {
    if (to <= from || this.failed) return
    this.outBytes += to - from
    if (this.outBytes > this.maxBytes) {
      this.failed = true
      this.out = []
      return
    }
    // Copy: the caller may reuse the chunk's buffer once push() returns.
    this.out.push(chunk.slice(from, to))
  }
}
