import { describe, expect, it } from 'vitest'
import { CsvReader, type CsvSink } from '#core/feeds/formats/csv-reader'
import { LineSplitter, decodeText } from '#core/feeds/formats/line-splitter'
import { bytesOf, chunks } from './support'

type Seen = {
  rows: [number, string[]][]
  comments: [number, string][]
  bad: [number, string][]
  blank: number[]
}

const readCsv = (
  text: string,
  pieces: number[] | 'whole',
  options: ConstructorParameters<typeof CsvReader>[0] = {},
): Seen => {
  const seen: Seen = { rows: [], comments: [], bad: [], blank: [] }
  const sink: CsvSink = {
    row: (fields, line) => seen.rows.push([line, fields]),
    comment: (t, line) => seen.comments.push([line, t]),
    bad: (line, reason) => seen.bad.push([line, reason]),
    blank: (line) => seen.blank.push(line),
  }
  const reader = new CsvReader(options)
  if (pieces === 'whole') reader.push(text, sink)
  else {
    let at = 0
    let i = 0
    while (at < text.length) {
      const n = pieces[i++ % pieces.length]
      reader.push(text.slice(at, at + n), sink)
      at += n
    }
  }
  reader.end(sink)
  return seen
}

describe('CsvReader', () => {
  const text =
    '# comment, with "quotes"\r\n' +
    'a,"b,c","d ""e"""\r\n' +
    '\r\n' +
    '"multi\r\nline",x,\r\n' +
    'last,"no newline at end"'

  it('reads quoted fields, doubled quotes, quoted newlines, comments, blanks and a final line without newline', () => {
    const seen = readCsv(text, 'whole', { commentPrefix: '#' })
    expect(seen.rows).toEqual([
      [2, ['a', 'b,c', 'd "e"']],
      [4, ['multi\r\nline', 'x', '']],
      [6, ['last', 'no newline at end']],
    ])
    expect(seen.comments).toEqual([[1, '# comment, with "quotes"']])
    expect(seen.blank).toEqual([3])
    expect(seen.bad).toEqual([])
  })

  it('gives the same rows whatever the chunk boundaries (1, 2, 3, 7 characters)', () => {
    const whole = readCsv(text, 'whole', { commentPrefix: '#' })
    for (const pieces of [[1], [2], [3], [7], [1, 5, 2]]) {
      expect(readCsv(text, pieces, { commentPrefix: '#' })).toEqual(whole)
    }
  })

  it('trims spaces before fields when asked (ThreatFox ", " separators)', () => {
    expect(readCsv('"a", "b",  "c"\n', 'whole', { trimLeadingSpace: true }).rows).toEqual([
      [1, ['a', 'b', 'c']],
    ])
  })

  it('rejects junk after a closing quote but keeps reading the next line', () => {
    const seen = readCsv('"a"x,"b"\nok,1\n', 'whole')
    expect(seen.bad).toEqual([[1, 'unexpected text after the closing quote of field 1']])
    expect(seen.rows).toEqual([[2, ['ok', '1']]])
  })

  it('reports a quote never closed at the end of input and resynchronises at the next line', () => {
    const seen = readCsv('good,1\n"open,2\nnext,3\n', [4])
    // The open quote swallows to the end; at EOF the record is rejected and reading resumes at line 3.
    expect(seen.bad).toEqual([[2, 'quoted field is never closed']])
    expect(seen.rows).toEqual([
      [1, ['good', '1']],
      [3, ['next', '3']],
    ])
  })

  it('caps a record: an over-long line is rejected with its number and never buffered', () => {
    const long = 'x'.repeat(500)
    const seen = readCsv(`a,1\n${long}\nb,2\n`, [10], { maxRecordLength: 100 })
    expect(seen.bad).toEqual([[2, 'line is longer than 100 characters']])
    expect(seen.rows).toEqual([
      [1, ['a', '1']],
      [3, ['b', '2']],
    ])
  })

  it('recovers from a runaway quote once the record passes the cap', () => {
    const lines = ['"runaway,1', ...Array.from({ length: 30 }, (_, i) => `row${i},${i}`)].join('\n')
    const seen = readCsv(`${lines}\n`, [16], { maxRecordLength: 100 })
    expect(seen.bad).toEqual([[1, 'line is longer than 100 characters']])
    expect(seen.rows.length).toBe(30)
    expect(seen.rows[0]).toEqual([2, ['row0', '0']])
    expect(seen.rows[29]).toEqual([31, ['row29', '29']])
  })

  it('takes other delimiters and refuses a quote as one', () => {
    expect(readCsv('a;"b;c"\n', 'whole', { delimiter: ';' }).rows).toEqual([[1, ['a', 'b;c']]])
    expect(readCsv('a\tb\n', 'whole', { delimiter: '\t' }).rows).toEqual([[1, ['a', 'b']]])
    expect(() => new CsvReader({ delimiter: '"' })).toThrow(/delimiter/)
  })
})

describe('LineSplitter and decodeText', () => {
  const collect = async (bytes: Uint8Array, size: number, max?: number) => {
    const lines: [number, string][] = []
    const long: number[] = []
    const splitter = new LineSplitter(max)
    const sink = {
      line: (t: string, n: number) => lines.push([n, t]),
      tooLong: (n: number) => long.push(n),
    }
    for await (const t of decodeText(chunks(bytes, size), undefined)) splitter.push(t, sink)
    splitter.end(sink)
    return { lines, long }
  }

  it('strips a BOM, handles CRLF, LF and a last line without newline, with global line numbers', async () => {
    const bytes = bytesOf('\uFEFFone\r\ntwo\n\nthree')
    for (const size of [1, 2, 7, 1000]) {
      expect(await collect(bytes, size)).toEqual({
        lines: [
          [1, 'one'],
          [2, 'two'],
          [3, ''],
          [4, 'three'],
        ],
        long: [],
      })
    }
  })

  it('keeps multi-byte characters cut by chunk boundaries whole', async () => {
    const bytes = bytesOf('пример.рф\n例え.jp\n😀.example\n')
    expect((await collect(bytes, 1)).lines).toEqual([
      [1, 'пример.рф'],
      [2, '例え.jp'],
      [3, '😀.example'],
    ])
  })

  it('reports a line over the cap once, drops it, and numbers the following lines correctly', async () => {
    const bytes = bytesOf(`a\n${'z'.repeat(10_000)}\nb\r\n`)
    for (const size of [1, 7, 64 * 1024]) {
      expect(await collect(bytes, size, 1000)).toEqual({
        lines: [
          [1, 'a'],
          [3, 'b'],
        ],
        long: [2],
      })
    }
  })
})
