import { useRef, useState, type DragEvent } from 'react'
import { MAX_EXTRACT_FILE_BYTES } from '#shared/contract/indicators.contract'
import { formatCount } from './format'

/** A file the analyst chose or dropped, read in the page and sent to the core as base64. */
export type PastedFile = { id: number; name: string; size: number; data: string }

/** Files the page reads as text into the box, so a list file is still read line by line. */
const TEXT_FILE = /\.(?:txt|md|csv|tsv|log|ioc|list)$/i
/** What the picker offers; the core tells any file apart by its content too. */
export const FILE_ACCEPT = '.txt,.md,.csv,.tsv,.log,.html,.htm,.eml,.pdf'

const base64Of = (bytes: Uint8Array): string => {
  let binary = ''
  // Chunks keep String.fromCharCode's argument list within engine limits.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  }
  return btoa(binary)
}

let nextId = 1

/**
 * Reads a chosen or dropped file: a plain-text file becomes the box's text; anything else (.eml, .html,
 * .pdf) is kept as bytes for the core's extraction, which reads it by its kind and never renders it.
 */
export const readPastedFile = async (
  file: File,
): Promise<{ text: string } | { file: PastedFile } | { error: string }> => {
  if (file.size > MAX_EXTRACT_FILE_BYTES) {
    return {
      error: `${file.name} is larger than ${formatCount(MAX_EXTRACT_FILE_BYTES / 1024 / 1024)} MB: import it as a feed file instead`,
    }
  }
  if (TEXT_FILE.test(file.name)) return { text: await file.text() }
  const data = base64Of(new Uint8Array(await file.arrayBuffer()))
  return { file: { id: nextId++, name: file.name, size: file.size, data } }
}

/** The "Choose file…" button and the chip of the file being read, with the way back to typing. */
export const PasteFileControls = (props: {
  file: PastedFile | null
  onFile: (file: File) => void
  onClear: () => void
}) => {
  const input = useRef<HTMLInputElement>(null)
  return (
    <div className="paste-file">
      <input
        ref={input}
        type="file"
        hidden
        accept={FILE_ACCEPT}
        data-testid="paste-file-input"
        onChange={(e) => {
          const f = e.target.files?.[0]
          if (f !== undefined) props.onFile(f)
          e.target.value = ''
        }}
      />
      <button type="button" className="button" onClick={() => input.current?.click()}>
        Choose file…
      </button>
      {props.file !== null ? (
        <span className="muted" data-testid="paste-file" data-name={props.file.name}>
          Reading {props.file.name} ({formatCount(Math.ceil(props.file.size / 1024))} KB) ·{' '}
          <button type="button" className="link-button" onClick={props.onClear}>
            type or paste instead
          </button>
        </span>
      ) : (
        <span className="muted">or drop a .txt, .html, .eml or .pdf file on the box</span>
      )}
    </div>
  )
}

/** Drag-and-drop onto the box: the first file dropped is read; text dropped falls through as usual. */
export const useFileDrop = (onFile: (file: File) => void) => {
  const [over, setOver] = useState(false)
  const hasFiles = (e: DragEvent) => [...e.dataTransfer.types].includes('Files')
  return {
    over,
    handlers: {
      onDragOver: (e: DragEvent) => {
        if (!hasFiles(e)) return
        e.preventDefault()
        setOver(true)
      },
      onDragLeave: () => setOver(false),
      onDrop: (e: DragEvent) => {
        setOver(false)
        const f = e.dataTransfer.files[0]
        if (f === undefined) return
        e.preventDefault()
        onFile(f)
      },
    },
  }
}
