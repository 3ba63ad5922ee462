import { useEffect, useState } from 'react'
import type { AllowlistEntry } from '#shared/contract/allowlist.contract'
import { errorMessage } from '../../api/client'
import { useClient } from '../../app-context'
import { formatCount } from '../indicators/format'

/** Entries shown; the CLI and the API page through more. */
const SHOWN = 500

/**
 * The analysts' false-positive allowlist: what "Mark false positive" on an indicator added. Later imports
 * store these values as false positive and inactive; removing one lets them come in as the feeds say.
 */
export const AllowlistPanel = () => {
  const client = useClient()
  const [items, setItems] = useState<AllowlistEntry[] | null>(null)
  const [total, setTotal] = useState(0)
  const [error, setError] = useState<string | null>(null)
  // Bumped after a removal here: the list is read again.
  const [version, setVersion] = useState(0)

  useEffect(() => {
    let live = true
    const load = () =>
      client.call('allowlist.list', { limit: SHOWN }).then(
        (r) => {
          if (!live) return
          setItems(r.items)
          setTotal(r.total)
        },
        (e: unknown) => {
          if (live) setError(errorMessage(e))
        },
      )
    void load()
    // Marking a false positive elsewhere (the indicator detail) changes the list.
    const off = client.on('indicators.onDidChange', () => void load())
    return () => {
      live = false
      off()
    }
  }, [client, version])

  const remove = async (e: AllowlistEntry) => {
    try {
      await client.call('allowlist.remove', { id: e.id })
    } catch (err) {
      setError(errorMessage(err))
    } finally {
      setVersion((v) => v + 1)
    }
  }

  return (
    <div className="allowlist" data-testid="allowlist">
      <h3>False-positive allowlist</h3>
      {items === null ? null : items.length === 0 ? (
        <p className="muted" data-testid="allowlist-empty">
          Nothing allowlisted. Marking an indicator a false positive adds its value here.
        </p>
      ) : (
        <>
          <p className="muted">
            {formatCount(total)} value{total === 1 ? '' : 's'}: later imports store them as false
            positive and inactive.
          </p>
          <ul className="allowed-hosts" data-testid="allowlist-list">
            {items.map((e) => (
              <li key={e.id} data-testid="allowlist-entry">
                <span>
                  <span className="type-chip">{e.type}</span>{' '}
                  <code data-testid="allowlist-value">{e.value}</code>
                  {e.reason ? <span className="muted"> — {e.reason}</span> : null}
                </span>
                <button
                  type="button"
                  className="button button-small button-danger-quiet"
                  aria-label={`Take ${e.value} off the allowlist`}
                  data-testid="allowlist-remove"
                  onClick={() => void remove(e)}
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  )
}
