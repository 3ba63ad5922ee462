import { join } from 'node:path'
import { AppError } from '#shared/contract/errors'
import { spawnWorker } from '../workers/spawn-worker'

export type PdfWorkerData = { bytes: Uint8Array; maxPages: number; maxChars: number }
export type PdfWorkerResult =
  { ok: true; text: string; pages: number; pagesRead: number } | { ok: false; message: string }

export type PdfLimits = {
  /** Pages read at most; the rest are left (the result says how many there were). */
  maxPages: number
  /** Text kept at most, in characters: reading stops at the page that passes it. */
  maxChars: number
  /** The thread is stopped after this long, whatever PDF.js is doing. */
  timeoutMs: number
}

export const DEFAULT_PDF_LIMITS: PdfLimits = {
  maxPages: 500,
  maxChars: 8 * 1024 * 1024,
  timeoutMs: 30_000,
}

// The parser's heap, apart from the main thread's: a PDF's streams inflate far beyond the file's size.
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: 32 }

/**
 * The text of a PDF, page after page (each text line a line), read on a worker thread that is terminated
 * at the deadline. Errors name the file.
 */
export const pdfToText = (
  bytes: Uint8Array,
  fileName: string,
  limits: PdfLimits = DEFAULT_PDF_LIMITS,
): Promise<{ text: string; pages: number; pagesRead: number }> =>
  new Promise((resolve, reject) => {
    const data: PdfWorkerData = { bytes, maxPages: limits.maxPages, maxChars: limits.maxChars }
    const worker = spawnWorker(
      { name: 'pdf-text', source: join(__dirname, 'pdf-text.worker.ts') },
      data,
      RESOURCE_LIMITS,
    )
    let settled = false
    const finish = (fn: () => void) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      fn()
      void worker.terminate()
    }
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(
            new AppError(
              'invalid_input',
              `${fileName}: reading the PDF's text took longer than ${limits.timeoutMs / 1000} s; it was stopped`,
            ),
          ),
        ),
      limits.timeoutMs,
    )
    worker.once('message', (r: PdfWorkerResult) =>
      finish(() =>
        r.ok
          ? resolve({ text: r.text, pages: r.pages, pagesRead: r.pagesRead })
          : reject(
              new AppError('invalid_input', `${fileName} is not a readable PDF: ${r.message}`),
            ),
      ),
    )
    worker.once('error', (e) =>
      finish(() =>
        reject(
          new AppError(
            'invalid_input',
            `${fileName}: the PDF reader failed (${e.message}); the file may be damaged or too large`,
          ),
        ),
      ),
    )
    worker.once('exit', (code) =>
      finish(() =>
        reject(new AppError('internal', `${fileName}: the PDF reader stopped (exit code ${code})`)),
      ),
    )
  })
