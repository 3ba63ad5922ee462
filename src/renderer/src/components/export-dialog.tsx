import { useEffect, useState } from 'react'
import type {
  ExportCheck,
  ExportFile,
  ExportFormat,
  ExportTargetInput,
} from '#shared/contract/export.schemas'
import { EXPORT_FORMATS } from '#shared/contract/export.schemas'
import type { Job } from '#shared/contract/jobs.contract'
import type { Client } from '../api/client'
import { errorMessage } from '../api/client'
import { followJob } from '../api/follow'
import { useClient } from '../app-context'
import { TlpBadge } from './badges'
import { Modal } from './modal'
import { PdfPreview } from './pdf-preview'
import './export-dialog.css'

const FORMAT_LABELS: Record<ExportFormat, string> = {
  csv: 'CSV',
  pdf: 'PDF report',
  stix: 'STIX 2.1 bundle',
  misp: 'MISP event',
}

/** Slices read per export.readFile call (the contract's maximum). */
const CHUNK = 4 * 1024 * 1024

/** A finished export's bytes, read in slices through whichever transport the app uses. */
const readExport = async (client: Client, file: ExportFile): Promise<Uint8Array<ArrayBuffer>> => {
  const out = new Uint8Array(file.size)
  let offset: number | null = 0
  while (offset !== null) {
    const slice: { data: string; nextOffset: number | null } = await client.call(
      'export.readFile',
      { id: file.id, offset, length: CHUNK },
    )
    const bin = atob(slice.data)
    for (let i = 0; i < bin.length; i++) out[offset + i] = bin.charCodeAt(i)
    offset = slice.nextOffset
  }
  return out
}

/**
 * Saves bytes as a download, as the Activity view's audit export does: a browser saves it to its downloads,
 * Electron asks where (its default for a download the page starts); the URL lives only for the click.
 */
const saveBytes = (bytes: Uint8Array<ArrayBuffer>, file: ExportFile) => {
  const url = URL.createObjectURL(new Blob([bytes], { type: file.mediaType }))
  const a = document.createElement('a')
  a.href = url
  a.download = file.fileName
  a.click()
  URL.revokeObjectURL(url)
}

const formatSize = (n: number): string =>
  n < 1024
    ? `${n} B`
    : n < 1024 * 1024
      ? `${(n / 1024).toFixed(1)} KB`
      : `${(n / 1024 / 1024).toFixed(1)} MB`

type Phase =
  | { kind: 'checking' }
  | { kind: 'ready'; check: ExportCheck }
  | { kind: 'running'; check: ExportCheck; job: Job }
  | { kind: 'done'; check: ExportCheck; file: ExportFile; bytes: Uint8Array<ArrayBuffer> | null }
  | { kind: 'error'; message: string; check: ExportCheck | null }

/**
 * Export anything the app shows: `target` is what (an indicator query, a report, an entity, a project, an
 * entity list), `title` names it in the dialog. The TLP is checked before anything is written: AMBER or RED
 * material needs an explicit confirmation. The file is written by a job in the data directory; then it is
 * saved (and a PDF previewed first).
 */
