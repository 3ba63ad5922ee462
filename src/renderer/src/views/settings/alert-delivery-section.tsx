import { useEffect, useState } from 'react'
import type { AlertSettings } from '#shared/contract/alerts.contract'
import { errorMessage, issuesOf } from '../../api/client'
import { useClient } from '../../app-context'
import {
  browserNotificationPermission,
  requestBrowserNotifications,
} from '../../hooks/use-alert-notifications'

/**
 * How new alerts reach the analyst: notifications (the desktop's, or the browser's when the app runs in
 * a browser: the browser asks permission, only on a click here) and the optional webhook. The webhook's
 * signing secret is write-only: the core never sends it back, the form only says whether one is set.
 */
export const AlertDeliverySection = () => {
  const client = useClient()
  const [settings, setSettings] = useState<AlertSettings | null>(null)
  const [url, setUrl] = useState('')
  const [secret, setSecret] = useState('')
  const [error, setError] = useState<{ field: string | null; message: string } | null>(null)
  const [busy, setBusy] = useState(false)
  const [permission, setPermission] = useState(browserNotificationPermission)
  const inBrowser = client.transport.kind === 'http'

  useEffect(() => {
    let live = true
    client.call('alerts.getSettings', {}).then(
      (s) => {
        if (!live) return
        setSettings(s)
        setUrl(s.webhook.url ?? '')
      },
      (e: unknown) => live && setError({ field: null, message: errorMessage(e) }),
    )
    return () => {
      live = false
    }
  }, [client])

  const save = async (input: Parameters<typeof client.call<'alerts.updateSettings'>>[1]) => {
    setBusy(true)
    try {
      const next = await client.call('alerts.updateSettings', input)
      setSettings(next)
      setUrl(next.webhook.url ?? '')
      setSecret('')
      setError(null)
    } catch (e) {
      const [field, message] = Object.entries(issuesOf(e))[0] ?? [null, errorMessage(e)]
      setError({ field, message })
    } finally {
      setBusy(false)
    }
  }

  if (settings === null) {
    return error ? (
      <p className="form-error" role="alert">
        Could not load the alert settings: {error.message}
      </p>
    ) : null
  }
  const trimmed = url.trim()
  const dirty = trimmed !== (settings.webhook.url ?? '') || secret !== ''

  return (
    <section
      className="settings-section"
      aria-labelledby="settings-alert-delivery"
      data-testid="settings-alert-delivery"
    >
      <h2 id="settings-alert-delivery">Alert notifications and webhook</h2>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={settings.notifications}
          disabled={busy}
          data-testid="settings-alert-notifications"
          onChange={(e) => void save({ notifications: e.target.checked })}
        />
        Notify me of new alerts
      </label>
      {inBrowser && settings.notifications && permission !== 'granted' ? (
        <p className="muted" data-testid="browser-notifications">
          {permission === 'denied' ? (
            'This browser blocks notifications from this page; allow them in its site settings.'
          ) : permission === 'unsupported' ? (
            'This browser cannot show notifications.'
          ) : (
            <button
              type="button"
              className="button button-small"
              data-testid="browser-notifications-allow"
              onClick={() => void requestBrowserNotifications().then(setPermission)}
            >
              Let this browser show them
            </button>
          )}
        </p>
      ) : null}
      <form
        className="form-grid settings-grid"
        onSubmit={(e) => {
          e.preventDefault()
          const secretPatch = secret === '' ? {} : { secret }
          void save({ webhook: { url: trimmed === '' ? null : trimmed, ...secretPatch } })
        }}
      >
        <div className="field">
          <label htmlFor="alert-webhook-url">Webhook URL (a JSON POST per new alert)</label>
          <input
            id="alert-webhook-url"
            value={url}
            placeholder="https://hooks.example.com/threateye"
            data-testid="alert-webhook-url"
            onChange={(e) => setUrl(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="alert-webhook-secret">
            Signing secret (HMAC-SHA256){settings.webhook.hasSecret ? ': set' : ''}
          </label>
          <input
            id="alert-webhook-secret"
            type="password"
            autoComplete="new-password"
            value={secret}
            placeholder={settings.webhook.hasSecret ? 'unchanged' : 'at least 16 characters'}
            data-testid="alert-webhook-secret"
            onChange={(e) => setSecret(e.target.value)}
          />
        </div>
        <div className="form-actions settings-actions">
          <button
            type="submit"
            className="button button-primary"
            disabled={busy || !dirty}
            data-testid="alert-webhook-save"
          >
            Save webhook
          </button>
          {settings.webhook.hasSecret ? (
            <button
              type="button"
              className="button button-danger-quiet"
              disabled={busy}
              data-testid="alert-webhook-secret-remove"
              onClick={() => void save({ webhook: { url: settings.webhook.url, secret: null } })}
            >
              Remove secret
            </button>
          ) : null}
        </div>
      </form>
      {error ? (
        <p className="form-error" role="alert" data-testid="alert-delivery-error">
          {error.field ? `${error.field}: ` : ''}
          {error.message}
        </p>
      ) : null}
      <p className="muted">
        Deliveries are retried with backoff; each alert records whether it was delivered. The
        signature is sent in the <code>X-ThreatEye-Signature</code> header as{' '}
        <code>sha256=&lt;hex&gt;</code> of the body.
      </p>
    </section>
  )
}
