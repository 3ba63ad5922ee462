import type { ReactNode } from 'react'
import type { FeedRun } from '#shared/contract/feeds.contract'
import { Modal } from '../../components/modal'
import { CsvMappingStep } from './csv-mapping-step'
import { FORMAT_LABELS, formatBytes, type FeedFormat } from './feeds-format'
import { RunProgressBar } from './run-bits'
import { RunOutcome, RunReport, useRunDetail } from './run-report'
import type { ImportSteps } from './use-import-steps'

/**
 * The import dialog both ways of bringing a file share: its name and size, the current step's body and its
 * buttons. `children` is for what only one way has (a dropped file's "too big" advice).
 */
export const ImportStepsModal = (props: {
  steps: ImportSteps
  file: { name: string; size: number }
  onClose: () => void
  children?: ReactNode
}) => {
  const { steps, file } = props
  const { step } = steps
  return (
    <Modal
      title={`Import ${file.name}`}
      onClose={props.onClose}
      size="large"
      testId="import-dialog"
      footer={<ImportStepFooter steps={steps} onClose={props.onClose} />}
    >
      <div className="import-body" data-testid="import-body" data-step={step.kind}>
        <p className="muted" data-testid="import-file-summary">
          <span className="mono">{file.name}</span> · {formatBytes(file.size)}
        </p>
        {step.kind === 'reading' ? <p>Reading the file and detecting its format…</p> : null}
        {props.children}
        {step.kind === 'pick' ? (
          <FormatPickStep
            candidates={step.candidates}
            ambiguous={step.ambiguous}
            picked={steps.picked}
            onPick={steps.pick}
          />
        ) : null}
        {step.kind === 'map' ? (
          <CsvMappingStep
            preview={step.preview}
            mapping={steps.mapping}
            onChange={steps.setMapping}
          />
        ) : null}
        {step.kind === 'importing' ? (
          <div data-testid="import-progress">
            <p>
              Importing as <strong>{FORMAT_LABELS[step.format]}</strong>…
            </p>
            <RunProgressBar progress={steps.progress} label="Import progress" />
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

/** Detection could not tell the format (or the file fits several): the analyst picks one. */
const FormatPickStep = (props: {
  candidates: FeedFormat[]
  ambiguous: boolean
  picked: FeedFormat | null
  onPick: (f: FeedFormat) => void
}) => (
  <fieldset className="format-pick" data-testid="import-format-pick">
    <legend>
      {props.ambiguous
        ? 'This file fits more than one format. Which is it?'
        : 'The format could not be recognised. Pick the one this file is in:'}
    </legend>
    {props.candidates.map((f) => (
      <label key={f} className="format-option">
        <input
          type="radio"
          name="import-format"
          value={f}
          checked={props.picked === f}
          data-testid={`import-format-${f}`}
          onChange={() => props.onPick(f)}
        />
        {FORMAT_LABELS[f]}
      </label>
    ))}
  </fieldset>
)

const ImportResult = (props: { run: FeedRun }) => {
  const { detail } = useRunDetail(props.run.id)
  return (
    <div data-testid="import-result">
      <RunReport run={detail ?? props.run} />
      {detail ? <RunOutcome run={detail} /> : null}
    </div>
  )
}

const ImportStepFooter = (props: { steps: ImportSteps; onClose: () => void }) => {
  const { steps } = props
  const { step } = steps
  const cancel = (
    <button type="button" className="button" onClick={props.onClose}>
      Cancel
    </button>
  )
  if (step.kind === 'map')
    return (
      <>
        {cancel}
        <button
          type="button"
          className="button"
          data-testid="import-as-text"
          onClick={steps.importAsText}
        >
          Import as a text list instead
        </button>
        <button
          type="button"
          className="button button-primary"
          disabled={!steps.ready}
          data-testid="import-mapping-submit"
          onClick={steps.submitMapping}
        >
          Import with this mapping
        </button>
      </>
    )
  if (step.kind === 'pick')
    return (
      <>
        {cancel}
        <button
          type="button"
          className="button button-primary"
          disabled={!steps.ready}
          data-testid="import-format-submit"
          onClick={steps.submitFormat}
        >
          Import as {steps.picked ? FORMAT_LABELS[steps.picked] : '…'}
        </button>
      </>
    )
  if (step.kind === 'importing')
    return (
      <button
        type="button"
        className="button"
        disabled={!steps.progress}
        data-testid="import-cancel"
        onClick={steps.cancelImport}
      >
        Cancel import
      </button>
    )
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
