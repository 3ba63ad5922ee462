import { AppError } from '#shared/contract/errors'
import type { FormatParser } from '../feed-types'
import { JsonSplitter, type JsonSplitSink } from './json-splitter'
import {
  Batcher,
  type CommonParseOptions,
  DEFAULT_MAX_ELEMENT_BYTES,
  clip,
  errorMessage,
  rejectItem,
  slices,
} from './parse-support'
import { createStixContext, mapStixObject } from './stix-objects'
import { cutTexts, isProse, oversizeReason, shrunkNote } from './stix-oversize'

export type StixBundleOptions = CommonParseOptions & {
  /** Cap on one object's JSON text (default 1 MB). */
  maxElementBytes?: number
}

/**
 * A STIX 2.1 bundle (or a TAXII envelope, or a bare array of objects) of any size: objects are cut out of
 * the byte stream one at a time and parsed natively. An object that is not valid JSON, too large or
 * missing what we need is a reject with its position; the rest of the bundle still imports.
 */
export const parseStixBundle: FormatParser<StixBundleOptions> = async function* (input, options) {
  const maxBytes = options.maxElementBytes ?? DEFAULT_MAX_ELEMENT_BYTES
  const splitter = new JsonSplitter({ kind: 'array', key: 'objects' }, maxBytes, {
    shrinkOversize: true,
  })
  const out = new Batcher()
  const ctx = createStixContext()
  const sink: JsonSplitSink = {
    element(textOf, index, _key, shrunk) {
      let obj: unknown
      try {
        obj = JSON.parse(textOf)
      } catch (e) {
        out.push(
          rejectItem(index, clip(textOf), `object ${index} is not valid JSON: ${errorMessage(e)}`),
        )
        return
      }
      if (shrunk === undefined) {
        mapStixObject(obj, index, ctx, out)
        return
      }
      // Cut prose is fine; a cut value, pattern or hash would be a wrong indicator: reject instead.
      const cuts = cutTexts(obj)
      if (!cuts.every(isProse)) {
        out.push(rejectItem(index, '', oversizeReason(index, shrunk.bytes, maxBytes)))
        return
      }
      const before = out.size
      mapStixObject(obj, index, ctx, out)
      if (!out.rejectedSince(before)) {
        out.push({
          kind: 'note',
          note: { line: index, message: shrunkNote(obj, index, shrunk, cuts) },
        })
      }
    },
    oversize(index, _key, bytes) {
      out.push(rejectItem(index, '', oversizeReason(index, bytes, maxBytes)))
    },
  }
  for await (const slice of slices(input, options.signal)) {
    splitter.push(slice, sink)
    if (out.full) yield out.take()
  }
  const summary = splitter.end()
  if (!summary.foundTarget) {
    throw new AppError(
      'invalid_input',
      'Not a STIX bundle: the document has no top-level "objects" array',
    )
  }
  if (out.size > 0) yield out.take()
}
