import { useRef } from 'react'
import { DETECT_HEAD_CHARS, MAX_IMPORT_TEXT_CHARS } from '#shared/contract/feeds.contract'
import { ApiError } from '../../api/client'
import { useClient } from '../../app-context'
import { formatBytes } from './feeds-format'
import { ImportStepsModal } from './import-steps-modal'
import { useImportSteps, type ImportStop } from './use-import-steps'

const cliHint = (name: string) => `threateye import "${name.replace(/"/g, '\\"')}"`

/** Zip and gzip archives, and anything with NUL bytes, are not text a drop can carry. */
const looksBinary = (head: Uint8Array): boolean => {
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return true
  if (head[0] === 0x1f && head[1] === 0x8b) return true
  return head.includes(0)
}

/** Reads a dropped file in the page; what is too big or not text stops before detection. */
const readDropped = async (file: File): Promise<{ content: string } | { stop: ImportStop }> => {
  if (file.size > MAX_IMPORT_TEXT_CHARS)
    return {
      stop: {
        kind: 'too-big',
        reason: `${file.name} is ${formatBytes(file.size)}; a dropped file can be at most ${formatBytes(MAX_IMPORT_TEXT_CHARS)}.`,
      },
    }
  const head = new Uint8Array(await file.slice(0, 4096).arrayBuffer())
  if (looksBinary(head))
    return {
      stop: {
        kind: 'failed',
        message: `${file.name} is a compressed or binary file. Unpack it first, or import it from the command line: ${cliHint(file.name)}`,
      },
    }
  return { content: await file.text() }
}

/**
 * A dropped file: read in the page, format detected by the core from its first 64 KB (the analyst picks when
 * that is ambiguous), imported with feeds.importText. Files too big for one call go to the command line.
 */
export const ImportDialog = (props: { file: File; onClose: () => void }) => {
  const client = useClient()
  const { file } = props
  const content = useRef('')
  const steps = useImportSteps({
    name: file.name,
    detect: async () => {
      const read = await readDropped(file)
      if ('stop' in read) return read
      content.current = read.content
      const detected = await client.call('feeds.detectFormat', {
        head: read.content.slice(0, DETECT_HEAD_CHARS),
        fileName: file.name.slice(0, 255),
      })
      return { detected }
    },
    start: (format, mapping) =>
      client.call('feeds.importText', {
        content: content.current,
        fileName: file.name,
        format,
        ...(mapping ? { mapping } : {}),
        wait: false,
      }),
    stopFor: (e) =>
      e instanceof ApiError && e.code === 'payload_too_large'
        ? { kind: 'too-big', reason: 'The server refused a request this large.' }
        : null,
  })
  const { step } = steps
  return (
    <ImportStepsModal steps={steps} file={file} onClose={props.onClose}>
      {step.kind === 'too-big' ? (
        <div className="import-too-big" role="alert" data-testid="import-too-big">
          <p>{step.reason}</p>
          <p>Import it from the command line instead, which streams files of any size:</p>
          <pre className="cli-hint">{cliHint(file.name)}</pre>
        </div>
      ) : null}
    </ImportStepsModal>
  )
}
