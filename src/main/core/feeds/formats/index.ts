import type { FeedFormat, FormatParser } from '../feed-types'
import { parseFeodoCsv, parseFeodoJson } from './feodo.parser'
import { parseGenericCsv, readGenericCsvOptions } from './generic-csv.parser'
import { parseMispEvent } from './misp-event.parser'
import { isRecord, positiveInt, readCommonOptions } from './parse-support'
import { parseOpenPhishTxt, parsePhishTankCsv, parsePhishTankJson } from './phishing.parser'
import { parseSpamhausDrop } from './spamhaus.parser'
import { parseStixBundle } from './stix-bundle.parser'
import { parseText, readTextOptions } from './text.parser'
import { parseThreatFoxCsv, parseThreatFoxJson } from './threatfox.parser'
import { parseUrlhausCsv } from './urlhaus.parser'

export type StreamFormat = Exclude<FeedFormat, 'misp-feed' | 'taxii'>

/**
 * Adapts a typed parser to untyped options (a feed row's JSON): `read` keeps only well-formed options
 * and throws AppError for a bad mapping. It runs inside the generator, so the error surfaces while
 * iterating, like any parse error.
 */
const accepting = <O>(parser: FormatParser<O>, read: (raw: unknown) => O): FormatParser =>
  async function* (input, raw) {
    yield* parser(input, { ...read(raw), signal: raw.signal })
  }

const withElementCap = (raw: unknown) => ({
  ...readCommonOptions(raw),
  maxElementBytes: isRecord(raw) ? positiveInt(raw.maxElementBytes) : undefined,
})

/**
 * Every format that is a byte stream. All accept `signal`, `stats` (a ParseStats the caller owns, filled
 * with filtered/skipped counts) and `maxLineLength`; JSON formats `maxElementBytes`; misp-event
 * `toIdsOnly` and `maxDocumentBytes`; generic-csv its column mapping; text `mode` and `type`.
 */
export const parsers: Record<StreamFormat, FormatParser> = {
  'urlhaus-csv': accepting(parseUrlhausCsv, readCommonOptions),
  'threatfox-csv': accepting(parseThreatFoxCsv, readCommonOptions),
  'threatfox-json': accepting(parseThreatFoxJson, withElementCap),
  'feodo-csv': accepting(parseFeodoCsv, readCommonOptions),
  'feodo-json': accepting(parseFeodoJson, withElementCap),
  'openphish-txt': accepting(parseOpenPhishTxt, readCommonOptions),
  'phishtank-csv': accepting(parsePhishTankCsv, readCommonOptions),
  'phishtank-json': accepting(parsePhishTankJson, withElementCap),
  'spamhaus-drop': accepting(parseSpamhausDrop, readCommonOptions),
  'generic-csv': accepting(parseGenericCsv, (raw) => ({
    ...readCommonOptions(raw),
    ...readGenericCsvOptions(raw),
  })),
  text: accepting(parseText, (raw) => ({ ...readCommonOptions(raw), ...readTextOptions(raw) })),
  'misp-event': accepting(parseMispEvent, (raw) => ({
    ...readCommonOptions(raw),
    toIdsOnly: isRecord(raw) && raw.toIdsOnly === true,
    maxDocumentBytes: isRecord(raw) ? positiveInt(raw.maxDocumentBytes) : undefined,
  })),
  'stix-bundle': accepting(parseStixBundle, withElementCap),
}

export { catalogue, type CatalogueFeed } from '../catalogue'
export { type DetectResult, detectFormat } from './detect-format'
export { type MispEventOptions, mapMispAttribute, mispEventToItems } from './misp-event.parser'
export {
  BATCH_SIZE,
  Batcher,
  type CommonParseOptions,
  type ParseStats,
  createParseStats,
  rejectItem,
} from './parse-support'
export { type StixContext, createStixContext, mapStixObject } from './stix-objects'
export { type StixPatternInfo, type StixPatternObservable, parseStixPattern } from './stix-pattern'
export { type GenericCsvOptions, GenericCsvOptionsSchema } from './generic-csv.parser'
export { type TextOptions, TextOptionsSchema } from './text.parser'
export { JsonSplitter, type JsonTarget } from './json-splitter'
