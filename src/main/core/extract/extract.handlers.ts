import type { HandlerMap } from '../rpc/handlers'
import { extractFromFile, extractFromText } from './extract-document'

/** indicators.extract: the extraction engine over every transport; it reads text or a file, stores nothing. */
export const createExtractHandlers = (): HandlerMap<'indicators.extract'> => ({
  'indicators.extract': async ({ text, file, kinds, urlHosts, maxItems }) => {
    const opts = { kinds, urlHosts, maxItems }
    return file === undefined
      ? extractFromText(text ?? '', opts)
      : extractFromFile(Buffer.from(file.data, 'base64'), file.name, opts)
  },
})
