import { useEffect, useState } from 'react'
import type { IntelNode } from '#shared/contract/intel.contract'
import { errorMessage } from '../../api/client'
import { useServices } from '../../app-context'
import { KIND_LABELS, nodeLabel } from './intel-format'

const LIMIT = 12

/**
 * Entities by name or alias and indicators by value (intel.searchObjects): to pick a relationship's far end
 * or where a graph starts. Labels are feed data, shown as text.
 */
export const ObjectSearch = (props: {
  label: string
  placeholder: string
  testId: string
  exclude?: string
  onPick: (node: IntelNode) => void
}) => {
  const { client } = useServices()
  const [q, setQ] = useState('')
  const [answer, setAnswer] = useState<{ q: string; items: IntelNode[] }>({ q: '', items: [] })
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    const text = q.trim()
    if (text === '') return
    let live = true
    client.call('intel.searchObjects', { q: text, limit: LIMIT }).then(
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
  const shown = q.trim() === '' ? [] : answer.items.filter((h) => h.ref !== props.exclude)
  const settled = answer.q === q.trim()
  return (
    <div className="object-search">
      <input
        type="search"
        aria-label={props.label}
        placeholder={props.placeholder}
        value={q}
        data-testid={props.testId}
        onChange={(e) => setQ(e.target.value)}
      />
      {error !== null ? <p className="form-error">{error}</p> : null}
      {shown.length > 0 ? (
        <ul className="object-hits" data-testid={`${props.testId}-hits`}>
          {shown.map((h) => (
            <li key={h.ref}>
              <button
                type="button"
                className="object-hit"
                data-testid="object-hit"
                data-ref={h.ref}
                data-kind={h.kind}
                onClick={() => {
                  props.onPick(h)
                  setQ('')
                }}
              >
                <span className="kind-chip" data-kind={h.kind}>
                  {h.type ?? KIND_LABELS[h.kind]}
                </span>{' '}
                <span className="object-hit-label">{nodeLabel(h)}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : q.trim() !== '' && settled && error === null ? (
        <p className="muted">No match yet.</p>
      ) : null}
    </div>
  )
}
