import { MAX_EXTRACT_TEXT_CHARS, type ExtractFormat } from '#shared/contract/indicators.contract'
import { documentText } from './document-text'
import { extractIocs } from './extract-iocs'
import type { ExtractOptions, ExtractResult } from './extract-types'

export type DocumentExtractResult = ExtractResult & { format: ExtractFormat; note?: string }

/** Extraction from text already in hand. */
export const extractFromText = (text: string, opts: ExtractOptions): DocumentExtractResult => ({
  ...extractIocs(text, opts),
  format: 'text',
})

/**
 * Extraction from a file's bytes (the CLI's files and standard input, indicators.extract's `file`): its text
 * by its kind (document-text.ts), cut at `maxTextChars` (the contract's limit on given text, by default),
 * then the one engine.
 */
export const extractFromFile = async (
  bytes: Uint8Array,
  fileName: string,
  opts: ExtractOptions,
  maxTextChars = MAX_EXTRACT_TEXT_CHARS,
): Promise<DocumentExtractResult> => {
  const doc = await documentText(bytes, fileName)
  const cut = doc.text.length > maxTextChars
  const r = extractIocs(cut ? doc.text.slice(0, maxTextChars) : doc.text, opts)
  const out: DocumentExtractResult = { ...r, truncated: r.truncated || cut, format: doc.format }
  const notes = [
    doc.note,
    cut ? `${fileName}: only its first ${maxTextChars} characters of text were read` : undefined,
  ].filter((n) => n !== undefined)
  if (notes.length > 0) out.note = notes.join('; ')
  return out
}
