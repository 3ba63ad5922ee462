import { DEFAULT_MAX_LINE_LENGTH, clip } from './parse-support'

const LF = 10
const CR = 13
const QUOTE = 34
const SPACE = 32
const TAB = 9

export type CsvReaderOptions = {
  /** One character; default ','. */
  delimiter?: string
  /** Skip spaces before a field (ThreatFox writes `", "` between fields). */
  trimLeadingSpace?: boolean
  /** Lines starting with this (at the start of a record) are comments, e.g. '#'. */
  commentPrefix?: string
  /** A record longer than this (in characters) is rejected and skipped. */
  maxRecordLength?: number
}

export type CsvSink = {
  /** `line` is the 1-based physical line where the record starts (quoted newlines counted). */
  row(fields: string[], line: number): void
  /** A comment line, prefix included, without its terminator. */
  comment(text: string, line: number): void
  /** A record that could not be read; the reader resynchronises at the next line. */
  bad(line: number, reason: string, head: string): void
  blank(line: number): void
}

const enum Step {
  Done,
  Incomplete,
  Unterminated,
}

/**
 * RFC 4180 reader over decoded text, streaming across chunk boundaries: quoted fields with delimiters,
 * newlines and `""` escapes; CRLF or LF line ends. Quoted fields are scanned with `indexOf` (native, so the
 * all-quoted abuse.ch dumps run at memchr speed) and unquoted ones with a charCode loop.
 *
 * A record that has not ended when the chunk runs out is kept (only that record) and parsed again with
 * the next chunk; a record longer than `maxRecordLength` is reported and skipped from the next newline,
 * so a stray quote cannot swallow the rest of the file.
 */
export class CsvReader {
  private carry = ''
  private lineNo = 1
  private skipping = false
  private readonly delim: number
  private readonly trim: boolean
  private readonly comment: string | undefined
  private readonly max: number
  // Outputs of readRecord, kept on the instance to avoid an allocation per row.
  private fields: string[] = []
  private recEnd = 0
  private recLines = 0
  private recError: string | null = null

  constructor(options: CsvReaderOptions = {}) {
    const d = options.delimiter ?? ','
    if (d.length !== 1 || d === '"' || d === '\n' || d === '\r') {
      throw new Error(
        `CSV delimiter must be one character other than a quote or newline, got '${d}'`,
      )
    }
    this.delim = d.charCodeAt(0)
    this.trim = options.trimLeadingSpace === true
    this.comment = options.commentPrefix === '' ? undefined : options.commentPrefix
    this.max = options.maxRecordLength ?? DEFAULT_MAX_LINE_LENGTH
  }

  push(text: string, sink: CsvSink): void {
    if (this.skipping) {
      const nl = text.indexOf('\n')
      if (nl < 0) return
      this.skipping = false
      this.lineNo++
      text = text.slice(nl + 1)
    }
    if (this.carry !== '' && text.indexOf('\n') < 0) {
      // Nothing can end without a newline: grow the carry, do not re-parse it.
      this.carry += text
      this.checkCarry(sink)
      return
    }
    this.parse(this.carry === '' ? text : this.carry + text, false, sink)
  }

  end(sink: CsvSink): void {
    if (this.skipping) {
      this.skipping = false
      this.lineNo++
      this.carry = ''
      return
    }
    const rest = this.carry
    this.carry = ''
    if (rest !== '') this.parse(rest, true, sink)
  }

  private checkCarry(sink: CsvSink): void {
    if (this.carry.length <= this.max) return
    sink.bad(this.lineNo, `line is longer than ${this.max} characters`, clip(this.carry, 80))
    const nl = this.carry.indexOf('\n')
    if (nl < 0) {
      this.carry = ''
      this.skipping = true
      return
    }
    // A runaway quoted field: give up on that record and read on from its second line.
    const rest = this.carry.slice(nl + 1)
    this.carry = ''
    this.lineNo++
    return this.rescan(rest, sink)
  }

  private rescan(rest: string, sink: CsvSink): void {
    if (rest !== '') this.parse(rest, false, sink)
  }

