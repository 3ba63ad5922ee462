import { useEffect, useRef, useState } from 'react'
import './pdf-preview.css'

/** Pages drawn at most: a preview, not a reader (the saved file has them all). */
const MAX_PAGES = 30

/**
 * A PDF drawn page by page onto canvases with pdf.js, in the app's own page: no <iframe>, <embed> or blob
 * URL, which the content security policy forbids (frame-src, object-src 'none'). pdf.js parses in its worker,
 * which Vite bundles as a same-origin script (worker-src 'self'); scripting in the PDF never runs.
 */
export const PdfPreview = (props: { bytes: Uint8Array; title: string }) => {
  const host = useRef<HTMLDivElement>(null)
  const [state, setState] = useState<
    { kind: 'loading' } | { kind: 'ready'; pages: number } | { kind: 'error'; message: string }
  >({ kind: 'loading' })

  useEffect(() => {
    let cancelled = false
    let worker: Worker | null = null
    const canvases: HTMLCanvasElement[] = []
    const draw = async () => {
      const pdfjs = await import('pdfjs-dist')
      // Bundled by Vite as a worker script (.js): every host serves that type, which a bare .mjs asset is not.
      const { default: PdfWorker } = await import('pdfjs-dist/build/pdf.worker.min.mjs?worker')
      worker = new PdfWorker()
      pdfjs.GlobalWorkerOptions.workerPort = worker
      // pdf.js takes ownership of the buffer it is given: hand it a copy.
      const doc = await pdfjs.getDocument({ data: props.bytes.slice(), isEvalSupported: false })
        .promise
      try {
        const width = host.current?.clientWidth ?? 800
        for (let n = 1; n <= Math.min(doc.numPages, MAX_PAGES) && !cancelled; n++) {
          const page = await doc.getPage(n)
          const base = page.getViewport({ scale: 1 })
          const scale = Math.min(2, (width - 24) / base.width)
          const viewport = page.getViewport({ scale: scale * window.devicePixelRatio })
          const canvas = document.createElement('canvas')
          canvas.width = Math.floor(viewport.width)
          canvas.height = Math.floor(viewport.height)
          canvas.style.width = `${Math.floor(viewport.width / window.devicePixelRatio)}px`
          canvas.className = 'pdf-page'
          canvas.setAttribute('role', 'img')
          canvas.setAttribute('aria-label', `${props.title}, page ${n} of ${doc.numPages}`)
          canvas.dataset.testid = 'pdf-page'
          await page.render({ canvas, viewport }).promise
          if (cancelled) break
          canvases.push(canvas)
          host.current?.appendChild(canvas)
        }
        if (!cancelled) setState({ kind: 'ready', pages: doc.numPages })
      } finally {
        await doc.destroy()
        worker?.terminate()
      }
    }
    draw().catch((e: unknown) => {
      if (!cancelled)
        setState({ kind: 'error', message: e instanceof Error ? e.message : String(e) })
    })
    return () => {
      cancelled = true
      worker?.terminate()
      for (const c of canvases) c.remove()
    }
  }, [props.bytes, props.title])

  return (
    <div className="pdf-preview" data-testid="pdf-preview" data-state={state.kind}>
      {state.kind === 'loading' ? <p className="muted">Drawing the pages…</p> : null}
      {state.kind === 'error' ? (
        <p className="form-error" role="alert">
          The preview failed: {state.message}
        </p>
      ) : null}
      <div ref={host} className="pdf-pages" />
      {state.kind === 'ready' && state.pages > MAX_PAGES ? (
        <p className="muted">
          The first {MAX_PAGES} of {state.pages} pages; the saved file has them all.
        </p>
      ) : null}
    </div>
  )
}
