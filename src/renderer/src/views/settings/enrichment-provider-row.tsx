import { useState } from 'react'
import type { In } from '#shared/contract'
import type { ProviderInfo, ProviderSettings } from '#shared/contract/enrichment.schemas'
import { TLP_LEVELS } from '#shared/domain/enums'
import { EnumSelect } from '../../components/enum-select'
import type { SaveError } from './use-settings'

export type ProviderPatch = NonNullable<
  In<'enrichment.updateSettings'>['patch']['providers']
>[ProviderInfo['id']]

/** The numbers a provider's form edits, as typed (checked before anything is sent). */
type Draft = { perMinute: string; perDay: string; cacheTtlHours: string }

const draftOf = (s: ProviderSettings): Draft => ({
  perMinute: String(s.rateLimit.perMinute),
  perDay: String(s.rateLimit.perDay),
  cacheTtlHours: String(s.cacheTtlHours),
})

/** The form's fields by their names in the contract, for errors that name one. */
const FIELD_LABELS: Readonly<Record<string, string>> = {
  'rateLimit.perMinute': 'Per minute',
  'rateLimit.perDay': 'Per day',
  cacheTtlHours: 'Cache TTL (hours)',
  maxTlp: 'TLP ceiling',
  enabled: 'On',
  key: 'API key',
}

/** "Per minute: …" for an error whose path ends in a field of this form. */
export const fieldError = (e: SaveError): string => {
  if (e.field === null) return e.message
  const key = Object.keys(FIELD_LABELS).find((k) => e.field === k || e.field?.endsWith(`.${k}`))
  return `${key === undefined ? e.field : FIELD_LABELS[key]}: ${e.message}`
}

type Parsed = { ok: true; value: number } | { ok: false; error: SaveError }

/** A number typed into `field`, within the contract's bounds (whole when `integer`). */
const parse = (text: string, field: string, min: number, max: number, integer: boolean): Parsed => {
  const n = Number(text.trim())
  const range = `${min.toLocaleString('en')} to ${max.toLocaleString('en')}`
  if (text.trim() === '' || !Number.isFinite(n) || n < min || n > max)
    return { ok: false, error: { field, message: `a number from ${range}` } }
  if (integer && !Number.isInteger(n))
    return { ok: false, error: { field, message: `a whole number from ${range}` } }
  return { ok: true, value: n }
}

/**
 * One provider in Settings → Enrichment: on or off, its key (write-only: the field is never filled from the
 * core, which only says whether one is set), its budgets, TLP ceiling and cache TTL, what it used today,
 * where its data comes from and the page its defaults follow (shown as text, not a link to open).
 */
