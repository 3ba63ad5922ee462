import { useState } from 'react'
import type { UrlVerdict } from '#shared/contract/analysis.contract'
import { errorMessage, issuesOf } from '../../api/client'
import { useClient } from '../../app-context'
import { Modal } from '../../components/modal'
import { UrlVerdictView } from '../../components/url-verdict'

/** "Analyse a URL": the verdict with its reasons, and the incident a threat opened (or the occurrence it added). */
export const AnalyzeUrlDialog = (props: { onClose: () => void }) => {
  const client = useClient()
  const [url, setUrl] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [verdict, setVerdict] = useState<UrlVerdict | null>(null)

  const submit = async () => {
    if (url.trim() === '' || busy) return
    setBusy(true)
    setError(null)
    try {
      setVerdict(await client.call('analysis.analyzeUrl', { url: url.trim() }))
    } catch (e) {
      setVerdict(null)
      setError(issuesOf(e).url ?? errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <Modal title="Analyse a URL" onClose={props.onClose} size="large" testId="analyze-dialog">
      <form
        className="analyze-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault()
          void submit()
        }}
      >
        <label className="visually-hidden" htmlFor="analyze-url-input">
          URL
        </label>
        <input
          id="analyze-url-input"
          className="mono"
          value={url}
          maxLength={65_536}
          autoComplete="off"
          spellCheck={false}
          placeholder="https://…"
          aria-invalid={error !== null}
          data-autofocus
          data-testid="analyze-url"
          onChange={(e) => {
            setUrl(e.target.value)
            setError(null)
          }}
        />
        <button
          type="submit"
          className="button button-primary"
          disabled={busy || url.trim() === ''}
          data-testid="analyze-submit"
        >
          {busy ? 'Analysing…' : 'Analyse'}
        </button>
      </form>
      {error ? (
        <div className="form-error" role="alert" data-testid="analyze-error">
          {error}
        </div>
      ) : null}
      {verdict ? <UrlVerdictView verdict={verdict} /> : null}
    </Modal>
  )
}
