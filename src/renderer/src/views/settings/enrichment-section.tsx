import { useState } from 'react'
import type { In } from '#shared/contract'
import type { EnrichmentSettings } from '#shared/contract/enrichment.schemas'
import { useClient } from '../../app-context'
import { useContractQuery } from '../../hooks/use-contract-query'
import { splitList } from '../indicators/format'
import { EnrichmentProviderRow, fieldError, type ProviderPatch } from './enrichment-provider-row'
import { saveErrorOf, type SaveError } from './use-settings'
import './enrichment-settings.css'

type Patch = In<'enrichment.updateSettings'>['patch']

/** Auto-enrichment and the DNS servers, saved together. */
const AutoAndDns = (props: {
  settings: EnrichmentSettings
  save: (patch: Patch) => Promise<SaveError | null>
}) => {
  const { settings } = props
  const [minScore, setMinScore] = useState(String(settings.auto.minScore))
  const [dns, setDns] = useState(settings.dnsServers.join(', '))
  const [error, setError] = useState<SaveError | null>(null)
  const [busy, setBusy] = useState(false)
  const [saved, setSaved] = useState(false)

  const run = async (patch: Patch) => {
    setBusy(true)
    setSaved(false)
    const e = await props.save(patch)
    setError(e)
    setSaved(e === null)
    setBusy(false)
  }

  const submit = () => {
    const n = Number(minScore.trim())
    if (minScore.trim() === '' || !Number.isInteger(n) || n < 0 || n > 100) {
      return setError({ field: 'auto.minScore', message: 'a whole number from 0 to 100' })
    }
    const servers = splitList(dns)
    if (servers.length > 8) {
      return setError({ field: 'dnsServers', message: 'at most 8 servers' })
    }
    void run({ auto: { minScore: n }, dnsServers: servers })
  }

  return (
    <form
      className="enrichment-settings-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault()
        submit()
      }}
    >
      <label className="enrichment-check">
        <input
          type="checkbox"
          checked={settings.auto.enabled}
          disabled={busy}
          data-testid="enrichment-auto"
          onChange={(e) => void run({ auto: { enabled: e.target.checked } })}
        />
        Enrich new indicators automatically (local data always; network providers that are on)
      </label>
      <label className="field">
        <span>Minimum score for automatic enrichment</span>
        <input
          type="number"
          min={0}
          max={100}
          value={minScore}
          aria-invalid={error?.field === 'auto.minScore'}
          data-testid="enrichment-auto-min-score"
          onChange={(e) => setMinScore(e.target.value)}
        />
      </label>
      <label className="field">
        <span>DNS servers (ip or ip:port, comma-separated; empty: the system’s)</span>
        <input
          value={dns}
          placeholder="the system's resolvers"
          aria-invalid={error?.field?.startsWith('dnsServers') === true}
          data-testid="enrichment-dns-servers"
          onChange={(e) => setDns(e.target.value)}
        />
      </label>
      <div>
        <button
          type="submit"
          className="button button-small"
          disabled={busy}
          data-testid="enrichment-settings-save"
        >
          Save
        </button>
      </div>
      {error !== null ? (
        <p className="form-error" role="alert" data-testid="enrichment-settings-error">
          {error.field === 'auto.minScore'
            ? `Minimum score: ${error.message}`
            : error.field?.startsWith('dnsServers') === true
              ? `DNS servers: ${error.message}`
              : fieldError(error)}
        </p>
      ) : saved ? (
        <p className="muted" role="status">
          Saved
        </p>
      ) : null}
    </form>
  )
}

/**
 * Settings → Enrichment: the offline switch, automatic enrichment, DNS servers, and every provider with its
 * switch, key, budgets, TLP ceiling and cache TTL (enrichment.getSettings / updateSettings / setKey). Keys go
 * in and never come back: the core says only whether one is set.
 */
export const EnrichmentSettingsSection = () => {
  const client = useClient()
  const settings = useContractQuery('enrichment.getSettings', {}, 'enrichment-settings')
  const providers = useContractQuery('enrichment.providers', {}, 'enrichment-providers')
  const [offlineError, setOfflineError] = useState<SaveError | null>(null)
  const [busy, setBusy] = useState(false)

  const save = async (patch: Patch): Promise<SaveError | null> => {
    try {
      settings.setData(await client.call('enrichment.updateSettings', { patch }))
      providers.reload()
      return null
    } catch (e) {
      return saveErrorOf(e)
    }
  }

  const saveProvider =
    (id: keyof NonNullable<Patch['providers']>) =>
    (patch: ProviderPatch): Promise<SaveError | null> =>
      save({ providers: { [id]: patch } })

  const setKey =
    (id: keyof NonNullable<Patch['providers']>) =>
    async (key: string | null): Promise<SaveError | null> => {
      try {
        await client.call('enrichment.setKey', { provider: id, key })
        providers.reload()
        return null
      } catch (e) {
        return saveErrorOf(e)
      }
    }

  const s = settings.data
  const ready = s !== null && providers.data !== null
  return (
    <section
      className="settings-section enrichment-settings"
      aria-labelledby="settings-enrichment"
      data-testid="settings-enrichment"
      data-state={ready && !busy ? 'ready' : 'loading'}
      data-offline={s === null ? '' : String(s.offline)}
    >
      <h2 id="settings-enrichment">Enrichment</h2>
      <p className="muted">
        Local data (GeoIP, ASN, this database, warninglists) never leaves this computer. Network
        providers receive an indicator only when it is at or below their TLP ceiling and within
        their budget.
      </p>
      {settings.error !== null || providers.error !== null ? (
        <p className="form-error" role="alert">
          Could not load the enrichment settings: {settings.error ?? providers.error}
        </p>
      ) : null}
      {s !== null ? (
        <>
          <label className="enrichment-check">
            <input
              type="checkbox"
              checked={s.offline}
              disabled={busy}
              data-testid="enrichment-offline-toggle"
              onChange={(e) => {
                const offline = e.target.checked
                setBusy(true)
                void save({ offline }).then((err) => {
                  setOfflineError(err)
                  setBusy(false)
                })
              }}
            />
            <span>
              <strong>Offline mode</strong>: ask no network provider; their requests wait in the
              queue and run when this is switched off
            </span>
          </label>
          {offlineError !== null ? (
            <p className="form-error" role="alert">
              Offline mode: {offlineError.message}
            </p>
          ) : null}
          <AutoAndDns settings={s} save={save} />
        </>
      ) : null}
      {providers.data !== null ? (
        <ul className="enrichment-providers" data-testid="enrichment-providers">
          {providers.data.items.map((p) => (
            <EnrichmentProviderRow
              key={p.id}
              provider={p}
              save={saveProvider(p.id)}
              setKey={setKey(p.id)}
            />
          ))}
        </ul>
      ) : null}
    </section>
  )
}
