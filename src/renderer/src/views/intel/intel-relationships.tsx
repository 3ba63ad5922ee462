import { useState } from 'react'
import type { IntelNode } from '#shared/contract/intel.contract'
import { RELATIONSHIP_TYPES, type IntelEntity } from '#shared/contract/intel.schemas'
import { errorMessage, issuesOf } from '../../api/client'
import { useServices } from '../../app-context'
import { useContractQuery } from '../../hooks/use-contract-query'
import { KIND_LABELS, nodeLabel } from './intel-format'
import { useIntelNav } from './intel-nav'
import { ObjectSearch } from './object-search'

/** Relationships shown in the panel; the graph pages through the rest. */
const SHOWN = 200

const AddRelationship = (props: { entity: IntelEntity; onAdded: () => void }) => {
  const { client, ui } = useServices()
  const [type, setType] = useState<string>(RELATIONSHIP_TYPES[0])
  const [outgoing, setOutgoing] = useState(true)
  const [target, setTarget] = useState<IntelNode | null>(null)
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [busy, setBusy] = useState(false)

  const add = async () => {
    if (target === null) {
      setErrors({ targetRef: 'Target: pick an object from the search' })
      return
    }
    setBusy(true)
    try {
      const r = await client.call('intel.createRelationship', {
        sourceRef: outgoing ? props.entity.id : target.ref,
        targetRef: outgoing ? target.ref : props.entity.id,
        relationshipType: type,
      })
      ui.getState().toast(
        'success',
        r.created ? `Linked ${nodeLabel(target)}` : 'That relationship was already there',
      )
      setTarget(null)
      setErrors({})
      props.onAdded()
    } catch (e) {
      const issues = issuesOf(e)
      const named: Record<string, string> = {}
      for (const [path, message] of Object.entries(issues)) {
        const field = path === 'relationshipType' ? 'Type' : 'Target'
        named[path === 'relationshipType' ? path : 'targetRef'] = `${field}: ${message}`
      }
      setErrors(Object.keys(named).length > 0 ? named : { targetRef: errorMessage(e) })
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="add-relationship" data-testid="add-relationship">
      <div className="add-relationship-row">
        <select
          aria-label="Direction"
          value={outgoing ? 'out' : 'in'}
          data-testid="relationship-direction"
          onChange={(e) => setOutgoing(e.target.value === 'out')}
        >
          <option value="out">This →</option>
          <option value="in">← This</option>
        </select>
        <select
          aria-label="Relationship type"
          value={type}
          data-testid="relationship-type"
          aria-invalid={errors.relationshipType !== undefined}
          onChange={(e) => setType(e.target.value)}
        >
          {RELATIONSHIP_TYPES.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
        {target === null ? (
          <span className="muted">pick a target below</span>
        ) : (
          <span className="relationship-target" data-testid="relationship-target">
            {KIND_LABELS[target.kind]}: {nodeLabel(target)}{' '}
            <button type="button" className="link-button" onClick={() => setTarget(null)}>
              change
            </button>
          </span>
        )}
        <button
          type="button"
          className="button button-small button-primary"
          disabled={busy}
          data-testid="relationship-add"
          onClick={() => void add()}
        >
          Add
        </button>
      </div>
      {target === null ? (
        <ObjectSearch
          label="Find the related object"
          placeholder="Actor, campaign, malware, CVE or indicator value…"
          testId="relationship-search"
          exclude={props.entity.id}
          onPick={(n) => {
            setTarget(n)
            setErrors({})
          }}
        />
      ) : null}
      {Object.values(errors).map((m) => (
        <p key={m} className="field-error" role="alert" data-testid="relationship-error">
          {m}
        </p>
      ))}
    </div>
  )
}

/** The entity's relationships, both directions, each removable, and a way to add one. */
export const IntelRelationships = (props: { entity: IntelEntity }) => {
  const { client, ui } = useServices()
  const nav = useIntelNav()
  const { entity } = props
  const list = useContractQuery(
    'intel.listRelationships',
    { ref: entity.id, limit: SHOWN },
    `${entity.id} ${entity.updatedAt}`,
    [
      {
        event: 'intel.onDidChange',
        when: (c) => c.change === 'relationships' || c.id === entity.id,
      },
    ],
  )
  const [busy, setBusy] = useState(false)
  const items = list.data?.items ?? []

  const remove = async (id: string) => {
    setBusy(true)
    try {
      await client.call('intel.deleteRelationship', { id })
      list.reload()
    } catch (e) {
      ui.getState().toast('error', `Could not remove the relationship: ${errorMessage(e)}`)
    } finally {
      setBusy(false)
    }
  }

  const open = (n: IntelNode) => {
    if (n.kind === 'indicator') nav.openIndicator(n.ref)
    else if (n.kind !== 'attack-pattern') nav.openEntity(n.ref, n.kind)
  }

  return (
    <section
      className="intel-section"
      aria-label="Relationships"
      data-testid="intel-relationships"
      data-count={items.length}
    >
      <header className="intel-section-header">
        <h3>Relationships</h3>
        <span className="count">
          {items.length}
          {list.data?.truncated === true ? '+' : ''}
        </span>
      </header>
      {list.error !== null ? <p className="form-error">{list.error}</p> : null}
      <ul className="relationship-list">
        {items.map((r) => {
          const outgoing = r.sourceRef === entity.id
          const other = outgoing ? r.targetNode : r.sourceNode
          const said = [r.source, r.confidence === null ? null : `confidence ${r.confidence}`]
            .filter(Boolean)
            .join(', ')
          return (
            <li
              key={r.id}
              className="relationship"
              data-testid="relationship"
              data-type={r.relationshipType}
              data-other={outgoing ? r.targetRef : r.sourceRef}
              title={said}
            >
              <span className="relationship-type">
                {outgoing ? `${r.relationshipType} →` : `← ${r.relationshipType}`}
              </span>
              {other === null ? (
                <span className="muted">(deleted object)</span>
              ) : (
                <>
                  <span className="kind-chip" data-kind={other.kind}>
                    {other.type ?? KIND_LABELS[other.kind]}
                  </span>
                  <button
                    type="button"
                    className="link-button relationship-other"
                    data-testid="relationship-open"
                    onClick={() => open(other)}
                  >
                    {nodeLabel(other)}
                  </button>
                </>
              )}
              <button
                type="button"
                className="link-button"
                aria-label={`Remove ${r.relationshipType} ${other === null ? '' : nodeLabel(other)}`}
                disabled={busy}
                data-testid="relationship-remove"
                onClick={() => void remove(r.id)}
              >
                Remove
              </button>
            </li>
          )
        })}
      </ul>
      {list.data?.truncated === true ? (
        <p className="muted">
          More than {SHOWN} relationships: open the graph to explore them all.
        </p>
      ) : null}
      <AddRelationship entity={entity} onAdded={list.reload} />
    </section>
  )
}
