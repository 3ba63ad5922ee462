import type { ParseItem } from '../feed-types'
import { LineSplitter, type LineSink, decodeText } from './line-splitter'
import { Batcher, type CommonParseOptions, rejectItem } from './parse-support'

/**
 * Drives a line-oriented format: decode → lines (global numbers, CRLF, BOM, length cap) → `map` per
 * non-blank line → batches. Blank lines count as skipped.
 */
export async function* runLineFormat(
  input: AsyncIterable<Uint8Array>,
  options: CommonParseOptions,
  map: (line: string, lineNo: number, out: Batcher) => void,
): AsyncGenerator<ParseItem[]> {
  const splitter = new LineSplitter(options.maxLineLength)
  const out = new Batcher()
  const stats = options.stats
  const sink: LineSink = {
    line(textOf, lineNo) {
      if (textOf.trim() === '') {
        if (stats) stats.skipped++
        return
      }
      map(textOf, lineNo, out)
    },
    tooLong(lineNo, head) {
      out.push(
        rejectItem(
          lineNo,
          head,
          `line is longer than ${options.maxLineLength ?? 65536} characters`,
        ),
      )
    },
  }
  for await (const textOf of decodeText(input, options.signal)) {
    splitter.push(textOf, sink)
    if (out.full) yield out.take()
  }
  splitter.end(sink)
  if (out.size > 0) yield out.take()
}
