import { useEffect, useRef, useState } from 'react'
import {
  DETECT_HEAD_CHARS,
  FEED_FORMAT_NAMES,
  MAX_IMPORT_TEXT_CHARS,
  type CsvMapping,
  type CsvPreview,
  type FeedRun,
} from '#shared/contract/feeds.contract'
import { ApiError, errorMessage } from '../../api/client'
import { followRun } from '../../api/follow'
import { useClient, useServices } from '../../app-context'
import { Modal } from '../../components/modal'
import { formatCount } from '../indicators/format'
import { useFeeds, useFeedsStore } from './feeds-context'
import { CsvMappingStep, initialMapping, mappingReady } from './csv-mapping-step'
import { FORMAT_LABELS, formatBytes, type FeedFormat } from './feeds-format'
import { RunProgressBar } from './run-bits'
import { RunOutcome, RunReport, useRunDetail } from './run-report'

/** Formats a local file can be in (a MISP feed and TAXII are servers, not files). */
const FILE_FORMATS = FEED_FORMAT_NAMES.filter((f) => f !== 'misp-feed' && f !== 'taxii')

type Step =
  | { kind: 'reading' }
  | { kind: 'too-big'; reason: string }
  | {
      kind: 'pick'
      candidates: FeedFormat[]
      content: string
      ambiguous: boolean
      csv: CsvPreview | null
    }
  | { kind: 'map'; preview: CsvPreview; content: string }
  | { kind: 'importing'; format: FeedFormat }
  | { kind: 'done'; run: FeedRun }
  | { kind: 'failed'; message: string }

const cliHint = (name: string) => `threateye import "${name.replace(/"/g, '\\"')}"`

/** Zip and gzip archives, and anything with NUL bytes, are not text a drop can carry. */
const looksBinary = (head: Uint8Array): boolean => {
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return true
  if (head[0] === 0x1f && head[1] === 0x8b) return true
  return head.includes(0)
}

/**
 * A dropped file: read in the page, format detected by the core from its first 64 KB (the analyst picks when
 * that is ambiguous), imported with feeds.importText (not waiting: the dialog follows the run). Files too
 * big for one call go to the command line.
 */
