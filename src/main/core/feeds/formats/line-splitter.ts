import { DEFAULT_MAX_LINE_LENGTH, clip, slices } from './parse-support'

/**
 * Decodes a byte stream as UTF-8 text, slice by slice. Stream mode keeps a multi-byte character that is cut
 * by a chunk boundary for the next slice; the default `ignoreBOM: false` drops a leading byte-order mark.
 * Invalid bytes become U+FFFD rather than failing the whole feed (the value they land in is then rejected
 * by canonicalisation with its line number).
 */
export async function* decodeText(
  input: AsyncIterable<Uint8Array>,
  signal: AbortSignal | undefined,
): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8')
  for await (const slice of slices(input, signal)) {
    const text = decoder.decode(slice, { stream: true })
    if (text !== '') yield text
  }
  const tail = decoder.decode()
  if (tail !== '') yield tail
}

export type LineSink = {
  /** One line without its terminator (LF or CRLF); `line` is 1-based over the whole input. */
  line(text: string, line: number): void
  /** A line over the limit: reported once, its content dropped up to the next newline. */
  tooLong(line: number, head: string): void
}

/**
 * Splits decoded text into lines across chunk boundaries. Memory is bounded by `maxLineLength`: a line
 * without a newline in sight is reported as too long and skipped instead of being buffered forever.
 */
export class LineSplitter {
  private carry = ''
  private lineNo = 1
  private skipping = false
  private readonly max: number

  constructor(maxLineLength = DEFAULT_MAX_LINE_LENGTH) {
    this.max = maxLineLength
  }

  /** The number the next line will get (the count of lines seen so far, plus one). */
  get nextLine(): number {
    return this.lineNo
  }

  push(text: string, sink: LineSink): void {
    let pos = 0
    let nl = text.indexOf('\n')
    if (this.skipping) {
      if (nl < 0) return
      this.skipping = false
      this.lineNo++
      pos = nl + 1
      nl = text.indexOf('\n', pos)
    }
    if (nl < 0) {
      // No line ends here: only grow the carry (cheap rope append; nothing is rescanned).
      this.carry = this.carry === '' ? text.slice(pos) : this.carry + text.slice(pos)
      this.checkCarry(sink)
      return
    }
    if (this.carry !== '') {
      this.emit(this.carry + text.slice(pos, nl), sink)
      this.carry = ''
      pos = nl + 1
      nl = text.indexOf('\n', pos)
    }
    while (nl >= 0) {
      this.emit(text.slice(pos, nl), sink)
      pos = nl + 1
      nl = text.indexOf('\n', pos)
    }
    this.carry = pos < text.length ? text.slice(pos) : ''
    this.checkCarry(sink)
  }

  end(sink: LineSink): void {
    if (this.skipping) {
      this.skipping = false
      this.lineNo++
      return
    }
    if (this.carry !== '') {
      const last = this.carry
      this.carry = ''
      this.emit(last, sink)
    }
  }

  private emit(raw: string, sink: LineSink): void {
    const text = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw
    if (text.length > this.max) sink.tooLong(this.lineNo, clip(text, 80))
    else sink.line(text, this.lineNo)
    this.lineNo++
  }

  private checkCarry(sink: LineSink): void {
    // +1 leaves room for the CR of a CRLF that the next chunk will complete.
    if (this.carry.length <= this.max + 1) return
    sink.tooLong(this.lineNo, clip(this.carry, 80))
    this.carry = ''
    this.skipping = true
  }
}

/** Runs a whole decoded stream through a splitter, letting the caller yield between text chunks. */
export async function* splitLines(
  input: AsyncIterable<Uint8Array>,
  signal: AbortSignal | undefined,
  sink: LineSink,
  maxLineLength?: number,
): AsyncGenerator<void> {
  const splitter = new LineSplitter(maxLineLength)
  for await (const text of decodeText(input, signal)) {
    splitter.push(text, sink)
    yield
  }
  splitter.end(sink)
}
