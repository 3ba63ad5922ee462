import { useState } from 'react'
import type { CatalogueEntry } from '#shared/contract/feeds.contract'
import { errorMessage } from '../../api/client'
import { useServices } from '../../app-context'
import { TlpBadge } from '../../components/badges'
import { Modal } from '../../components/modal'
import { useFeeds, useFeedsStore } from './feeds-context'
import { FORMAT_LABELS, RELIABILITY_LABELS } from './feeds-format'
import { SecretField } from './feed-auth-fields'
import type { FeedDraft } from './feed-form-model'

/** Built-in feeds, each added with one click (after asking for its key when it needs one). */
export const CatalogueList = (props: { onConfigure: (initial: Partial<FeedDraft>) => void }) => {
  const catalogue = useFeeds((s) => s.catalogue)
  const feeds = useFeedsStore()
  const { ui } = useServices()
  const [busyKey, setBusyKey] = useState<string | null>(null)
  const [askKey, setAskKey] = useState<CatalogueEntry | null>(null)

  const add = async (entry: CatalogueEntry) => {
    if (entry.needsConfiguration) {
      props.onConfigure({
        name: entry.name.replace(/\s*\(configure\)\s*$/i, ''),
        format: entry.format,
        url: entry.url,
        schedule: entry.schedule ?? '',
        defaultTlp: entry.defaultTlp,
        reliability: entry.reliability,
      })
      return
    }
    if (entry.needsAuthKey) {
      setAskKey(entry)
      return
    }
    setBusyKey(entry.key)
    try {
      const feed = await feeds.getState().addFromCatalogue(entry.key)
      ui.getState().toast('success', `Added ${feed.name}`)
    } catch (e) {
      ui.getState().toast('error', errorMessage(e))
    } finally {
      setBusyKey(null)
    }
  }

  if (!catalogue) return <p className="muted">Loading the catalogue…</p>
  return (
    <section className="feeds-section" aria-labelledby="catalogue-title" data-testid="catalogue">
      <div className="section-header">
        <h2 id="catalogue-title">Built-in feeds</h2>
        <span className="muted">
          Public sources with their format, schedule and reliability preset.
        </span>
      </div>
      <ul className="catalogue-grid">
        {catalogue.map((c) => (
          <li key={c.key} className="catalogue-card" data-testid="catalogue-entry" data-key={c.key}>
            <div className="catalogue-head">
              <h3>{c.name}</h3>
              <span className="type-chip">{FORMAT_LABELS[c.format]}</span>
            </div>
            <p className="catalogue-desc">{c.description}</p>
            {c.url ? <p className="mono catalogue-url">{c.url}</p> : null}
            <div className="catalogue-meta">
              <TlpBadge value={c.defaultTlp} />
              <span title={RELIABILITY_LABELS[c.reliability]}>Reliability {c.reliability}</span>
              {c.schedule ? <span className="mono">{c.schedule}</span> : null}
              {c.needsAuthKey ? <span className="needs-key">needs an API key</span> : null}
            </div>
            <div className="catalogue-actions">
              <span className="catalogue-home" title="Homepage: copy it to open it in a browser">
                <span className="muted">Homepage </span>
                <span className="mono">{c.homepage}</span>
              </span>
              <button
                type="button"
                className={c.added ? 'button button-small' : 'button button-small button-primary'}
                disabled={(c.added && !c.needsConfiguration) || busyKey === c.key}
                data-testid="catalogue-add"
                onClick={() => void add(c)}
              >
                {c.needsConfiguration
                  ? 'Configure…'
                  : c.added
                    ? 'Added'
                    : busyKey === c.key
                      ? 'Adding…'
                      : 'Add'}
              </button>
            </div>
          </li>
        ))}
      </ul>
      {askKey ? <AuthKeyDialog entry={askKey} onClose={() => setAskKey(null)} /> : null}
    </section>
  )
}

/** The key is sent once and stored as a secret; the feed afterwards only says "auth configured". */
const AuthKeyDialog = (props: { entry: CatalogueEntry; onClose: () => void }) => {
  const feeds = useFeedsStore()
  const { ui } = useServices()
  const [key, setKey] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const submit = async () => {
    if (key.trim() === '') {
      setError('Enter the API key this feed needs')
      return
    }
    setBusy(true)
    try {
      const feed = await feeds.getState().addFromCatalogue(props.entry.key, key.trim())
      ui.getState().toast('success', `Added ${feed.name} (auth configured)`)
      props.onClose()
    } catch (e) {
      setError(errorMessage(e).replace(/^authKey: /, ''))
      setBusy(false)
    }
  }

  return (
    <Modal
      title={`Add ${props.entry.name}`}
      onClose={props.onClose}
      size="small"
      testId="auth-key-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={props.onClose}>
            Cancel
          </button>
          <button
            type="submit"
            form="auth-key-form"
            className="button button-primary"
            disabled={busy}
            data-testid="auth-key-submit"
          >
            Add feed
          </button>
        </>
      }
    >
      <form
        id="auth-key-form"
        className="form-grid"
        noValidate
        onSubmit={(e) => {
          e.preventDefault()
          void submit()
        }}
      >
        <p className="field-wide muted">
          This feed needs an API key. It is kept in the secret store and never shown again.
        </p>
        <div className="field-wide">
          <SecretField
            label="API key"
            autoFocus
            value={key}
            error={error ?? undefined}
            testId="auth-key"
            onChange={(v) => {
              setKey(v)
              setError(null)
            }}
          />
        </div>
      </form>
    </Modal>
  )
}
