import { extname } from 'node:path'
import { AppError } from '#shared/contract/errors'
import type { ExtractFormat } from '#shared/contract/indicators.contract'
import { emlToText, looksLikeEml } from './eml-text'
import { htmlToText } from './html-text'
import { DEFAULT_PDF_LIMITS, type PdfLimits, pdfToText } from './pdf-text'

export type DocumentText = {
  text: string
  format: ExtractFormat
  /** Set when part of the document was not read (pages past the cap). */
  note?: string
}

const HTML_EXTENSIONS = new Set(['.html', '.htm', '.xhtml', '.shtml'])
const HTML_START = /^\s*(?:<!--[\s\S]*?-->\s*)*<(?:!doctype\s+html|html|head|body)[\s>]/i
const SNIFF_BYTES = 8192

const startsLikePdf = (b: Uint8Array): boolean => {
  // The header may follow up to 1024 bytes of junk (PDF 1.7, 7.5.2), which readers accept.
  const head = Buffer.from(b.subarray(0, 1024)).toString('latin1')
  return head.includes('%PDF-')
}

/** Bytes to text: a UTF-16 byte-order mark is honoured, anything else is read as UTF-8. */
const decodeText = (b: Uint8Array): string => {
  if (b[0] === 0xff && b[1] === 0xfe) return new TextDecoder('utf-16le').decode(b.subarray(2))
  if (b[0] === 0xfe && b[1] === 0xff) return new TextDecoder('utf-16be').decode(b.subarray(2))
  return new TextDecoder('utf-8').decode(b)
}

const looksBinary = (b: Uint8Array): boolean => b.subarray(0, SNIFF_BYTES).includes(0)

/**
 * The text of a file for extraction, by its extension and its content: PDF (its magic), e-mail (.eml or a
 * block of mail headers), HTML (.html or a document start) or plain text. Errors name the file.
 */
export const documentText = async (
  bytes: Uint8Array,
  fileName: string,
  pdfLimits: PdfLimits = DEFAULT_PDF_LIMITS,
): Promise<DocumentText> => {
  const ext = extname(fileName).toLowerCase()
  if (startsLikePdf(bytes)) {
    const r = await pdfToText(bytes, fileName, pdfLimits)
    const note =
      r.pagesRead < r.pages
        ? `${fileName}: read ${r.pagesRead} of ${r.pages} pages (the cap is ${pdfLimits.maxPages} pages and ${pdfLimits.maxChars} characters)`
        : undefined
    return note === undefined
      ? { text: r.text, format: 'pdf' }
      : { text: r.text, format: 'pdf', note }
  }
  if (ext === '.pdf') {
    throw new AppError('invalid_input', `${fileName} is named .pdf but does not start like a PDF`)
  }
  if (ext === '.msg') {
    throw new AppError(
      'unsupported',
      `${fileName} is an Outlook .msg file (a binary container): save the message as .eml and extract from that`,
    )
  }
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)
  if (!utf16 && looksBinary(bytes)) {
    throw new AppError(
      'unsupported',
      `${fileName} is a binary file: extraction reads text, HTML, e-mail (.eml) and PDF files`,
    )
  }
  if (
    ext === '.eml' ||
    (!HTML_EXTENSIONS.has(ext) && looksLikeEml(decodeText(bytes.subarray(0, SNIFF_BYTES))))
  ) {
    return { text: emlToText(bytes), format: 'eml' }
  }
  const text = decodeText(bytes)
  if (HTML_EXTENSIONS.has(ext) || HTML_START.test(text.slice(0, SNIFF_BYTES))) {
    return { text: htmlToText(text), format: 'html' }
  }
  return { text, format: 'text' }
}