export const ImportDialog = (props: { file: File; onClose: () => void }) => {
  const client = useClient()
  const { ui } = useServices()
  const feeds = useFeedsStore()
  const progress = useFeeds((s) => s.importProgress)
  const [step, setStep] = useState<Step>({ kind: 'reading' })
  const [picked, setPicked] = useState<FeedFormat | null>(null)
  const [mapping, setMapping] = useState<CsvMapping>({})
  const started = useRef(false)
  const { file } = props

  const runImport = async (content: string, format: FeedFormat, csv?: CsvMapping) => {
    setStep({ kind: 'importing', format })
    try {
      // The call answers with the queued run at once; the run is followed to its end by its events and
      // feeds.getRun, so a long import never hangs on one request.
      const started = await client.call('feeds.importText', {
        content,
        fileName: file.name,
        format,
        ...(csv ? { mapping: csv } : {}),
        wait: false,
      })
      const run = await followRun(client, started.id)
      setStep({ kind: 'done', run })
      if (run.status === 'succeeded')
        ui.getState().toast('success', `Imported ${file.name}: ${formatCount(run.created)} new`)
    } catch (e) {
      if (e instanceof ApiError && e.code === 'payload_too_large') {
        setStep({ kind: 'too-big', reason: 'The server refused a request this large.' })
        return
      }
      setStep({ kind: 'failed', message: errorMessage(e) })
    }
  }

  useEffect(() => {
    // StrictMode mounts twice; the file must be read and imported once.
    if (started.current) return
    started.current = true
    const go = async () => {
      if (file.size > MAX_IMPORT_TEXT_CHARS) {
        setStep({
          kind: 'too-big',
          reason: `${file.name} is ${formatBytes(file.size)}; a dropped file can be at most ${formatBytes(MAX_IMPORT_TEXT_CHARS)}.`,
        })
        return
      }
      const head = new Uint8Array(await file.slice(0, 4096).arrayBuffer())
      if (looksBinary(head)) {
        setStep({
          kind: 'failed',
          message: `${file.name} is a compressed or binary file. Unpack it first, or import it from the command line: ${cliHint(file.name)}`,
        })
        return
      }
      const content = await file.text()
      const detected = await client.call('feeds.detectFormat', {
        head: content.slice(0, DETECT_HEAD_CHARS),
        fileName: file.name.slice(0, 255),
      })
      if ('looksLike' in detected && detected.looksLike) {
        setStep({
          kind: 'failed',
          message: `${file.name} looks like ${detected.looksLike}: it holds no indicators in a format ThreatEye reads, so nothing was imported.`,
        })
        return
      }
      if ('format' in detected) {
        await runImport(content, detected.format)
        return
      }
      const candidates = 'ambiguous' in detected ? detected.ambiguous : [...FILE_FORMATS]
      setPicked(candidates[0] ?? null)
      setStep({
        kind: 'pick',
        candidates,
        content,
        ambiguous: 'ambiguous' in detected,
        csv: 'csv' in detected ? (detected.csv ?? null) : null,
      })
    }
    go().catch((e: unknown) => setStep({ kind: 'failed', message: errorMessage(e) }))
    // The dialog is keyed by the file: one run per mount.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  const busy = step.kind === 'reading' || step.kind === 'importing'
  const footer =
    step.kind === 'map' ? (
      <>
        <button type="button" className="button" onClick={props.onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="button"
          data-testid="import-as-text"
          onClick={() => void runImport(step.content, 'text')}
        >
          Import as a text list instead
        </button>
        <button
          type="button"
          className="button button-primary"
          disabled={!mappingReady(mapping)}
          data-testid="import-mapping-submit"
          onClick={() => void runImport(step.content, 'generic-csv', mapping)}
        >
          Import with this mapping
        </button>
      </>
    ) : step.kind === 'pick' ? (
      <>
        <button type="button" className="button" onClick={props.onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="button button-primary"
          disabled={picked === null}
          data-testid="import-format-submit"
          onClick={() => {
            if (picked === null) return
            // A CSV whose columns the core did not recognise: the analyst maps them first.
            if (picked === 'generic-csv' && step.csv !== null && step.csv.mapping === null) {
              setMapping(initialMapping(step.csv))
              setStep({ kind: 'map', preview: step.csv, content: step.content })
              return
            }
            void runImport(step.content, picked)
          }}
        >
          Import as {picked ? FORMAT_LABELS[picked] : '…'}
        </button>
      </>
    ) : step.kind === 'importing' ? (
      <button
        type="button"
        className="button"
        disabled={!progress}
        data-testid="import-cancel"
        onClick={() => progress && void feeds.getState().cancel(progress.runId)}
      >
        Cancel import
      </button>
    ) : (
      <button
        type="button"
        className="button button-primary"
        onClick={props.onClose}
        disabled={busy}
        data-testid="import-close"
      >
        {step.kind === 'done' ? 'Done' : 'Close'}
      </button>
    )

  return (
    <Modal
      title={`Import ${file.name}`}
      onClose={props.onClose}
      size="large"
      testId="import-dialog"
      footer={footer}
    >
      <div className="import-body" data-testid="import-body" data-step={step.kind}>
        <p className="muted">
          <span className="mono">{file.name}</span> · {formatBytes(file.size)}
        </p>
        {step.kind === 'reading' ? <p>Reading the file and detecting its format…</p> : null}
        {step.kind === 'too-big' ? (
          <div className="import-too-big" role="alert" data-testid="import-too-big">
            <p>{step.reason}</p>
            <p>Import it from the command line instead, which streams files of any size:</p>
            <pre className="cli-hint">{cliHint(file.name)}</pre>
          </div>
        ) : null}
        {step.kind === 'pick' ? (
          <fieldset className="format-pick" data-testid="import-format-pick">
            <legend>
              {step.ambiguous
                ? 'This file fits more than one format. Which is it?'
                : 'The format could not be recognised. Pick the one this file is in:'}
            </legend>
            {step.candidates.map((f) => (
              <label key={f} className="format-option">
                <input
                  type="radio"
                  name="import-format"
                  value={f}
                  checked={picked === f}
                  data-testid={`import-format-${f}`}
                  onChange={() => setPicked(f)}
                />
                {FORMAT_LABELS[f]}
              </label>
            ))}
          </fieldset>
        ) : null}
        {step.kind === 'map' ? (
          <CsvMappingStep preview={step.preview} mapping={mapping} onChange={setMapping} />
        ) : null}
        {step.kind === 'importing' ? (
          <div data-testid="import-progress">
            <p>
              Importing as <strong>{FORMAT_LABELS[step.format]}</strong>…
            </p>
            <RunProgressBar progress={progress} label="Import progress" />
          </div>
        ) : null}
        {step.kind === 'done' ? <ImportResult run={step.run} /> : null}
        {step.kind === 'failed' ? (
          <p className="form-error" role="alert" data-testid="import-error">
            {step.message}
          </p>
        ) : null}
      </div>
    </Modal>
  )
}

const ImportResult = (props: { run: FeedRun }) => {
  const { detail } = useRunDetail(props.run.id)
  return (
    <div data-testid="import-result">
      <RunReport run={detail ?? props.run} />
      {detail ? <RunOutcome run={detail} /> : null}
    </div>
  )
}
