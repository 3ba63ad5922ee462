import { useCallback, useState, type ReactNode } from 'react'
import { ConfirmDialog } from '../../components/modal'
import { EMPTY_LIST_FILTER, type ReportListFilter } from './report-draft'
import { ReportEditor } from './report-editor'
import { ReportsList } from './reports-list'
import { useReportsList } from './use-reports-list'
import './reports.css'

/** What the editor pane shows: nothing, a new report, or a saved one. */
type Open = { kind: 'none' } | { kind: 'new'; seq: number } | { kind: 'report'; id: string }

const ThreatReports = () => {
  const [filter, setFilter] = useState<ReportListFilter>(EMPTY_LIST_FILTER)
  const list = useReportsList(filter)
  const [open, setOpen] = useState<Open>({ kind: 'none' })
  const [dirty, setDirty] = useState(false)
  // Where the analyst asked to go while the open report had unsaved changes.
  const [pending, setPending] = useState<Open | null>(null)
  const onDirty = useCallback((d: boolean) => setDirty(d), [])

  const go = (next: Open) => {
    if (dirty) setPending(next)
    else setOpen(next)
  }

  return (
    <div className="reports-body">
      <ReportsList
        filter={filter}
        onFilter={(patch) => setFilter((f) => ({ ...f, ...patch }))}
        list={list}
        selectedId={open.kind === 'report' ? open.id : null}
        onOpen={(id) => go({ kind: 'report', id })}
        onNew={() => go({ kind: 'new', seq: Date.now() })}
      />
      <div className="reports-editor-pane">
        {open.kind === 'none' ? (
          <p className="reports-hint">Open a report from the list, or write a new one.</p>
        ) : (
          <ReportEditor
            key={open.kind === 'new' ? `new-${open.seq}` : open.id}
            reportId={open.kind === 'report' ? open.id : null}
            onDirty={onDirty}
            onChanged={list.reload}
            onSaved={(id) => setOpen({ kind: 'report', id })}
            onDeleted={() => {
              setDirty(false)
              setOpen({ kind: 'none' })
            }}
          />
        )}
      </div>
      {pending !== null ? (
        <ConfirmDialog
          title="Discard unsaved changes?"
          message="The open report has changes that are not saved. Leave it and lose them?"
          confirmLabel="Discard changes"
          danger
          onCancel={() => setPending(null)}
          onConfirm={() => {
            setDirty(false)
            setOpen(pending)
            setPending(null)
          }}
        />
      ) : null}
    </div>
  )
}

type Tab = 'threat' | 'summaries'

/**
 * The Reports view: threat reports written by analysts and, in their own tab, the scheduled summary
 * reports (`summaries`, the summary-reports panel, handed in by the app so this view does not depend on it).
 */
export const ReportsView = (props: { summaries?: ReactNode }) => {
  const [tab, setTab] = useState<Tab>('threat')
  return (
    <section
      className="view reports-view"
      aria-labelledby="reports-title"
      data-testid="reports-view"
    >
      <div className="view-header">
        <h1 id="reports-title">Reports</h1>
        <div className="reports-tabs" role="tablist" aria-label="Kinds of report">
          <button
            type="button"
            role="tab"
            aria-selected={tab === 'threat'}
            className={tab === 'threat' ? 'reports-tab active' : 'reports-tab'}
            data-testid="reports-tab-threat"
            onClick={() => setTab('threat')}
          >
            Threat reports
          </button>
          {props.summaries !== undefined ? (
            <button
              type="button"
              role="tab"
              aria-selected={tab === 'summaries'}
              className={tab === 'summaries' ? 'reports-tab active' : 'reports-tab'}
              data-testid="reports-tab-summaries"
              onClick={() => setTab('summaries')}
            >
              Summaries
            </button>
          ) : null}
        </div>
      </div>
      {/* The threat reports stay mounted behind the other tab: an unsaved draft survives a look there. */}
      <div hidden={tab !== 'threat'} className="reports-tab-panel" role="tabpanel">
        <ThreatReports />
      </div>
      {props.summaries !== undefined && tab === 'summaries' ? (
        <div className="reports-tab-panel" role="tabpanel">
          {props.summaries}
        </div>
      ) : null}
    </section>
  )
}