export const ExportDialog = (props: {
  target: ExportTargetInput
  title: string
  onClose: () => void
}) => {
  const client = useClient()
  const [phase, setPhase] = useState<Phase>({ kind: 'checking' })
  const [format, setFormat] = useState<ExportFormat>('csv')
  const [defang, setDefang] = useState(false)
  const [confirmed, setConfirmed] = useState(false)
  const { target } = props

  useEffect(() => {
    let live = true
    client.call('export.check', { target }).then(
      (check) => {
        if (live) setPhase({ kind: 'ready', check })
      },
      (e: unknown) => {
        if (live) setPhase({ kind: 'error', message: errorMessage(e), check: null })
      },
    )
    return () => {
      live = false
    }
  }, [client, target])

  const check = phase.kind === 'checking' ? null : phase.check

  const start = async (c: ExportCheck) => {
    try {
      const job = await client.call('export.start', {
        format,
        target,
        defang,
        confirmTlp: c.needsConfirm && confirmed,
      })
      setPhase({ kind: 'running', check: c, job })
      const done = await followJob(client, { ...job, kind: 'export.start' }, (j) =>
        setPhase({ kind: 'running', check: c, job: j }),
      )
      if (done.status !== 'succeeded' || done.result === null) {
        setPhase({ kind: 'error', message: done.error?.message ?? 'The export failed', check: c })
        return
      }
      const file = done.result
      // A PDF is read at once for its preview; other files when saved.
      const bytes = file.format === 'pdf' ? await readExport(client, file) : null
      setPhase({ kind: 'done', check: c, file, bytes })
    } catch (e) {
      setPhase({ kind: 'error', message: errorMessage(e), check: c })
    }
  }

  const save = async (file: ExportFile, bytes: Uint8Array<ArrayBuffer> | null) => {
    try {
      saveBytes(bytes ?? (await readExport(client, file)), file)
    } catch (e) {
      setPhase({ kind: 'error', message: errorMessage(e), check })
    }
  }

  const cancel = () => {
    if (phase.kind === 'running')
      void client.call('jobs.cancel', { id: phase.job.id }).catch(() => {})
    props.onClose()
  }

  const footer = (() => {
    if (phase.kind === 'ready') {
      const c = phase.check
      const blocked = c.needsConfirm && !confirmed
      return (
        <>
          <button type="button" className="button" onClick={props.onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-primary"
            disabled={blocked || !c.formats.includes(format)}
            onClick={() => void start(c)}
            data-testid="export-start"
          >
            Export {FORMAT_LABELS[format]}
          </button>
        </>
      )
    }
    if (phase.kind === 'done') {
      const { file, bytes } = phase
      return (
        <>
          <button type="button" className="button" onClick={props.onClose}>
            Close
          </button>
          <button
            type="button"
            className="button button-primary"
            onClick={() => void save(file, bytes)}
            data-testid="export-save"
            data-autofocus
          >
            Save {file.fileName}
          </button>
        </>
      )
    }
    return (
      <button type="button" className="button" onClick={cancel}>
        {phase.kind === 'running' ? 'Cancel export' : 'Close'}
      </button>
    )
  })()

  return (
    <Modal
      title={`Export: ${props.title}`}
      onClose={cancel}
      size={phase.kind === 'done' && phase.file.format === 'pdf' ? 'large' : 'medium'}
      testId="export-dialog"
      footer={footer}
    >
      <div className="export-dialog" data-phase={phase.kind}>
        {check ? (
          <p className="export-summary" data-testid="export-summary">
            <TlpBadge value={check.tlp} /> {check.targetText}: {check.indicatorCount}{' '}
            {check.indicatorCount === 1 ? 'indicator' : 'indicators'}
            {check.entityCount > 0 ? `, ${check.entityCount} entities` : ''}
          </p>
        ) : (
          <p className="muted">Reading what the export would hold…</p>
        )}
        {check?.warning ? (
          <div className="export-warning" role="alert" data-testid="export-tlp-warning">
            <p>{check.warning}</p>
            {phase.kind === 'ready' ? (
              <label className="checkbox">
                <input
                  type="checkbox"
                  checked={confirmed}
                  onChange={(e) => setConfirmed(e.target.checked)}
                  data-testid="export-confirm-tlp"
                />
                I will share this file only as TLP:{check.tlp.toUpperCase()} allows
              </label>
            ) : null}
          </div>
        ) : null}
        {phase.kind === 'ready' ? (
          <fieldset className="export-options">
            <legend>Format</legend>
            {EXPORT_FORMATS.map((f) => {
              const available = phase.check.formats.includes(f)
              return (
                <label key={f} className="checkbox" title={available ? '' : 'Not in this build'}>
                  <input
                    type="radio"
                    name="export-format"
                    value={f}
                    checked={format === f}
                    disabled={!available}
                    onChange={() => setFormat(f)}
                    data-testid={`export-format-${f}`}
                  />
                  {FORMAT_LABELS[f]}
                </label>
              )
            })}
            <label className="checkbox export-defang">
              <input
                type="checkbox"
                checked={defang}
                onChange={(e) => setDefang(e.target.checked)}
                data-testid="export-defang"
              />
              Defang values (hxxp://evil[.]com), so nobody clicks them
            </label>
          </fieldset>
        ) : null}
        {phase.kind === 'running' ? (
          <div className="export-progress" data-testid="export-progress">
            <progress
              max={phase.job.progress.total ?? undefined}
              value={phase.job.progress.total === null ? undefined : phase.job.progress.done}
            />
            <span>
              {phase.job.progress.done}
              {phase.job.progress.total === null ? '' : ` of ${phase.job.progress.total}`} rows
            </span>
          </div>
        ) : null}
        {phase.kind === 'done' ? (
          <div className="export-done" data-testid="export-done">
            <p>
              {phase.file.rows} rows, {formatSize(phase.file.size)}, TLP:
              {phase.file.tlp.toUpperCase()}. Kept in the data directory as{' '}
              <code>{phase.file.fileName}</code>.
            </p>
            {phase.bytes && phase.file.format === 'pdf' ? (
              <PdfPreview bytes={phase.bytes} title={props.title} />
            ) : null}
          </div>
        ) : null}
        {phase.kind === 'error' ? (
          <p className="form-error" role="alert" data-testid="export-error">
            {phase.message}
          </p>
        ) : null}
      </div>
    </Modal>
  )
}
