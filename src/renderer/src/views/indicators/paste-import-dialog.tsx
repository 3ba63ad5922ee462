import { useDeferredValue, useMemo, useState } from 'react'
import type { CsvMapping, CsvPreview } from '#shared/contract/feeds.contract'
import type { BulkReport } from '#shared/contract/indicators.contract'
import { pickMode, type ExtractMode } from '#shared/domain'
import {
  CLASSIFICATIONS,
  SEVERITIES,
  TLP_LEVELS,
  type Classification,
  type Severity,
  type Tlp,
} from '#shared/domain/enums'
import { errorMessage } from '../../api/client'
import { useClient, useServices } from '../../app-context'
import { Modal } from '../../components/modal'
import { capitalise, formatCount, splitList } from './format'
import { EnumSelect, upperCase } from '../../components/enum-select'
import { CsvMappingStep, mappingReady } from '../feeds/csv-mapping-step'
import { detectPastedCsv, importPastedCsv, looksTabular } from './paste-csv'
import { ExtractList, useExtraction, type ExtractSource } from './paste-extract'
import { PasteFileControls, readPastedFile, useFileDrop, type PastedFile } from './paste-file'
import { importable, invalidTicked } from './paste-extract-rows'
import { EMPTY_PREVIEW, ListPreview, PREVIEW_ROWS, preview } from './paste-list-preview'

/** A paste bigger than this is a file: the desktop's import (not a textarea) is the tool for it. */
const MAX_PASTE_CHARS = 5_000_000
/** Items per bulkCreate call: keeps each request (and each write transaction) a bounded size. */
const IMPORT_BATCH = 5_000

const addReports = (a: BulkReport, b: BulkReport): BulkReport => ({
  total: a.total + b.total,
  created: a.created + b.created,
  updated: a.updated + b.updated,
  unchanged: a.unchanged + b.unchanged,
  rejected: a.rejected + b.rejected,
  allowlisted: a.allowlisted + b.allowlisted,
  rejects: [...a.rejects, ...b.rejects].slice(0, PREVIEW_ROWS),
  byType: Object.fromEntries(
    [...new Set([...Object.keys(a.byType), ...Object.keys(b.byType)])].map((k) => [
      k,
      (a.byType[k] ?? 0) + (b.byType[k] ?? 0),
    ]),
  ),
})

const Stat = (props: { label: string; value: number; testId: string }) => (
  <div className="report-stat">
    <strong data-testid={props.testId}>{formatCount(props.value)}</strong>
    <span>{props.label}</span>
  </div>
)

