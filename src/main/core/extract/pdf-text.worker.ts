import { parentPort, workerData } from 'node:worker_threads'
import type { PdfWorkerData, PdfWorkerResult } from './pdf-text'

/**
 * Reads a PDF's text with PDF.js on its own thread, so that the main side can stop a hostile file that
 * makes the parser spin (it terminates the thread at its deadline) and the heap it may grow is this
 * thread's, capped by its resource limits. Scripts are off: PDF.js never evaluates the document's
 * JavaScript in Node, and `isEvalSupported: false` keeps its font compiler from generating code too.
 */
const data = workerData as PdfWorkerData
const port = parentPort
if (port === null) throw new Error('pdf-text.worker must run as a worker thread')

const pageText = (items: readonly unknown[]): string => {
  let out = ''
  for (const item of items) {
    if (typeof item !== 'object' || item === null || !('str' in item)) continue
    const { str, hasEOL } = item as { str: unknown; hasEOL?: unknown }
    if (typeof str === 'string') out += str
    if (hasEOL === true) out += '\n'
  }
  return out
}

const run = async (): Promise<PdfWorkerResult> => {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs')
  const doc = await getDocument({
    data: data.bytes,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
    verbosity: 0,
  }).promise
  try {
    const pages = Math.min(doc.numPages, data.maxPages)
    const texts: string[] = []
    let chars = 0
    for (let n = 1; n <= pages && chars < data.maxChars; n++) {
      const page = await doc.getPage(n)
      const text = pageText((await page.getTextContent()).items)
      page.cleanup()
      texts.push(text)
      chars += text.length + 1
    }
    return { ok: true, text: texts.join('\n'), pages: doc.numPages, pagesRead: texts.length }
  } finally {
    await doc.destroy()
  }
}

run().then(
  (r) => port.postMessage(r),
  (e: unknown) =>
    port.postMessage({ ok: false, message: e instanceof Error ? e.message : String(e) }),
)
