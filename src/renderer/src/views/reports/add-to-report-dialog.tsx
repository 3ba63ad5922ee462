import { useEffect, useState } from 'react'
import { errorMessage } from '../../api/client'
import { useClient, useIndicators, useServices } from '../../app-context'
import { TlpBadge } from '../../components/badges'
import { Modal } from '../../components/modal'
import { SelectionOrFilter, type IndicatorSource } from '../indicators/selection-or-filter'
import { attachOutcome, cleanIndicatorFilter } from './attach-model'
import { EMPTY_LIST_FILTER } from './report-draft'
import { attachToReport, countIndicators, type ReportListItem } from './reports-api'
import { useReportsList } from './use-reports-list'
import './reports.css'

/**
 * "Add to report…" from the Indicators view: the selected indicator, or every indicator the view's filter
 * matches (counted and shown before anything is added), into a threat report picked from a searchable list.
 */
export const AddToReportDialog = (props: { onClose: () => void }) => {
  const client = useClient()
  const { ui, indicators } = useServices()
  const selected = useIndicators((s) => (s.selectedId === null ? null : s.rowAt(s.selectedIndex)))
  const filter = useIndicators((s) => s.filter)
  const [source, setSource] = useState<IndicatorSource>(selected !== null ? 'selection' : 'filter')
  const [count, setCount] = useState<number | null>(null)
  const [q, setQ] = useState('')
  const list = useReportsList({ ...EMPTY_LIST_FILTER, q })
  const [report, setReport] = useState<ReportListItem | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const filterKey = JSON.stringify(cleanIndicatorFilter(filter))

  useEffect(() => {
    let live = true
    countIndicators(client, cleanIndicatorFilter(filter)).then(
      (n) => {
        if (live) setCount(n)
      },
      (e: unknown) => {
        if (live) setError(errorMessage(e))
      },
    )
    return () => {
      live = false
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the filter's identity is its JSON
  }, [client, filterKey])

  const canAdd =
    report !== null &&
    !busy &&
    (source === 'selection' ? selected !== null : count !== null && count > 0)

  const add = async () => {
    if (report === null) return
    setBusy(true)
    setError(null)
    try {
      const result =
        source === 'selection' && selected !== null
          ? await attachToReport(client, report.id, { indicatorIds: [selected.id] })
          : await attachToReport(client, report.id, {
              filter: cleanIndicatorFilter(indicators.getState().filter),
            })
      ui.getState().toast('success', attachOutcome(result, report.name))
      props.onClose()
    } catch (e) {
      setError(errorMessage(e))
      setBusy(false)
    }
  }

  return (
    <Modal
      title="Add to report"
      onClose={props.onClose}
      testId="add-to-report-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={props.onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-primary"
            disabled={!canAdd}
            data-testid="add-to-report-confirm"
            onClick={() => void add()}
          >
            {source === 'filter' && count !== null
              ? `Add ${count.toLocaleString('en')} to the report`
              : 'Add to the report'}
          </button>
        </>
      }
    >
      <SelectionOrFilter
        name="add"
        legend="What to add"
        className="add-to-report-choice"
        source={source}
        onSource={setSource}
        selected={selected}
        count={count}
        filter={filter}
      />
      <label className="field">
        <span>Report</span>
        <input
          type="search"
          value={q}
          maxLength={300}
          placeholder="Search reports"
          data-autofocus
          data-testid="add-to-report-search"
          onChange={(e) => setQ(e.target.value)}
        />
      </label>
      <ul
        className="add-to-report-list"
        data-testid="add-to-report-list"
        data-state={list.loading ? 'loading' : 'ready'}
      >
        {list.items.map((r) => (
          <li key={r.id}>
            <label>
              <input
                type="radio"
                name="add-report"
                checked={report?.id === r.id}
                data-testid="add-to-report-option"
                data-id={r.id}
                onChange={() => setReport(r)}
              />
              <span className="object-label">{r.name}</span>
              <TlpBadge value={r.tlp} />
              <span className="report-status">{r.details.published ? 'Published' : 'Draft'}</span>
            </label>
          </li>
        ))}
        {!list.loading && list.items.length === 0 ? (
          <li className="attach-none">
            {q === ''
              ? 'No threat reports yet: write one in the Reports view.'
              : 'No report matches.'}
          </li>
        ) : null}
      </ul>
      {error !== null ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
    </Modal>
  )
}
