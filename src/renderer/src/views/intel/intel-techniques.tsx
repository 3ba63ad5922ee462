import { useEffect, useMemo, useState } from 'react'
import type { AttackTechniqueDto } from '#shared/contract/attack.contract'
import type { IntelEntity } from '#shared/contract/intel.schemas'
import { errorMessage } from '../../api/client'
import { useServices } from '../../app-context'
import { useContractQuery } from '../../hooks/use-contract-query'
import { AttackMatrix } from './attack-matrix'
import { catalogueOf, toggleTechnique } from './attack-matrix-layout'

const SEARCH_LIMIT = 30

/** Techniques by id or name from the catalogue, to add to the entity. */
const TechniquePicker = (props: {
  selected: readonly string[]
  busy: boolean
  onToggle: (id: string) => void
}) => {
  const { client } = useServices()
  const [q, setQ] = useState('')
  const [answer, setAnswer] = useState<{ q: string; items: AttackTechniqueDto[] }>({
    q: '',
    items: [],
  })
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    const text = q.trim()
    if (text === '') return
    let live = true
    client.call('attack.searchTechniques', { q: text, limit: SEARCH_LIMIT }).then(
      (r) => {
        if (!live) return
        setAnswer({ q: text, items: r.items })
        setError(null)
      },
      (e: unknown) => {
        if (live) setError(errorMessage(e))
      },
    )
    return () => {
      live = false
    }
  }, [client, q])
  // An emptied box shows nothing; a changed one keeps the last answer until the new one arrives.
  const hits = q.trim() === '' ? [] : answer.items
  const chosen = new Set(props.selected.map((s) => s.toUpperCase()))
  return (
    <div className="technique-picker" data-testid="technique-picker">
      <input
        type="search"
        placeholder="Find a technique: T1059, phishing…"
        aria-label="Find an ATT&CK technique"
        value={q}
        data-testid="technique-search"
        onChange={(e) => setQ(e.target.value)}
      />
      {error !== null ? <p className="form-error">{error}</p> : null}
      <ul className="technique-hits">
        {hits.map((t) => {
          const on = chosen.has(t.id.toUpperCase())
          return (
            <li key={t.id}>
              <button
                type="button"
                className={on ? 'technique-hit on' : 'technique-hit'}
                aria-pressed={on}
                disabled={props.busy}
                data-testid="technique-hit"
                data-technique={t.id}
                onClick={() => props.onToggle(t.id)}
              >
                <span className="mono">{t.id}</span> {t.name}
                <span className="muted"> {on ? '(remove)' : '(add)'}</span>
              </button>
            </li>
          )
        })}
      </ul>
    </div>
  )
}

/**
 * The entity's ATT&CK techniques: the matrix on actors and campaigns (the list elsewhere), and in edit
 * mode a picker and clickable cells that save each change at once.
 */
export const IntelTechniques = (props: {
  entity: IntelEntity
  onSaved: (e: IntelEntity) => void
}) => {
  const { client, ui } = useServices()
  const { entity } = props
  const [editing, setEditing] = useState(false)
  const [busy, setBusy] = useState(false)
  const showMatrix = entity.kind === 'threat-actor' || entity.kind === 'campaign'
  const matrix = useContractQuery('attack.matrix', {}, showMatrix ? 'matrix' : 'none')
  const catalogue = useMemo(
    () => (matrix.data === null ? null : catalogueOf(matrix.data)),
    [matrix.data],
  )

  const toggle = async (id: string) => {
    setBusy(true)
    try {
      const saved = await client.call('intel.update', {
        id: entity.id,
        patch: { techniques: toggleTechnique(entity.techniques, id) },
      })
      props.onSaved(saved)
    } catch (e) {
      ui.getState().toast('error', `Could not change the techniques: ${errorMessage(e)}`)
    } finally {
      setBusy(false)
    }
  }

  return (
    <section
      className="intel-section"
      aria-label="ATT&CK techniques"
      data-testid="intel-techniques"
    >
      <header className="intel-section-header">
        <h3>ATT&amp;CK techniques</h3>
        <span className="count" data-testid="technique-count">
          {entity.techniques.length}
        </span>
        <button
          type="button"
          className="button button-small"
          aria-pressed={editing}
          data-testid="edit-techniques"
          onClick={() => setEditing(!editing)}
        >
          {editing ? 'Done' : 'Edit techniques'}
        </button>
      </header>
      {editing ? (
        <TechniquePicker
          selected={entity.techniques}
          busy={busy}
          onToggle={(id) => void toggle(id)}
        />
      ) : null}
      {entity.techniques.length > 0 ? (
        <ul className="technique-chips" data-testid="technique-list">
          {entity.techniques.map((t) => (
            <li key={t} className="tag mono" data-technique={t}>
              {t}
              {editing ? (
                <button
                  type="button"
                  className="link-button"
                  aria-label={`Remove ${t}`}
                  disabled={busy}
                  onClick={() => void toggle(t)}
                >
                  ×
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">None yet.</p>
      )}
      {showMatrix ? (
        matrix.error !== null ? (
          <p className="form-error">Could not load the ATT&amp;CK matrix: {matrix.error}</p>
        ) : catalogue === null ? (
          <p className="muted">Loading the matrix…</p>
        ) : (
          <AttackMatrix
            key={editing ? 'edit' : 'view'}
            tactics={catalogue.tactics}
            techniques={catalogue.techniques}
            selected={entity.techniques}
            busy={busy}
            {...(editing ? { onToggle: (id: string) => void toggle(id) } : {})}
          />
        )
      ) : null}
    </section>
  )
}
