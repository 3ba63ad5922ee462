import { useEffect, useRef, useState } from 'react'
import {
  FEED_FORMAT_NAMES,
  type CsvMapping,
  type CsvPreview,
  type FeedRun,
} from '#shared/contract/feeds.contract'
import type { PickedFile } from '#shared/contract/files.contract'
import { errorMessage } from '../../api/client'
import { useClient, useServices } from '../../app-context'
import { Modal } from '../../components/modal'
import { formatCount } from '../indicators/format'
import { CsvMappingStep, initialMapping, mappingReady } from './csv-mapping-step'
import { useFeeds, useFeedsStore } from './feeds-context'
import { FORMAT_LABELS, formatBytes, type FeedFormat } from './feeds-format'
import { RunProgressBar } from './run-bits'
import { RunOutcome, RunReport, useRunDetail } from './run-report'

/** Formats a local file can be in (a MISP feed and TAXII are servers, not files). */
const FILE_FORMATS = FEED_FORMAT_NAMES.filter((f) => f !== 'misp-feed' && f !== 'taxii')

type Step =
  | { kind: 'reading' }
  | { kind: 'pick'; candidates: FeedFormat[]; ambiguous: boolean; csv: CsvPreview | null }
  | { kind: 'map'; preview: CsvPreview }
  | { kind: 'importing'; format: FeedFormat }
  | { kind: 'done'; run: FeedRun }
  | { kind: 'failed'; message: string }

/**
 * A file the user picked in the desktop's open dialog. The page holds only its handle, name and size: the
 * main process reads the file, for format detection (its first 64 KB, unzipped) and for the import, which
 * streams it whatever its size. The steps (pick a format, map a CSV's columns, progress, report) are those
 * of a dropped file.
 */
export const PickedImportDialog = (props: { file: PickedFile; onClose: () => void }) => {
  const client = useClient()
  const { ui } = useServices()
  const feeds = useFeedsStore()
  const progress = useFeeds((s) => s.importProgress)
  const [step, setStep] = useState<Step>({ kind: 'reading' })
  const [picked, setPicked] = useState<FeedFormat | null>(null)
  const [mapping, setMapping] = useState<CsvMapping>({})
  const started = useRef(false)
  const { file } = props

  const runImport = async (format: FeedFormat, csv?: CsvMapping) => {
    setStep({ kind: 'importing', format })
    try {
      const run = await client.call('feeds.importFile', {
        handle: file.handle,
        format,
        ...(csv ? { mapping: csv } : {}),
      })
      setStep({ kind: 'done', run })
      if (run.status === 'succeeded')
        ui.getState().toast('success', `Imported ${file.name}: ${formatCount(run.created)} new`)
    } catch (e) {
      setStep({ kind: 'failed', message: errorMessage(e) })
    }
  }

  useEffect(() => {
    // StrictMode mounts twice; the handle is good for one import.
    if (started.current) return
    started.current = true
    const go = async () => {
      const detected = await client.call('feeds.detectFormat', { handle: file.handle })
      if ('looksLike' in detected && detected.looksLike) {
        setStep({
          kind: 'failed',
          message: `${file.name} looks like ${detected.looksLike}: it holds no indicators in a format ThreatEye reads, so nothing was imported.`,
        })
        return
      }
      if ('format' in detected) {
        await runImport(detected.format)
        return
      }
      const candidates = 'ambiguous' in detected ? detected.ambiguous : [...FILE_FORMATS]
      setPicked(candidates[0] ?? null)
      setStep({
        kind: 'pick',
        candidates,
        ambiguous: 'ambiguous' in detected,
        csv: 'csv' in detected ? (detected.csv ?? null) : null,
      })
    }
    go().catch((e: unknown) => setStep({ kind: 'failed', message: errorMessage(e) }))
    // The dialog is keyed by the pick: one run per mount.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  const submitFormat = () => {
    if (picked === null || step.kind !== 'pick') return
    // A CSV whose columns the core did not recognise: the analyst maps them first.
    if (picked === 'generic-csv' && step.csv !== null && step.csv.mapping === null) {
      setMapping(initialMapping(step.csv))
      setStep({ kind: 'map', preview: step.csv })
      return
    }
    void runImport(picked)
  }

  return (
    <Modal
      title={`Import ${file.name}`}
      onClose={props.onClose}
      size="large"
      testId="import-dialog"
      footer={
        <PickedImportFooter
          step={step}
          picked={picked}
          ready={step.kind === 'pick' ? picked !== null : mappingReady(mapping)}
          cancellable={progress !== null}
          onClose={props.onClose}
          onSubmitFormat={submitFormat}
          onSubmitMapping={() => void runImport('generic-csv', mapping)}
          onImportAsText={() => void runImport('text')}
          onCancelImport={() => progress && void feeds.getState().cancel(progress.runId)}
        />
      }
    >
      <div className="import-body" data-testid="import-body" data-step={step.kind}>
        <p className="muted" data-testid="import-file-summary">
          <span className="mono">{file.name}</span> · {formatBytes(file.size)}
        </p>
        {step.kind === 'reading' ? <p>Reading the file and detecting its format…</p> : null}
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
        {step.kind === 'done' ? <PickedImportResult run={step.run} /> : null}
        {step.kind === 'failed' ? (
          <p className="form-error" role="alert" data-testid="import-error">
            {step.message}
          </p>
        ) : null}
      </div>
    </Modal>
  )
}

const PickedImportFooter = (props: {
  step: Step
  picked: FeedFormat | null
  ready: boolean
  cancellable: boolean
  onClose: () => void
  onSubmitFormat: () => void
  onSubmitMapping: () => void
  onImportAsText: () => void
  onCancelImport: () => void
}) => {
  const { step } = props
  const cancel = (
    <button type="button" className="button" onClick={props.onClose}>
      Cancel
    </button>
  )
  if (step.kind === 'map') {
    return (
      <>
        {cancel}
        <button
          type="button"
          className="button"
          data-testid="import-as-text"
          onClick={props.onImportAsText}
        >
          Import as a text list instead
        </button>
        <button
          type="button"
          className="button button-primary"
          disabled={!props.ready}
          data-testid="import-mapping-submit"
          onClick={props.onSubmitMapping}
        >
          Import with this mapping
        </button>
      </>
    )
  }
  if (step.kind === 'pick') {
    return (
      <>
        {cancel}
        <button
          type="button"
          className="button button-primary"
          disabled={!props.ready}
          data-testid="import-format-submit"
          onClick={props.onSubmitFormat}
        >
          Import as {props.picked ? FORMAT_LABELS[props.picked] : '…'}
        </button>
      </>
    )
  }
  if (step.kind === 'importing') {
    return (
      <button
        type="button"
        className="button"
        disabled={!props.cancellable}
        data-testid="import-cancel"
        onClick={props.onCancelImport}
      >
        Cancel import
      </button>
    )
  }
  return (
    <button
      type="button"
      className="button button-primary"
      onClick={props.onClose}
      disabled={step.kind === 'reading'}
      data-testid="import-close"
    >
      {step.kind === 'done' ? 'Done' : 'Close'}
    </button>
  )
}

const PickedImportResult = (props: { run: FeedRun }) => {
  const { detail } = useRunDetail(props.run.id)
  return (
    <div data-testid="import-result">
      <RunReport run={detail ?? props.run} />
      {detail ? <RunOutcome run={detail} /> : null}
    </div>
  )
}
