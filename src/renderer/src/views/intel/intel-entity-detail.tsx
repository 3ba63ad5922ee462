import { useMemo, useState, type ReactNode } from 'react'
import type { ExportTargetInput } from '#shared/contract/export.schemas'
import type { IntelEntity, Vulnerability } from '#shared/contract/intel.schemas'
import { errorMessage } from '../../api/client'
import { useServices } from '../../app-context'
import { TlpBadge } from '../../components/badges'
import { ExportDialog } from '../../components/export-dialog'
import { ConfirmDialog } from '../../components/modal'
import { useContractQuery } from '../../hooks/use-contract-query'
import { formatDateTime } from '../indicators/format'
import { useProjects } from '../indicators/use-projects'
import { IntelEntityForm } from './intel-entity-form'
import type { EditableKind } from './intel-form-model'
import { KIND_LABELS, formatDay, listOrDash, yesNo } from './intel-format'
import { IntelLinkedIndicators } from './intel-linked-indicators'
import { useIntelNav } from './intel-nav'
import { IntelRelationships } from './intel-relationships'
import { IntelTechniques } from './intel-techniques'

const Item = (props: { label: string; children: ReactNode; wide?: boolean; field?: string }) => (
  <div className={props.wide ? 'detail-item detail-wide' : 'detail-item'}>
    <dt>{props.label}</dt>
    <dd data-testid={props.field === undefined ? undefined : `intel-detail-${props.field}`}>
      {props.children}
    </dd>
  </div>
)

const VulnerabilityFields = (props: { entity: Vulnerability }) => {
  const e = props.entity
  return (
    <>
      <Item label="CVE id" field="cveId">
        {e.details.cveId ?? '—'}
      </Item>
      <Item label="CVSS">
        {e.details.cvssScore ?? '—'} {e.details.cvssSeverity ?? ''}
      </Item>
      <Item label="Exploit available">{yesNo(e.details.exploitAvailable)}</Item>
      <Item label="Exploited in the wild">{yesNo(e.details.exploitedInTheWild)}</Item>
      <Item label="Patch available">{yesNo(e.details.patchAvailable)}</Item>
      <Item label="Published">{formatDay(e.details.publishedAt)}</Item>
      <Item label="Discovered">{formatDay(e.details.discoveredAt)}</Item>
      <Item label="Affected products" wide>
        {e.details.affectedProducts.length === 0 ? (
          '—'
        ) : (
          <ul className="plain-list">
            {e.details.affectedProducts.map((p, i) => (
              <li key={i}>
                {p.product}
                {p.versions.length > 0 ? `: ${p.versions.join(', ')}` : ''}
              </li>
            ))}
          </ul>
        )}
      </Item>
      <Item label="Exploit references" wide>
        <References urls={e.details.exploitReferences} />
      </Item>
      <Item label="Patch references" wide>
        <References urls={e.details.patchReferences} />
      </Item>
      <Item label="Workarounds" wide>
        <span className="prewrap">{e.details.workarounds || '—'}</span>
      </Item>
    </>
  )
}

/** The fields only this kind has (intel.schemas' details), every one of them. */
const KindFields = (props: { entity: IntelEntity }) => {
  const e = props.entity
  switch (e.kind) {
    case 'threat-actor':
      return (
        <>
          <Item label="Actor type" field="actorType">
            {e.details.actorType ?? '—'}
          </Item>
          <Item label="Origin country" field="originCountry">
            {e.details.originCountry ?? '—'}
          </Item>
          <Item label="Motivation">{e.details.motivation ?? '—'}</Item>
          <Item label="Sophistication">{e.details.sophistication ?? '—'}</Item>
          <Item label="ATT&CK tactics">{listOrDash(e.details.tactics)}</Item>
          <Item label="Tools" field="tools">
            {listOrDash(e.details.tools)}
          </Item>
          <Item label="Target sectors">{listOrDash(e.details.targetSectors)}</Item>
          <Item label="Target countries">{listOrDash(e.details.targetCountries)}</Item>
        </>
      )
    case 'campaign':
      return (
        <>
          <Item label="Objectives" wide>
            {listOrDash(e.details.objectives)}
          </Item>
          <Item label="ATT&CK tactics">{listOrDash(e.details.tactics)}</Item>
          <Item label="Target sectors">{listOrDash(e.details.targetSectors)}</Item>
          <Item label="Target countries">{listOrDash(e.details.targetCountries)}</Item>
        </>
      )
    case 'vulnerability':
      return <VulnerabilityFields entity={e} />
    case 'malware':
      return (
        <>
          <Item label="Malware types">{listOrDash(e.details.malwareTypes)}</Item>
          <Item label="Family">{yesNo(e.details.isFamily)}</Item>
          <Item label="Capabilities" wide>
            {listOrDash(e.details.capabilities)}
          </Item>
        </>
      )
    case 'report':
      return (
        <>
          <Item label="Published">
            {e.details.published ? formatDay(e.details.publishedAt) : 'Draft'}
          </Item>
          <Item label="Authors">{listOrDash(e.details.authors)}</Item>
          <Item label="Summary" wide>
            <span className="prewrap">{e.details.summary || '—'}</span>
          </Item>
          <Item label="Content">
            {e.details.content.length.toLocaleString()} characters (edit it in Reports)
          </Item>
        </>
      )
  }
}

/** References are feed text: shown as text (selectable), never as live links into the app's window. */
const References = (props: { urls: string[] }) =>
  props.urls.length === 0 ? (
    '—'
  ) : (
    <ul className="plain-list mono">
      {props.urls.map((u, i) => (
        <li key={i}>{u}</li>
      ))}
    </ul>
  )

