import type { HandlerMap } from '../rpc/handlers'
import { extractIocs } from './extract-iocs'

/** indicators.extract: the extraction engine over every transport; it reads text and stores nothing. */
export const createExtractHandlers = (): HandlerMap<'indicators.extract'> => ({
  'indicators.extract': async ({ text, kinds, urlHosts, maxItems }) =>
    extractIocs(text, { kinds, urlHosts, maxItems }),
})
