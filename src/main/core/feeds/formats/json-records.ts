import { AppError } from '#shared/contract/errors'
import type { ParseItem } from '../feed-types'
import { JsonSplitter, type JsonTarget } from './json-splitter'
import { Batcher, clip, errorMessage, isRecord, rejectItem, slices } from './parse-support'

export type JsonRecordsOptions = { signal?: AbortSignal; maxElementBytes?: number }

/**
 * Streams the records of a JSON feed (an array of objects, or an object of arrays) through `map`, which
 * turns one parsed object into an item. Invalid or non-object elements are rejects with their number.
 */
export async function* runJsonRecords(
  input: AsyncIterable<Uint8Array>,
  options: JsonRecordsOptions,
  spec: {
    label: string
    target: JsonTarget
    rootKind: 'object' | 'array'
    map(obj: Record<string, unknown>, index: number, key: string | undefined, out: Batcher): void
  },
): AsyncGenerator<ParseItem[]> {
  const splitter = new JsonSplitter(spec.target, options.maxElementBytes)
  const out = new Batcher()
  const sink = {
    element(textOf: string, index: number, key: string | undefined) {
      let v: unknown
      try {
        v = JSON.parse(textOf)
      } catch (e) {
        out.push(
          rejectItem(index, clip(textOf), `record ${index} is not valid JSON: ${errorMessage(e)}`),
        )
        return
      }
      if (!isRecord(v)) {
        out.push(rejectItem(index, clip(textOf), `record ${index} is not a JSON object`))
        return
      }
      spec.map(v, index, key, out)
    },
    oversize(index: number, _key: string | undefined, bytes: number) {
      out.push(rejectItem(index, '', `record ${index} is too large (${bytes} bytes)`))
    },
  }
  for await (const slice of slices(input, options.signal)) {
    splitter.push(slice, sink)
    if (out.full) yield out.take()
  }
  const summary = splitter.end()
  if (summary.rootKind !== spec.rootKind) {
    throw new AppError(
      'invalid_input',
      `${spec.label}: expected a JSON ${spec.rootKind} at the top level, found ${summary.rootKind === 'none' ? 'nothing' : `an ${summary.rootKind}`}`,
    )
  }
  if (out.size > 0) yield out.take()
}
