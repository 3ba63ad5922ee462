import {
  type ExtractMode,
  type ExtractedIndicator,
  type IocType,
  pickMode,
  readList,
} from '#shared/domain'
import { extractIocs } from './extract-iocs'
import { EXTRACT_KINDS, type ExtractKind, IOC_TYPE_OF_KIND } from './extract-types'

export type ExtractIndicatorsOptions = {
  /** 'list': one value per line; 'text': the engine over prose; 'auto' (default): the first lines decide. */
  mode?: ExtractMode
  /** Force every value to this type (list) or keep only this type (text). */
  type?: IocType
}

const kindsOf = (type: IocType): ExtractKind[] =>
  EXTRACT_KINDS.filter((k) => IOC_TYPE_OF_KIND[k] === type)

/**
 * Indicators in imported text (indicators.bulkCreate's text, the feeds' text format), with 1-based line
 * numbers. List mode yields every value line, parsed or rejected with its reason. Text mode is the one
 * extraction engine (extractIocs): refanged, canonical, deduplicated, only what parses, and only what is an
 * indicator type (no tactics). A URL's host is not added as a domain of its own here: an import stores
 * what the source listed, and the paste box, which does add it, lets the analyst untick it.
 */
export function* extractIndicators(
  text: string,
  opts: ExtractIndicatorsOptions = {},
): Generator<ExtractedIndicator> {
  const mode = opts.mode === 'list' || opts.mode === 'text' ? opts.mode : pickMode(text)
  if (mode === 'list') {
    yield* readList(text, opts.type)
    return
  }
  const kinds = opts.type === undefined ? undefined : kindsOf(opts.type)
  for (const item of extractIocs(text, { kinds, urlHosts: false }).items) {
    if (item.iocType === null) continue
    yield {
      line: item.line,
      raw: item.raw,
      result: { ok: true, type: item.iocType, value: item.value },
    }
  }
}