  private parse(s: string, eof: boolean, sink: CsvSink): void {
    const len = s.length
    let pos = 0
    while (pos < len) {
      const line = this.lineNo
      const c = s.charCodeAt(pos)
      if (c === LF) {
        sink.blank(line)
        this.lineNo++
        pos++
        continue
      }
      if (c === CR && pos + 1 < len && s.charCodeAt(pos + 1) === LF) {
        sink.blank(line)
        this.lineNo++
        pos += 2
        continue
      }
      if (this.comment !== undefined && s.startsWith(this.comment, pos)) {
        const nl = s.indexOf('\n', pos)
        if (nl < 0 && !eof) break
        const stop = nl < 0 ? len : nl
        if (stop - pos > this.max) {
          sink.bad(line, `line is longer than ${this.max} characters`, clip(s.slice(pos, pos + 80)))
        } else {
          sink.comment(s.slice(pos, s.charCodeAt(stop - 1) === CR ? stop - 1 : stop), line)
        }
        this.lineNo++
        pos = stop + 1
        continue
      }
      const step = this.readRecord(s, pos, eof)
      if (step === Step.Incomplete) break
      if (step === Step.Unterminated) {
        sink.bad(line, 'quoted field is never closed', clip(s.slice(pos, pos + 80)))
        const nl = s.indexOf('\n', pos)
        this.lineNo++
        pos = nl < 0 ? len : nl + 1
        continue
      }
      if (this.recEnd - pos > this.max) {
        sink.bad(line, `line is longer than ${this.max} characters`, clip(s.slice(pos, pos + 80)))
      } else if (this.recError !== null) {
        sink.bad(line, this.recError, clip(s.slice(pos, this.recEnd).trimEnd()))
      } else {
        sink.row(this.fields, line)
      }
      this.lineNo += this.recLines
      pos = this.recEnd
    }
    this.carry = pos < len ? s.slice(pos) : ''
    if (this.carry !== '') this.checkCarry(sink)
  }

  /** Reads one record starting at `pos`; on Done sets fields, recEnd (after the newline), recLines. */
  private readRecord(s: string, pos: number, eof: boolean): Step {
    const len = s.length
    const delim = this.delim
    const fields: string[] = []
    let lines = 1
    let error: string | null = null
    let i = pos
    for (;;) {
      if (this.trim) while (i < len && (s.charCodeAt(i) === SPACE || s.charCodeAt(i) === TAB)) i++
      if (i >= len) {
        if (!eof) return Step.Incomplete
        fields.push('')
        break
      }
      let c = s.charCodeAt(i)
      if (c === QUOTE) {
        let value = ''
        let from = i + 1
        for (;;) {
          const q = s.indexOf('"', from)
          if (q < 0) return eof ? Step.Unterminated : Step.Incomplete
          if (q + 1 >= len && !eof) return Step.Incomplete
          if (s.charCodeAt(q + 1) === QUOTE) {
            value += s.slice(from, q + 1)
            from = q + 2
            continue
          }
          value = value === '' ? s.slice(from, q) : value + s.slice(from, q)
          i = q + 1
          break
        }
        if (value.indexOf('\n') >= 0) lines += countLf(value)
        // Junk between the closing quote and the delimiter: spaces are tolerated, anything else is not.
        let junk = false
        while (i < len) {
          c = s.charCodeAt(i)
          if (c === delim || c === LF) break
          if (c === CR && (i + 1 >= len || s.charCodeAt(i + 1) === LF)) break
          if (c !== SPACE && c !== TAB) junk = true
          i++
        }
        if (junk && error === null) {
          error = `unexpected text after the closing quote of field ${fields.length + 1}`
        }
        fields.push(value)
        if (i >= len) {
          if (!eof) return Step.Incomplete
          break
        }
        if (c === delim) {
          i++
          continue
        }
        if (c === CR) {
          if (i + 1 >= len && !eof) return Step.Incomplete
          i++
        }
        i++ // the LF
        break
      }
      let j = i
      while (j < len) {
        c = s.charCodeAt(j)
        if (c === delim || c === LF) break
        j++
      }
      if (j >= len) {
        if (!eof) return Step.Incomplete
        fields.push(s.slice(i, s.charCodeAt(len - 1) === CR ? len - 1 : len))
        i = len
        break
      }
      if (c === delim) {
        fields.push(s.slice(i, j))
        i = j + 1
        continue
      }
      fields.push(s.slice(i, j > i && s.charCodeAt(j - 1) === CR ? j - 1 : j))
      i = j + 1
      break
    }
    this.fields = fields
    this.recEnd = i
    this.recLines = lines
    this.recError = error
    return Step.Done
  }
}

const countLf = (s: string): number => {
  let n = 0
  for (let at = s.indexOf('\n'); at >= 0; at = s.indexOf('\n', at + 1)) n++
  return n
}

/** Splits one short line (a commented header) as CSV: trims spaces and surrounding quotes. */
export const splitHeaderLine = (line: string, delimiter = ','): string[] => {
  const out: string[] = []
  const reader = new CsvReader({ delimiter, trimLeadingSpace: true })
  const sink: CsvSink = {
    row: (fields) => {
      for (const f of fields) out.push(f.trim())
    },
    comment: () => undefined,
    bad: () => undefined,
    blank: () => undefined,
  }
  reader.push(line, sink)
  reader.end(sink)
  return out
}