export const EnrichmentProviderRow = (props: {
  provider: ProviderInfo
  save: (patch: ProviderPatch) => Promise<SaveError | null>
  setKey: (key: string | null) => Promise<SaveError | null>
}) => {
  const p = props.provider
  const [draft, setDraft] = useState<Draft>(() => draftOf(p.settings))
  const [key, setKey] = useState('')
  const [error, setError] = useState<SaveError | null>(null)
  const [busy, setBusy] = useState(false)
  const [saved, setSaved] = useState(false)

  const act = async (fn: () => Promise<SaveError | null>) => {
    setBusy(true)
    setSaved(false)
    const e = await fn()
    setError(e)
    setBusy(false)
    if (e === null) setSaved(true)
    return e === null
  }

  const saveNumbers = async () => {
    setSaved(false)
    const ttl = parse(draft.cacheTtlHours, 'cacheTtlHours', 0, 24 * 365, false)
    if (!p.network) {
      // Local data has no budget to keep: only its cache lifetime is the analyst's to set.
      if (!ttl.ok) return setError(ttl.error)
      await act(() => props.save({ cacheTtlHours: ttl.value }))
      return
    }
    const perMinute = parse(draft.perMinute, 'rateLimit.perMinute', 1, 100_000, true)
    if (!perMinute.ok) return setError(perMinute.error)
    const perDay = parse(draft.perDay, 'rateLimit.perDay', 1, 10_000_000, true)
    if (!perDay.ok) return setError(perDay.error)
    if (!ttl.ok) return setError(ttl.error)
    await act(() =>
      props.save({
        rateLimit: { perMinute: perMinute.value, perDay: perDay.value },
        cacheTtlHours: ttl.value,
      }),
    )
  }

  const id = `enrichment-provider-${p.id}`
  return (
    <li
      className="enrichment-provider"
      data-testid="enrichment-provider"
      data-provider={p.id}
      data-enabled={String(p.settings.enabled)}
    >
      <div className="enrichment-provider-head">
        <label className="enrichment-provider-toggle">
          <input
            type="checkbox"
            checked={p.settings.enabled}
            disabled={busy}
            data-testid="enrichment-provider-enabled"
            onChange={(e) => void act(() => props.save({ enabled: e.target.checked }))}
          />
          <strong>{p.label}</strong>
        </label>
        <span className="type-chip">{p.network ? 'network' : 'local'}</span>
        <span className="muted">accepts {p.accepts.join(', ') || 'nothing'}</span>
        <span className="muted">reliability {p.reliability}</span>
        {p.needsKey ? (
          <span
            className={p.hasKey ? 'flag flag-active' : 'flag flag-inactive'}
            data-testid="enrichment-provider-key-state"
          >
            {p.hasKey ? 'key set' : 'no key'}
          </span>
        ) : null}
      </div>
      <p className="muted enrichment-provider-source">
        Data from <span data-testid="enrichment-provider-source">{p.source}</span>
        {p.docsUrl !== null ? (
          <>
            {' · terms: '}
            <code data-testid="enrichment-provider-docs">{p.docsUrl}</code>
          </>
        ) : null}
      </p>
      {p.network ? (
        <p className="muted" data-testid="enrichment-provider-used">
          Used {p.used.minute.toLocaleString('en')} of{' '}
          {p.settings.rateLimit.perMinute.toLocaleString('en')} this minute,{' '}
          {p.used.day.toLocaleString('en')} of {p.settings.rateLimit.perDay.toLocaleString('en')}{' '}
          today (UTC)
        </p>
      ) : null}
      <form
        className="enrichment-provider-form"
        // Our checks name the field; the browser's bubble would block the submit without a word in the page.
        noValidate
        onSubmit={(e) => {
          e.preventDefault()
          void saveNumbers()
        }}
      >
        {p.network ? (
          <>
            <label className="field">
              <span>Per minute</span>
              <input
                type="number"
                min={1}
                value={draft.perMinute}
                aria-invalid={error?.field?.endsWith('perMinute') === true}
                data-testid="enrichment-provider-per-minute"
                onChange={(e) => setDraft({ ...draft, perMinute: e.target.value })}
              />
            </label>
            <label className="field">
              <span>Per day</span>
              <input
                type="number"
                min={1}
                value={draft.perDay}
                aria-invalid={error?.field?.endsWith('perDay') === true}
                data-testid="enrichment-provider-per-day"
                onChange={(e) => setDraft({ ...draft, perDay: e.target.value })}
              />
            </label>
          </>
        ) : null}
        <label className="field">
          <span>Cache TTL (hours)</span>
          <input
            type="number"
            min={0}
            step="any"
            value={draft.cacheTtlHours}
            aria-invalid={error?.field?.endsWith('cacheTtlHours') === true}
            data-testid="enrichment-provider-ttl"
            onChange={(e) => setDraft({ ...draft, cacheTtlHours: e.target.value })}
          />
        </label>
        {/* Local data never leaves the machine: the TLP gate is for network providers. */}
        {p.network ? (
          <label className="field">
            <span>TLP ceiling</span>
            <EnumSelect
              id={`${id}-tlp`}
              options={TLP_LEVELS}
              value={p.settings.maxTlp}
              label={(t) => `TLP:${t.toUpperCase()}`}
              disabled={busy}
              data-testid="enrichment-provider-tlp"
              onChange={(maxTlp) => void act(() => props.save({ maxTlp }))}
            />
          </label>
        ) : null}
        <div className="enrichment-provider-buttons">
          <button
            type="submit"
            className="button button-small"
            disabled={busy}
            data-testid="enrichment-provider-save"
          >
            Save
          </button>
          <button
            type="button"
            className="link-button"
            disabled={busy}
            data-testid="enrichment-provider-reset"
            onClick={() => {
              setDraft(draftOf(p.defaults))
              void act(() => props.save({ ...p.defaults }))
            }}
          >
            Defaults
          </button>
        </div>
      </form>
      {p.needsKey ? (
        <form
          className="enrichment-provider-key"
          onSubmit={(e) => {
            e.preventDefault()
            if (key.trim() === '') return setError({ field: 'key', message: 'enter a key to set' })
            void act(() => props.setKey(key.trim())).then((ok) => {
              if (ok) setKey('')
            })
          }}
        >
          <input
            type="password"
            autoComplete="off"
            value={key}
            maxLength={512}
            placeholder={p.hasKey ? 'Replace the key' : 'API key'}
            aria-label={`${p.label} API key`}
            data-testid="enrichment-provider-key"
            onChange={(e) => setKey(e.target.value)}
          />
          <button
            type="submit"
            className="button button-small"
            disabled={busy || key.trim() === ''}
            data-testid="enrichment-provider-key-set"
          >
            Set key
          </button>
          {p.hasKey ? (
            <button
              type="button"
              className="button button-small button-danger-quiet"
              disabled={busy}
              data-testid="enrichment-provider-key-clear"
              onClick={() => void act(() => props.setKey(null))}
            >
              Clear key
            </button>
          ) : null}
        </form>
      ) : null}
      {error !== null ? (
        <p className="form-error" role="alert" data-testid="enrichment-provider-error">
          {fieldError(error)}
        </p>
      ) : saved ? (
        <p className="muted" role="status" data-testid="enrichment-provider-saved">
          Saved
        </p>
      ) : null}
    </li>
  )
}