export const PasteImportDialog = (props: { onClose: () => void }) => {
  const client = useClient()
  const { ui, indicators } = useServices()
  const [text, setText] = useState('')
  const [mode, setMode] = useState<ExtractMode>('auto')
  const [severity, setSeverity] = useState<Severity>('medium')
  const [classification, setClassification] = useState<Classification>('unknown')
  const [tlp, setTlp] = useState<Tlp>('amber')
  const [tags, setTags] = useState('')
  const [busy, setBusy] = useState(false)
  const [progress, setProgress] = useState(0)
  const [report, setReport] = useState<BulkReport | null>(null)
  const [error, setError] = useState<string | null>(null)
  // The CSV mapping step: the pasted table's preview and the columns picked so far.
  const [csv, setCsv] = useState<{ preview: CsvPreview; mapping: CsvMapping } | null>(null)
  // A chosen or dropped .eml/.html/.pdf: extracted by the core instead of the text box.
  const [file, setFile] = useState<PastedFile | null>(null)

  const takeFile = (f: File) => {
    setError(null)
    readPastedFile(f).then(
      (r) => {
        if ('error' in r) setError(r.error)
        else if ('text' in r) {
          setFile(null)
          setText(r.text)
        } else setFile(r.file)
      },
      (e: unknown) => setError(`${f.name}: ${errorMessage(e)}`),
    )
  }
  const drop = useFileDrop(takeFile)

  // Parsing a big paste on every keystroke would stall typing: React renders the preview when idle.
  const deferredText = useDeferredValue(text)
  // Resolve 'auto' once here so the dialog can say which way it read the text.
  const readAs = useMemo(
    () => (file !== null ? 'text' : mode === 'auto' ? pickMode(deferredText) : mode),
    [deferredText, mode, file],
  )
  const tooBig = text.length > MAX_PASTE_CHARS
  const result = useMemo(
    () => (readAs === 'list' ? preview(deferredText) : EMPTY_PREVIEW),
    [deferredText, readAs],
  )
  // Free text goes to the core's extraction engine; the analyst reviews what it found before import.
  const source = useMemo<ExtractSource>(
    () => (file !== null ? { file } : { text: deferredText }),
    [file, deferredText],
  )
  const [extraction, setRows] = useExtraction(
    client,
    source,
    readAs === 'text' && (file !== null || !tooBig),
  )
  const toImport = readAs === 'list' ? result.accepted : importable(extraction.rows)
  // Stale rows (the text changed since) or a ticked value that is not an indicator hold the import back.
  const blocked =
    readAs === 'text' && (extraction.state !== 'ready' || invalidTicked(extraction.rows) > 0)

  const runImport = async () => {
    const items = toImport
    if (items.length === 0 || busy || blocked) return
    setBusy(true)
    setError(null)
    setProgress(0)
    let total: BulkReport | null = null
    try {
      for (let i = 0; i < items.length; i += IMPORT_BATCH) {
        const batch = items.slice(i, i + IMPORT_BATCH)
        const r = await client.call('indicators.bulkCreate', {
          items: batch.map((a) => ({ type: a.type, value: a.value })),
          defaults: { severity, classification, tlp, tags: splitList(tags) },
        })
        // The core numbers rejects by position in `items`; show the analyst's line numbers instead.
        const mapped = {
          ...r,
          rejects: r.rejects.map((x) => ({ ...x, line: batch[x.line - 1]?.line ?? x.line })),
        }
        total = total === null ? mapped : addReports(total, mapped)
        setProgress(Math.min(items.length, i + IMPORT_BATCH))
      }
      setReport(total)
      ui.getState().toast('success', `Imported ${formatCount(items.length)} indicators`)
      indicators.getState().reload()
    } catch (e) {
      if (total) setReport(total)
      setError(`Import stopped: ${errorMessage(e)}`)
    } finally {
      setBusy(false)
    }
  }

  const openMapping = async () => {
    setError(null)
    try {
      const found = await detectPastedCsv(client, text)
      if (typeof found === 'string') setError(found)
      else setCsv(found)
    } catch (e) {
      setError(errorMessage(e))
    }
  }

  const runCsvImport = async (mapping: CsvMapping) => {
    setBusy(true)
    setError(null)
    try {
      const { report: r, error: stopped } = await importPastedCsv(
        client,
        text,
        mapping,
        PREVIEW_ROWS,
      )
      setReport(r)
      if (stopped !== null) setError(`Import stopped: ${stopped}`)
      else ui.getState().toast('success', `Imported ${formatCount(r.created)} new indicators`)
      indicators.getState().reload()
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  const footer = report ? (
    <button
      type="button"
      className="button button-primary"
      onClick={props.onClose}
      data-testid="import-done"
    >
      Done
    </button>
  ) : csv ? (
    <>
      <button type="button" className="button" onClick={() => setCsv(null)}>
        Back
      </button>
      <button
        type="button"
        className="button button-primary"
        disabled={busy || !mappingReady(csv.mapping)}
        data-testid="paste-mapping-submit"
        onClick={() => void runCsvImport(csv.mapping)}
      >
        Import with this mapping
      </button>
    </>
  ) : (
    <>
      {file === null && looksTabular(text) && !tooBig ? (
        <button
          type="button"
          className="button"
          data-testid="paste-map-columns"
          onClick={() => void openMapping()}
        >
          Map CSV columns…
        </button>
      ) : null}
      <span className="muted" aria-live="polite">
        {busy ? `Importing… ${formatCount(progress)} / ${formatCount(toImport.length)}` : null}
      </span>
      <button type="button" className="button" onClick={props.onClose}>
        Cancel
      </button>
      <button
        type="button"
        className="button button-primary"
        disabled={busy || (tooBig && file === null) || blocked || toImport.length === 0}
        data-testid="import-submit"
        onClick={() => void runImport()}
      >
        Import {formatCount(toImport.length)}
      </button>
    </>
  )

  return (
    <Modal
      title="Paste import"
      onClose={props.onClose}
      size="large"
      testId="paste-dialog"
      footer={footer}
    >
      {report ? (
        <div data-testid="import-report">
          <div className="report">
            <Stat label="created" value={report.created} testId="report-created" />
            <Stat label="updated" value={report.updated} testId="report-updated" />
            <Stat label="unchanged" value={report.unchanged} testId="report-unchanged" />
            <Stat label="rejected by the core" value={report.rejected} testId="report-rejected" />
            {report.allowlisted > 0 ? (
              <Stat
                label="allowlisted (stored as false positive)"
                value={report.allowlisted}
                testId="report-allowlisted"
              />
            ) : null}
          </div>
          {readAs === 'list' ? (
            <p className="muted">
              {formatCount(result.rejects.length)} line{result.rejects.length === 1 ? '' : 's'}{' '}
              could not be parsed and were not sent.
            </p>
          ) : (
            <p className="muted">
              {formatCount(extraction.rows.length - toImport.length)} found item
              {extraction.rows.length - toImport.length === 1 ? ' was' : 's were'} unticked or had
              no indicator type and were not sent.
            </p>
          )}
          {report.rejects.length > 0 ? (
            <ul className="preview-list preview-rejects">
              {report.rejects.map((r) => (
                <li key={`${r.line}-${r.value}`}>
                  <span className="reject-line">line {r.line}</span>
                  <span className="mono">{r.value}</span>
                  <span className="reject-reason">{r.reason}</span>
                </li>
              ))}
            </ul>
          ) : null}
          {error ? (
            <p className="form-error" role="alert">
              {error}
            </p>
          ) : null}
        </div>
      ) : csv ? (
        <>
          <CsvMappingStep
            preview={csv.preview}
            mapping={csv.mapping}
            onChange={(mapping) => setCsv({ ...csv, mapping })}
          />
          {error ? (
            <p className="form-error" role="alert">
              {error}
            </p>
          ) : null}
        </>
      ) : (
        <div className="paste-layout">
          <div className="paste-input">
            <label htmlFor="paste-text" className="field-label">
              Paste indicators: a list (one per line, comments and defanged values are fine) or any
              text such as a report, or choose or drop a file (.txt, .html, .eml, .pdf)
            </label>
            <textarea
              id="paste-text"
              value={file === null ? text : ''}
              spellCheck={false}
              wrap="off"
              data-autofocus
              data-testid="paste-text"
              data-drop-over={drop.over}
              aria-invalid={tooBig}
              disabled={file !== null}
              {...drop.handlers}
              onChange={(e) => setText(e.target.value)}
              placeholder={
                'hxxp://evil[.]example/payload\n203.0.113.7  # C2\nd41d8cd98f00b204e9800998ecf8427e'
              }
            />
            <PasteFileControls file={file} onFile={takeFile} onClear={() => setFile(null)} />
            {tooBig && file === null ? (
              <p className="form-error" role="alert">
                The text is longer than {formatCount(MAX_PASTE_CHARS)} characters; import it as a
                file instead.
              </p>
            ) : null}
            {error ? (
              <p className="form-error" role="alert" data-testid="paste-error">
                {error}
              </p>
            ) : null}
            <div className="paste-options">
              <fieldset className="segmented" aria-label="How to read the text">
                {(['auto', 'list', 'text'] as const).map((m) => (
                  <label key={m}>
                    <input
                      type="radio"
                      name="paste-mode"
                      value={m}
                      checked={mode === m}
                      onChange={() => setMode(m)}
                      data-testid={`paste-mode-${m}`}
                    />
                    {m === 'auto'
                      ? `Auto (${readAs === 'list' ? 'list' : 'text'})`
                      : m === 'list'
                        ? 'One per line'
                        : 'Free text'}
                  </label>
                ))}
              </fieldset>
              <label className="filter">
                <span>Severity</span>
                <EnumSelect
                  options={SEVERITIES}
                  value={severity}
                  label={capitalise}
                  onChange={setSeverity}
                />
              </label>
              <label className="filter">
                <span>Classification</span>
                <EnumSelect
                  options={CLASSIFICATIONS}
                  value={classification}
                  label={capitalise}
                  onChange={setClassification}
                />
              </label>
              <label className="filter">
                <span>TLP</span>
                <EnumSelect options={TLP_LEVELS} value={tlp} label={upperCase} onChange={setTlp} />
              </label>
              <label className="filter">
                <span>Tags</span>
                <input
                  type="text"
                  value={tags}
                  placeholder="campaign, source"
                  onChange={(e) => setTags(e.target.value)}
                />
              </label>
            </div>
          </div>
          <div className="paste-preview" data-testid="paste-preview" data-mode={readAs}>
            {readAs === 'text' ? (
              <ExtractList extraction={extraction} limit={PREVIEW_ROWS} onChange={setRows} />
            ) : (
              <ListPreview result={result} />
            )}
          </div>
        </div>
      )}
    </Modal>
  )
}
