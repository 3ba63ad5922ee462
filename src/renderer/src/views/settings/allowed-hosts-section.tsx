import { useState } from 'react'
import type { SaveError, SettingsPatch } from './use-settings'

type Props = {
  hosts: readonly string[]
  transport: 'ipc' | 'http'
  save(patch: SettingsPatch): Promise<SaveError | null>
}

/**
 * The intranet hosts that feeds and imports set up over the REST API may still fetch from. The list guards
 * the machine against whoever holds the API token, so the API cannot change it: this section edits it in
 * the desktop app, and in the browser (which talks to the API) it only shows it.
 */
export const AllowedHostsSection = (props: Props) => {
  const [draft, setDraft] = useState('')
  const [error, setError] = useState<SaveError | null>(null)
  const [busy, setBusy] = useState(false)
  const editable = props.transport === 'ipc'

  const update = async (hosts: string[]) => {
    setBusy(true)
    const e = await props.save({ fetchAllowedHosts: hosts })
    setError(e)
    setBusy(false)
    return e === null
  }
  const add = async () => {
    const host = draft.trim().toLowerCase()
    if (host === '' || props.hosts.includes(host)) return setDraft('')
    if (await update([...props.hosts, host])) setDraft('')
  }

  return (
    <section
      className="settings-section"
      aria-labelledby="settings-allowed-hosts"
      data-testid="settings-allowed-hosts"
    >
      <h2 id="settings-allowed-hosts">Intranet hosts for API-made feeds</h2>
      <p className="muted">
        Feeds and imports set up over the REST API may not fetch from this computer or private
        networks. Hosts listed here are let through (an intranet TAXII or MISP server). The desktop
        app and the command line fetch from any host.
      </p>
      {props.hosts.length === 0 ? (
        <p className="muted" data-testid="allowed-hosts-empty">
          No host allowed.
        </p>
      ) : (
        <ul className="allowed-hosts" data-testid="allowed-hosts-list">
          {props.hosts.map((h) => (
            <li key={h} data-testid="allowed-host">
              <code>{h}</code>
              {editable ? (
                <button
                  type="button"
                  className="button button-small button-danger-quiet"
                  disabled={busy}
                  aria-label={`Remove ${h}`}
                  data-testid="allowed-host-remove"
                  onClick={() => void update(props.hosts.filter((x) => x !== h))}
                >
                  Remove
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {editable ? (
        <form
          className="allowed-hosts-add"
          onSubmit={(e) => {
            e.preventDefault()
            void add()
          }}
        >
          <input
            value={draft}
            placeholder="taxii.corp.example or 10.0.0.5"
            aria-label="Host to allow"
            data-testid="allowed-host-input"
            onChange={(e) => setDraft(e.target.value)}
          />
          <button
            type="submit"
            className="button"
            disabled={busy || draft.trim() === ''}
            data-testid="allowed-host-add"
          >
            Allow
          </button>
        </form>
      ) : (
        <p className="muted" data-testid="allowed-hosts-readonly">
          Change this list in the desktop app, or with{' '}
          <code>npx threateye settings allow-host &lt;host&gt;</code> on this machine.
        </p>
      )}
      {error ? (
        <p className="form-error" role="alert" data-testid="allowed-hosts-error">
          {error.message}
        </p>
      ) : null}
    </section>
  )
}
