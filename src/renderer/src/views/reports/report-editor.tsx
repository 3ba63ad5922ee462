import { useEffect, useId, useMemo, useState } from 'react'
import { errorMessage } from '../../api/client'
import { useClient, useServices } from '../../app-context'
import { ExportDialog } from '../../components/export-dialog'
import { ConfirmDialog } from '../../components/modal'
import { WorldMapDisclosure } from '../../components/world-map-panel'
import { MarkdownEditor } from './markdown-editor'
import { ReportAttachments } from './report-attachments'
import { SeverityPicker, TlpPicker } from './report-pickers'
import { deleteReport } from './reports-api'
import { useReportDraft } from './use-report-draft'

const formatDate = (iso: string | null) => (iso === null ? '' : iso.slice(0, 16).replace('T', ' '))

/**
 * One threat report: its fields, the Markdown with a live preview, what it contains, and publish. Edits are
 * saved explicitly (Save, or Ctrl/Cmd+S); the header says whether there are unsaved changes.
 */
export const ReportEditor = (props: {
  reportId: string | null
  onSaved: (id: string) => void
  onDeleted: () => void
  onDirty: (dirty: boolean) => void
  /** Called after a save, a publish or a delete made here, so the list shows it at once. */
  onChanged: () => void
}) => {
  const client = useClient()
  const { ui } = useServices()
  const ids = { title: useId(), summary: useId(), authors: useId(), severity: useId() }
  const r = useReportDraft(props.reportId)
  const [confirmDelete, setConfirmDelete] = useState(false)
  const [exporting, setExporting] = useState(false)
  const { onDirty } = props
  const { draft, saved, errors, edit } = r
  const published = saved?.details.published === true
  const savedId = saved?.id ?? null
  // One object per report: the dialog checks the target again whenever it changes identity.
  const exportTarget = useMemo(
    () => (savedId === null ? null : { kind: 'report' as const, id: savedId }),
    [savedId],
  )

  useEffect(() => onDirty(r.dirty), [onDirty, r.dirty])

  const save = async (publish?: boolean) => {
    const after = await r.save(publish)
    if (after === null) return
    props.onChanged()
    if (publish === true) ui.getState().toast('success', `Published "${after.name}"`)
    else if (publish === false) ui.getState().toast('info', `"${after.name}" is a draft again`)
    if (props.reportId === null) props.onSaved(after.id)
  }

  // Ctrl/Cmd+S saves wherever the focus is in the editor.
  const onKeyDown = (e: React.KeyboardEvent) => {
    if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 's') {
      e.preventDefault()
      if (r.dirty && !r.busy) void save()
    }
  }

  if (r.loadError !== null) {
    return (
      <div className="report-editor" data-testid="report-editor" data-state="error">
        <p className="load-error" role="alert">
          Could not open the report: {r.loadError}
        </p>
      </div>
    )
  }
  if (r.loading) {
    return <div className="report-editor" data-testid="report-editor" data-state="loading" />
  }

  return (
    <div
      className="report-editor"
      data-testid="report-editor"
      data-state={r.busy ? 'saving' : 'ready'}
      data-dirty={r.dirty ? 'true' : 'false'}
      data-id={saved?.id ?? ''}
      data-published={published ? 'true' : 'false'}
      onKeyDown={onKeyDown}
    >
      <header className="report-editor-header">
        <label className="report-title">
          <span className="visually-hidden">Title</span>
          <input
            id={ids.title}
            type="text"
            value={draft.title}
            maxLength={400}
            placeholder="Report title"
            aria-invalid={errors.title !== undefined}
            data-testid="report-title"
            onChange={(e) => edit({ title: e.target.value })}
          />
          {errors.title ? <span className="field-error">{errors.title}</span> : null}
        </label>
        <div className="report-editor-actions">
          <span className="report-save-state" role="status" data-testid="report-save-state">
            {r.busy
              ? 'Saving…'
              : r.dirty
                ? 'Unsaved changes'
                : saved === null
                  ? 'New report'
                  : `Saved ${formatDate(saved.updatedAt)}`}
          </span>
          {r.dirty && saved !== null ? (
            <button type="button" className="button button-small" onClick={r.revert}>
              Discard changes
            </button>
          ) : null}
          <button
            type="button"
            className="button button-primary"
            disabled={!r.dirty || r.busy}
            data-testid="report-save"
            title="Save (Ctrl+S)"
            onClick={() => void save()}
          >
            {saved === null ? 'Create' : 'Save'}
          </button>
          <button
            type="button"
            className="button"
            disabled={r.busy}
            data-testid={published ? 'report-unpublish' : 'report-publish'}
            onClick={() => void save(!published)}
          >
            {published ? 'Unpublish' : r.dirty ? 'Save and publish' : 'Publish'}
          </button>
          {saved !== null ? (
            <button
              type="button"
              className="button"
              disabled={r.busy || r.dirty}
              title={
                r.dirty
                  ? 'Save first: an export is made from the saved report'
                  : 'CSV, PDF (with a preview), STIX 2.1 or MISP'
              }
              data-testid="report-export"
              onClick={() => setExporting(true)}
            >
              Export…
            </button>
          ) : null}
          {saved !== null ? (
            <button
              type="button"
              className="button button-danger-quiet"
              disabled={r.busy}
              data-testid="report-delete"
              onClick={() => setConfirmDelete(true)}
            >
              Delete
            </button>
          ) : null}
        </div>
      </header>
      {published && saved !== null ? (
        <p className="report-published-note" data-testid="report-published-note">
          Published {formatDate(saved.details.publishedAt)}
        </p>
      ) : null}
      {r.changedElsewhere ? (
        <p className="report-conflict" role="alert">
          This report was changed elsewhere. Saving keeps your edits for the fields you changed;{' '}
          <button type="button" className="link-button" onClick={r.revert}>
            discard yours and show theirs
          </button>
          .
        </p>
      ) : null}
      {errors.form ? (
        <p className="form-error" role="alert">
          {errors.form}
        </p>
      ) : null}
      <div className="report-meta">
        <div className="field report-summary">
          <label htmlFor={ids.summary}>Summary</label>
          <textarea
            id={ids.summary}
            rows={3}
            value={draft.summary}
            aria-invalid={errors.summary !== undefined}
            data-testid="report-summary"
            onChange={(e) => edit({ summary: e.target.value })}
          />
          {errors.summary ? <span className="field-error">{errors.summary}</span> : null}
        </div>
        <div className="field">
          <label htmlFor={ids.authors}>Authors</label>
          <input
            id={ids.authors}
            type="text"
            value={draft.authorsText}
            placeholder="Comma-separated"
            aria-invalid={errors.authors !== undefined}
            data-testid="report-authors"
            onChange={(e) => edit({ authorsText: e.target.value })}
          />
          {errors.authors ? <span className="field-error">{errors.authors}</span> : null}
        </div>
        <div className="field">
          <label htmlFor={ids.severity}>Severity</label>
          <SeverityPicker
            id={ids.severity}
            value={draft.severity}
            onChange={(severity) => edit({ severity })}
          />
        </div>
        <TlpPicker value={draft.tlp} onChange={(tlp) => edit({ tlp })} />
      </div>
      <MarkdownEditor
        value={draft.content}
        onChange={(content) => edit({ content })}
        error={errors.content}
      />
      {saved !== null ? (
        <>
          <ReportAttachments reportId={saved.id} reportName={saved.name} reportTlp={saved.tlp} />
          <WorldMapDisclosure
            target={{ kind: 'report', id: saved.id }}
            summary="Where the indicators are hosted"
          />
        </>
      ) : (
        <p className="report-attach-later">
          Create the report to attach indicators and entities to it.
        </p>
      )}
      {exporting && exportTarget !== null && saved !== null ? (
        <ExportDialog
          target={exportTarget}
          title={saved.name}
          onClose={() => setExporting(false)}
        />
      ) : null}
      {confirmDelete && saved !== null ? (
        <ConfirmDialog
          title="Delete this report?"
          message={`"${saved.name}" will be deleted. The indicators and entities it links to stay.`}
          confirmLabel="Delete report"
          danger
          onCancel={() => setConfirmDelete(false)}
          onConfirm={() => {
            setConfirmDelete(false)
            deleteReport(client, saved.id).then(
              () => {
                props.onChanged()
                props.onDeleted()
              },
              (e: unknown) => ui.getState().toast('error', `Could not delete: ${errorMessage(e)}`),
            )
          }}
        />
      ) : null}
    </div>
  )
}
