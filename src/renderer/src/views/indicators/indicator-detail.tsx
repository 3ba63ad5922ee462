import { useEffect, useState, type ReactNode } from 'react'
import type { Indicator } from '#shared/contract/indicators.contract'
import { defang } from '#shared/domain'
import { ApiError, errorMessage } from '../../api/client'
import { useClient, useServices } from '../../app-context'
import {
  ClassificationBadge,
  ScoreMeter,
  SeverityBadge,
  StatusFlags,
  TagList,
  TlpBadge,
} from '../../components/badges'
import { CopyButton } from '../../components/copy-button'
import { ConfirmDialog } from '../../components/modal'
import { ObservationsList } from '../../components/observations-list'
import { useIntelNav } from '../intel/intel-nav'
import { TYPE_LABELS, formatCount, formatDateTime } from './format'
import { EnrichmentPanel } from './enrichment-panel'
import { EnrichmentPivotsSection } from './enrichment-pivots'
import { IndicatorEditForm } from './indicator-edit-form'
import { IntelLinksSection } from './intel-links'
import { ReportedInSection } from './reported-in'
import { WarninglistHitsSection } from './warninglist-hits'
import { ScoreBreakdownPanel } from './score-breakdown'
import { useProjects } from './use-projects'

/** Enrichment is feed data: shown as text, and cut so a huge blob cannot freeze the panel. */
const MAX_ENRICHMENT_CHARS = 20_000

const Item = (props: { label: string; children: ReactNode; testId?: string }) => (
  <div className="detail-item">
    <dt>{props.label}</dt>
    <dd data-testid={props.testId}>{props.children}</dd>
  </div>
)

const list = (items: string[]) => (items.length === 0 ? '—' : items.join(', '))

