// The IOC domain layer's public API. Runs in the renderer and in Node: no node:* imports, no DOM.

export * from './enums'
export {
  Invalid,
  MAX_FREE_TEXT_LENGTH,
  MAX_VALUE_LENGTH,
  type ParseResult,
  cleanValue,
} from './parse-result'
export { IOC_TYPE_LABELS, canonicalize } from './canonicalize'
export { detectType, hasUrlScheme, iocTypeLabel, parseIndicator } from './detect-type'
export { type RefangOptions, defang, refang } from './refang'
export {
  type ExtractMode,
  type ExtractedIndicator,
  listCandidate,
  pickMode,
  readList,
} from './extract'
export {
  type HostPort,
  formatIPv4,
  formatIPv6,
  parseIPv4,
  parseIPv6,
  splitHostPort,
} from './ip-address'
export { punycodeDecode, punycodeEncode } from './punycode'
export { sha1 } from './sha1'
export {
  type IndicatorIdFn,
  type ScoType,
  type Sha1,
  type StixScoIdFn,
  STIX_SCO_NAMESPACE,
  THREATEYE_NAMESPACE,
  createIndicatorId,
  createStixScoId,
  indicatorId,
  scoTypeOf,
  stixScoId,
} from './indicator-id'
