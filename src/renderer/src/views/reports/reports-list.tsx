import { REPORT_SEVERITIES } from '#shared/contract/intel.schemas'
import { TLP_LEVELS } from '#shared/domain/enums'
import { TlpBadge } from '../../components/badges'
import {
  REPORT_STATUSES,
  isReportSeverity,
  type ReportListFilter,
  type ReportStatus,
} from './report-draft'
import { tlpLabel } from './report-pickers'
import { REPORT_LIST_LIMIT, type ReportListItem } from './reports-api'
import type { ReportsListState } from './use-reports-list'

const STATUS_LABELS: Record<ReportStatus, string> = {
  all: 'All',
  draft: 'Drafts',
  published: 'Published',
}

const dateOf = (iso: string) => iso.slice(0, 10)

const ReportRow = (props: { report: ReportListItem; selected: boolean; onOpen: () => void }) => {
  const r = props.report
  return (
    <li>
      <button
        type="button"
        className={`report-row${props.selected ? ' selected' : ''}`}
        aria-current={props.selected ? 'true' : undefined}
        data-testid="report-row"
        data-id={r.id}
        onClick={props.onOpen}
      >
        <span className="report-row-title">{r.name}</span>
        <span className="report-row-meta">
          <TlpBadge value={r.tlp} />
          {r.severity !== null ? (
            <span className={`badge sev-${r.severity}`}>{r.severity}</span>
          ) : null}
          <span
            className={r.details.published ? 'report-status published' : 'report-status draft'}
            data-testid="report-status"
          >
            {r.details.published ? 'Published' : 'Draft'}
          </span>
          <span className="report-row-date">{dateOf(r.updatedAt)}</span>
        </span>
        {r.details.summary !== '' ? (
          <span className="report-row-summary">{r.details.summary}</span>
        ) : null}
      </button>
    </li>
  )
}

/** The threat reports: search, status, TLP and severity filters, and a button for a new one. */
export const ReportsList = (props: {
  filter: ReportListFilter
  onFilter: (patch: Partial<ReportListFilter>) => void
  list: ReportsListState
  selectedId: string | null
  onOpen: (id: string) => void
  onNew: () => void
}) => {
  const { filter, onFilter, list } = props
  return (
    <div
      className="reports-list"
      data-testid="reports-list"
      data-state={list.loading ? 'loading' : 'ready'}
    >
      <div className="reports-list-tools">
        <button
          type="button"
          className="button button-primary"
          data-testid="new-report"
          onClick={props.onNew}
        >
          New report
        </button>
        <label className="reports-search">
          <span className="visually-hidden">Search reports</span>
          <input
            type="search"
            placeholder="Search titles, summaries, authors"
            value={filter.q}
            maxLength={300}
            data-testid="reports-search"
            onChange={(e) => onFilter({ q: e.target.value })}
          />
        </label>
        <div className="reports-filters">
          <label>
            <span className="visually-hidden">Status</span>
            <select
              value={filter.status}
              data-testid="reports-filter-status"
              onChange={(e) => {
                const status = REPORT_STATUSES.find((s) => s === e.target.value)
                if (status !== undefined) onFilter({ status })
              }}
            >
              {REPORT_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {STATUS_LABELS[s]}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span className="visually-hidden">TLP</span>
            <select
              value={filter.tlp ?? ''}
              data-testid="reports-filter-tlp"
              onChange={(e) =>
                onFilter({ tlp: TLP_LEVELS.find((t) => t === e.target.value) ?? null })
              }
            >
              <option value="">Any TLP</option>
              {TLP_LEVELS.map((t) => (
                <option key={t} value={t}>
                  {tlpLabel(t)}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span className="visually-hidden">Severity</span>
            <select
              value={filter.severity ?? ''}
              data-testid="reports-filter-severity"
              onChange={(e) => {
                const v = e.target.value
                onFilter({ severity: isReportSeverity(v) ? v : null })
              }}
            >
              <option value="">Any severity</option>
              {REPORT_SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
        </div>
      </div>
      {list.error !== null ? (
        <p className="load-error" role="alert">
          {list.error}
        </p>
      ) : null}
      {!list.loading && list.error === null && list.items.length === 0 ? (
        <p className="reports-empty" data-testid="reports-empty">
          {filter.q !== '' ||
          filter.tlp !== null ||
          filter.severity !== null ||
          filter.status !== 'all'
            ? 'No report matches.'
            : 'No threat reports yet. Write the first one.'}
        </p>
      ) : (
        <ul className="reports-rows" aria-label="Threat reports">
          {list.items.map((r) => (
            <ReportRow
              key={r.id}
              report={r}
              selected={r.id === props.selectedId}
              onOpen={() => props.onOpen(r.id)}
            />
          ))}
        </ul>
      )}
      {list.total > REPORT_LIST_LIMIT ? (
        <p className="reports-more">
          Searching the {REPORT_LIST_LIMIT} most recently updated of {list.total} reports.
        </p>
      ) : null}
    </div>
  )
}