export const IndicatorDetail = (props: { id: string }) => {
  const client = useClient()
  const { ui, indicators } = useServices()
  const projects = useProjects()
  const intelNav = useIntelNav()
  const [indicator, setIndicator] = useState<Indicator | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [editing, setEditing] = useState(false)
  const [confirmDelete, setConfirmDelete] = useState(false)
  const [busy, setBusy] = useState(false)
  const { id } = props

  // The view keys this panel by id, so a different indicator starts from fresh state.
  useEffect(() => {
    let live = true
    const load = () =>
      client.call('indicators.get', { id }).then(
        (fresh) => {
          if (!live) return
          setIndicator(fresh)
          setError(null)
        },
        (e: unknown) => {
          if (!live) return
          setError(
            e instanceof ApiError && e.code === 'not_found'
              ? 'This indicator no longer exists.'
              : errorMessage(e),
          )
        },
      )
    void load()
    const off = client.on('indicators.onDidChange', (change) => {
      if (change.kind === 'deleted') {
        // Deleted elsewhere (or here, while the panel closes): say so instead of asking for a missing row.
        if (change.ids?.includes(id) && live) {
          setIndicator(null)
          setError('This indicator was deleted.')
        }
        return
      }
      if (change.kind === 'bulk' || change.ids?.includes(id)) void load()
    })
    return () => {
      live = false
      off()
    }
  }, [client, id])

  const close = () => indicators.getState().openDetail(null)

  const toggleFalsePositive = async (current: Indicator) => {
    setBusy(true)
    try {
      const next = current.falsePositive
        ? await client.call('indicators.activate', { id: current.id })
        : await client.call('indicators.markFalsePositive', { id: current.id, falsePositive: true })
      setIndicator(next)
      indicators.getState().replaceRow(next)
      ui.getState().toast(
        'success',
        next.falsePositive ? 'Marked as false positive' : 'Reactivated',
      )
    } catch (e) {
      ui.getState().toast('error', errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  const remove = async (current: Indicator) => {
    setBusy(true)
    try {
      await client.call('indicators.delete', { id: current.id })
      setConfirmDelete(false)
      indicators.getState().forgetRow(current.id)
      ui.getState().toast('success', `Deleted ${defang(current.type, current.value)}`)
    } catch (e) {
      ui.getState().toast('error', errorMessage(e))
      setBusy(false)
    }
  }

  return (
    <aside
      className="detail"
      aria-label="Indicator details"
      data-testid="detail-panel"
      data-indicator-id={id}
    >
      <header className="detail-header">
        <h2 className="detail-title">Indicator</h2>
        <button
          type="button"
          className="icon-button"
          aria-label="Close details (Escape)"
          data-testid="close-detail"
          onClick={close}
        >
          ×
        </button>
      </header>
      {error ? (
        <p className="detail-error" role="alert">
          {error}
        </p>
      ) : null}
      {!indicator && !error ? <p className="muted detail-loading">Loading…</p> : null}
      {indicator ? (
        <div className="detail-body" data-testid="detail-body" data-id={indicator.id}>
          <div className="detail-value">
            <span className="type-chip">{TYPE_LABELS[indicator.type]}</span>
            <span className="mono value-large" data-testid="detail-value">
              {defang(indicator.type, indicator.value)}
            </span>
            <CopyButton value={indicator.value} label="Copy value" />
          </div>
          <div className="detail-actions">
            <button
              type="button"
              className="button"
              disabled={editing}
              data-testid="edit-indicator"
              onClick={() => setEditing(true)}
            >
              Edit
            </button>
            <button
              type="button"
              className="button"
              disabled={busy}
              data-testid="toggle-fp"
              onClick={() => void toggleFalsePositive(indicator)}
            >
              {indicator.falsePositive ? 'Clear false positive' : 'Mark false positive'}
            </button>
            <button
              type="button"
              className="button"
              data-testid="indicator-open-graph"
              onClick={() => intelNav.openInGraph(indicator.id)}
            >
              Open in graph
            </button>
            <button
              type="button"
              className="button button-danger-quiet"
              disabled={busy}
              data-testid="delete-indicator"
              onClick={() => setConfirmDelete(true)}
            >
              Delete
            </button>
          </div>
          {editing ? (
            <IndicatorEditForm
              key={indicator.updatedAt}
              indicator={indicator}
              onCancel={() => setEditing(false)}
              onSaved={(saved) => {
                setIndicator(saved)
                setEditing(false)
              }}
            />
          ) : (
            <dl className="detail-grid">
              <Item label="Classification">
                <ClassificationBadge value={indicator.classification} />
              </Item>
              <Item label="Severity" testId="detail-severity">
                <SeverityBadge value={indicator.severity} />
              </Item>
              <Item label="Score / risk">
                <ScoreMeter score={indicator.score} risk={indicator.riskLevel} />{' '}
                <span className="muted">{indicator.riskLevel}</span>
              </Item>
              <Item label="Confidence">{indicator.confidence}</Item>
              <Item label="TLP">
                <TlpBadge value={indicator.tlp} />
              </Item>
              <Item label="Status" testId="detail-status">
                <StatusFlags
                  active={indicator.active}
                  falsePositive={indicator.falsePositive}
                  expired={indicator.expired}
                />
              </Item>
              <Item label="Tags">
                {indicator.tags.length ? <TagList tags={indicator.tags} max={50} /> : '—'}
              </Item>
              <Item label="Project">
                {projects.find((p) => p.id === indicator.projectId)?.name ??
                  (indicator.projectId ? indicator.projectId : '—')}
              </Item>
              <Item label="MITRE tactics">{list(indicator.mitreTactics)}</Item>
              <Item label="MITRE techniques">{list(indicator.mitreTechniques)}</Item>
              <Item label="Sources / sightings" testId="detail-sightings">
                {formatCount(indicator.sourceCount)} / {formatCount(indicator.sightingCount)}
              </Item>
              <Item label="First seen">{formatDateTime(indicator.firstSeen)}</Item>
              <Item label="Last seen">{formatDateTime(indicator.lastSeen)}</Item>
              <Item label="Created">{formatDateTime(indicator.createdAt)}</Item>
              <Item label="Updated">{formatDateTime(indicator.updatedAt)}</Item>
              <div className="detail-item detail-wide">
                <dt>Description</dt>
                <dd className="prewrap">{indicator.description || '—'}</dd>
              </div>
              {indicator.enrichment ? (
                <div className="detail-item detail-wide">
                  <dt>Imported enrichment</dt>
                  <dd>
                    <pre className="enrichment">
                      {JSON.stringify(indicator.enrichment, null, 2).slice(0, MAX_ENRICHMENT_CHARS)}
                    </pre>
                  </dd>
                </div>
              ) : null}
            </dl>
          )}
          <WarninglistHitsSection
            indicatorId={indicator.id}
            version={`${indicator.updatedAt} ${String(indicator.falsePositive)}`}
          />
          <ScoreBreakdownPanel indicatorId={indicator.id} />
          <EnrichmentPanel indicatorId={indicator.id} tlp={indicator.tlp} />
          <EnrichmentPivotsSection indicator={indicator} />
          <IntelLinksSection indicatorId={indicator.id} />
          <ReportedInSection indicatorId={indicator.id} />
          <ObservationsList indicatorId={indicator.id} />
        </div>
      ) : null}
      {confirmDelete && indicator ? (
        <ConfirmDialog
          title="Delete indicator?"
          message={
            <>
              This permanently deletes{' '}
              <span className="mono">{defang(indicator.type, indicator.value)}</span>.
            </>
          }
          confirmLabel="Delete"
          danger
          busy={busy}
          onCancel={() => setConfirmDelete(false)}
          onConfirm={() => void remove(indicator)}
        />
      ) : null}
    </aside>
  )
}
