export { extractIocs } from './extract-iocs'
export {
  EXTRACT_KINDS,
  type ExtractKind,
  type ExtractOptions,
  type ExtractResult,
  type ExtractedItem,
  IOC_TYPE_OF_KIND,
} from './extract-types'
export { refangLine } from './refang-line'
