import { useState } from 'react'
import type { Settings } from '#shared/contract/settings.contract'
import type { SaveError, SettingsPatch, SystemInfo } from './use-settings'

/** The loopback spellings settings.update accepts; anything else is chosen in the app's menu or by --host. */
const LOOPBACK_HOSTS = ['127.0.0.1', '::1', 'localhost'] as const

type Props = {
  settings: Settings
  info: SystemInfo
  transport: 'ipc' | 'http'
  save(patch: SettingsPatch): Promise<SaveError | null>
}

/**
 * The desktop app's optional local REST API (keyed by the saved address, so a change saved elsewhere resets
 * the form): on or off, which loopback address and port. In the browser the
 * page itself is served by that API (threateye serve), so it is shown, not switched.
 */
export const ApiSection = (props: Props) => {
  const { settings, info } = props
  const [host, setHost] = useState(settings.httpHost)
  const [port, setPort] = useState(String(settings.httpPort))
  const [error, setError] = useState<SaveError | null>(null)
  const [busy, setBusy] = useState(false)

  const run = async (patch: SettingsPatch) => {
    setBusy(true)
    setError(await props.save(patch))
    setBusy(false)
  }

  if (props.transport === 'http') {
    return (
      <section
        className="settings-section"
        aria-labelledby="settings-api"
        data-testid="settings-api"
      >
        <h2 id="settings-api">Local REST API</h2>
        <p className="muted">
          This page is served by the API of <code>threateye serve</code>
          {info.httpUrl ? (
            <>
              {' '}
              at <code data-testid="settings-api-url">{info.httpUrl}</code>
            </>
          ) : null}
          . Where it listens is chosen when it starts (<code>--port</code>, <code>--host</code>).
        </p>
      </section>
    )
  }

  const portNumber = Number(port)
  const portValid = /^\d{1,5}$/.test(port) && portNumber <= 65535
  const dirty = host !== settings.httpHost || port !== String(settings.httpPort)
  const fieldError = (f: string) =>
    error?.field === f ? (
      <span className="field-error" role="alert" data-testid={`settings-error-${f}`}>
        {error.message}
      </span>
    ) : null

  return (
    <section className="settings-section" aria-labelledby="settings-api" data-testid="settings-api">
      <h2 id="settings-api">Local REST API</h2>
      <p className="muted">
        Scripts and tools on this computer can use ThreatEye through its REST API, with the token in
        the data directory&apos;s <code>api-token</code> file. Off by default.
      </p>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={settings.httpEnabled}
          disabled={busy}
          data-testid="settings-http-enabled"
          onChange={(e) => void run({ httpEnabled: e.target.checked })}
        />
        Serve the REST API
      </label>
      <p className="muted" data-testid="settings-api-status">
        {info.httpUrl ? (
          <>
            Listening at <code>{info.httpUrl}</code>
          </>
        ) : (
          'Not listening.'
        )}
      </p>
      <div className="form-grid settings-grid">
        <div className="field">
          <label htmlFor="settings-http-host">Address</label>
          <select
            id="settings-http-host"
            value={host}
            data-testid="settings-http-host"
            onChange={(e) => setHost(e.target.value)}
          >
            {[...new Set([...LOOPBACK_HOSTS, settings.httpHost])].map((h) => (
              <option key={h} value={h}>
                {h}
              </option>
            ))}
          </select>
          {fieldError('httpHost')}
        </div>
        <div className="field">
          <label htmlFor="settings-http-port">Port</label>
          <input
            id="settings-http-port"
            inputMode="numeric"
            value={port}
            data-testid="settings-http-port"
            aria-invalid={!portValid}
            onChange={(e) => setPort(e.target.value.trim())}
          />
          {portValid ? null : (
            <span className="field-error">A port is a number from 0 to 65535.</span>
          )}
          {fieldError('httpPort')}
        </div>
      </div>
      {error && error.field !== 'httpHost' && error.field !== 'httpPort' ? (
        <p className="form-error" role="alert" data-testid="settings-api-error">
          {error.message}
        </p>
      ) : null}
      <div className="form-actions settings-actions">
        <button
          type="button"
          className="button button-primary"
          disabled={!dirty || !portValid || busy}
          data-testid="settings-api-save"
          onClick={() => void run({ httpHost: host, httpPort: portNumber })}
        >
          Save address
        </button>
      </div>
      <p className="muted">
        Only this computer can reach these addresses. To let other computers use the API, use{' '}
        <strong>File › Share the API on the network…</strong>, which says what that exposes first.
      </p>
    </section>
  )
}
