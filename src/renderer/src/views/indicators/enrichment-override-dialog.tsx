import { useState } from 'react'
import type { ProviderInfo } from '#shared/contract/enrichment.schemas'
import type { Tlp } from '#shared/domain/enums'
import { TlpBadge } from '../../components/badges'
import { Modal } from '../../components/modal'
import { tlpText } from './enrichment-format'

/** As TlpOverrideSchema takes it. */
const REASON_MAX = 500

/**
 * Sending one indicator above a provider's TLP ceiling, once: the analyst ticks an explicit confirmation and
 * writes why (the change log records both). Nothing is sent until "Send" with both.
 */
export const EnrichmentOverrideDialog = (props: {
  provider: ProviderInfo
  indicatorTlp: Tlp
  busy: boolean
  error: string | null
  onCancel: () => void
  onConfirm: (reason: string) => void
}) => {
  const [reason, setReason] = useState('')
  const [confirmed, setConfirmed] = useState(false)
  const { provider, indicatorTlp } = props
  const trimmed = reason.trim()
  const tooLong = trimmed.length > REASON_MAX
  const ready = confirmed && trimmed !== '' && !tooLong && !props.busy
  return (
    <Modal
      title={`Send to ${provider.label} despite its TLP ceiling?`}
      role="alertdialog"
      onClose={props.onCancel}
      testId="enrichment-override-dialog"
      footer={
        <>
          <button type="button" className="button" data-autofocus onClick={props.onCancel}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-danger"
            disabled={!ready}
            data-testid="enrichment-override-confirm"
            onClick={() => props.onConfirm(trimmed)}
          >
            Send once
          </button>
        </>
      }
    >
      <p>
        This indicator is <TlpBadge value={indicatorTlp} />; {provider.label} may receive up to{' '}
        <TlpBadge value={provider.settings.maxTlp} />. Sending it discloses the value to{' '}
        <code>{provider.source}</code>, for this request only. The change log records who sent it
        and why.
      </p>
      <div className="field">
        <label htmlFor="enrichment-override-reason">Reason (required)</label>
        <textarea
          id="enrichment-override-reason"
          rows={3}
          value={reason}
          aria-invalid={tooLong}
          data-testid="enrichment-override-reason"
          onChange={(e) => setReason(e.target.value)}
        />
        {tooLong ? (
          <span className="field-error" role="alert">
            reason: at most {REASON_MAX} characters
          </span>
        ) : null}
      </div>
      <label className="enrichment-override-check">
        <input
          type="checkbox"
          checked={confirmed}
          data-testid="enrichment-override-check"
          onChange={(e) => setConfirmed(e.target.checked)}
        />
        I confirm sending this {tlpText(indicatorTlp)} indicator to {provider.label}.
      </label>
      {props.error !== null ? (
        <p className="form-error" role="alert" data-testid="enrichment-override-error">
          {props.error}
        </p>
      ) : null}
    </Modal>
  )
}