/** Every field of the entity: the common columns, then its kind's own. */
const EntityFields = (props: { entity: IntelEntity }) => {
  const e = props.entity
  const projects = useProjects()
  return (
    <dl className="detail-grid">
      <Item label="Aliases" wide field="aliases">
        {listOrDash(e.aliases)}
      </Item>
      <Item label="Severity">{e.severity ?? '—'}</Item>
      <Item label="Confidence">{e.confidence ?? '—'}</Item>
      <Item label="First seen">{formatDay(e.firstSeen)}</Item>
      <Item label="Last seen">{formatDay(e.lastSeen)}</Item>
      <KindFields entity={e} />
      <Item label="Project">
        {e.projectId === null
          ? '—'
          : (projects.find((p) => p.id === e.projectId)?.name ?? e.projectId)}
      </Item>
      <Item label="Sources">{listOrDash(e.sources)}</Item>
      <Item label="STIX id" wide>
        <span className="mono">{e.stixId ?? '—'}</span>
      </Item>
      <Item label="Created">{formatDateTime(e.createdAt)}</Item>
      <Item label="Updated">{formatDateTime(e.updatedAt)}</Item>
      <Item label="Description" wide field="description">
        <span className="prewrap">{e.description || '—'}</span>
      </Item>
    </dl>
  )
}

const isEditable = (e: IntelEntity): e is IntelEntity & { kind: EditableKind } =>
  e.kind !== 'report'

/** One entity: all its fields, its techniques (matrix), relationships and linked indicators. */
export const IntelEntityDetail = (props: { id: string; onClose: () => void }) => {
  const { client, ui } = useServices()
  const nav = useIntelNav()
  const { id } = props
  const q = useContractQuery('intel.get', { id }, id, [
    { event: 'intel.onDidChange', when: (c) => c.id === id || c.id === null },
  ])
  const [editing, setEditing] = useState(false)
  const [confirmDelete, setConfirmDelete] = useState(false)
  const [exporting, setExporting] = useState(false)
  // One object per entity: the export dialog checks its target again whenever it changes identity.
  const exportTarget = useMemo((): ExportTargetInput => ({ kind: 'entity', id, hops: 1 }), [id])
  const [busy, setBusy] = useState(false)
  const e = q.data
  const gone = q.error !== null && e === null

  const remove = async (entity: IntelEntity) => {
    setBusy(true)
    try {
      await client.call('intel.delete', { id: entity.id })
      ui.getState().toast('success', `Deleted ${entity.name}`)
      props.onClose()
    } catch (err) {
      ui.getState().toast('error', errorMessage(err))
      setBusy(false)
    }
  }

  return (
    <aside
      className="detail intel-detail"
      aria-label="Intel details"
      data-testid="intel-detail"
      data-id={id}
      data-state={e === null ? 'loading' : 'ready'}
      data-updated={e?.updatedAt ?? ''}
    >
      <header className="detail-header">
        <h2 className="detail-title">{e === null ? 'Intel' : KIND_LABELS[e.kind]}</h2>
        <button
          type="button"
          className="icon-button"
          aria-label="Close details"
          data-testid="intel-detail-close"
          onClick={props.onClose}
        >
          ×
        </button>
      </header>
      {q.error !== null ? (
        <p className="detail-error" role="alert">
          {q.error}
        </p>
      ) : null}
      {e === null && !gone ? <p className="muted detail-loading">Loading…</p> : null}
      {e !== null ? (
        <div className="detail-body" data-testid="intel-detail-body">
          <div className="detail-value">
            <span className="value-large" data-testid="intel-detail-name">
              {e.name}
            </span>
            <TlpBadge value={e.tlp} />
          </div>
          <div className="detail-actions">
            {isEditable(e) ? (
              <button
                type="button"
                className="button"
                disabled={editing}
                data-testid="intel-edit"
                onClick={() => setEditing(true)}
              >
                Edit
              </button>
            ) : null}
            <button
              type="button"
              className="button"
              data-testid="intel-open-graph"
              onClick={() => nav.openInGraph(e.id)}
            >
              Open in graph
            </button>
            <button
              type="button"
              className="button"
              data-testid="intel-export"
              onClick={() => setExporting(true)}
            >
              Export…
            </button>
            <button
              type="button"
              className="button button-danger-quiet"
              disabled={busy}
              data-testid="intel-delete"
              onClick={() => setConfirmDelete(true)}
            >
              Delete
            </button>
          </div>
          {editing && isEditable(e) ? (
            <IntelEntityForm
              key={e.updatedAt}
              kind={e.kind}
              entity={e}
              onDone={(saved) => {
                if (saved !== null) q.setData(saved)
                setEditing(false)
              }}
            />
          ) : (
            <EntityFields entity={e} />
          )}
          <IntelTechniques entity={e} onSaved={q.setData} />
          <IntelRelationships entity={e} />
          <IntelLinkedIndicators entityId={e.id} version={e.updatedAt} />
        </div>
      ) : null}
      {exporting && e !== null ? (
        <ExportDialog
          target={exportTarget}
          title={`${KIND_LABELS[e.kind]}: ${e.name}`}
          onClose={() => setExporting(false)}
        />
      ) : null}
      {confirmDelete && e !== null ? (
        <ConfirmDialog
          title={`Delete ${KIND_LABELS[e.kind].toLowerCase()}?`}
          message={
            <>
              This permanently deletes <strong>{e.name}</strong> with its relationships.
            </>
          }
          confirmLabel="Delete"
          danger
          busy={busy}
          onCancel={() => setConfirmDelete(false)}
          onConfirm={() => void remove(e)}
        />
      ) : null}
    </aside>
  )
}
