import { useDeferredValue, useState } from 'react'
import { IndicatorCreateSchema } from '#shared/contract/indicators.contract'
import { defang, parseIndicator } from '#shared/domain'
import {
  CLASSIFICATIONS,
  IOC_TYPES,
  SEVERITIES,
  TLP_LEVELS,
  type Classification,
  type IocType,
  type Severity,
  type Tlp,
} from '#shared/domain/enums'
import { ApiError, errorMessage, issuesOf } from '../../api/client'
import { useClient, useServices } from '../../app-context'
import { Modal } from '../../components/modal'
import { firstIssue } from './field-validation'
import { Field } from './indicator-edit-form'
import { TYPE_LABELS, capitalise, splitList } from './format'
import { EnumSelect, upperCase } from '../../components/enum-select'

const F = IndicatorCreateSchema.shape
const AUTO = ''

export const CreateIndicatorDialog = (props: { onClose: () => void }) => {
  const client = useClient()
  const { ui, indicators } = useServices()
  const [value, setValue] = useState('')
  const [type, setType] = useState<IocType | typeof AUTO>(AUTO)
  const [severity, setSeverity] = useState<Severity>('medium')
  const [classification, setClassification] = useState<Classification>('unknown')
  const [tlp, setTlp] = useState<Tlp>('amber')
  const [tags, setTags] = useState('')
  const [description, setDescription] = useState('')
  const [serverError, setServerError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  // Parsing runs in the renderer with the same code the core uses, so the verdict is the core's verdict.
  const typed = useDeferredValue(value)
  const parsed =
    typed.trim() === '' ? null : parseIndicator(typed, type === AUTO ? undefined : type)
  const valueError = parsed && !parsed.ok ? parsed.reason : null
  const tagList = splitList(tags)
  const tagsError = firstIssue(F.tags, tagList)
  const descriptionError = firstIssue(F.description, description)
  const canSubmit = parsed?.ok === true && !tagsError && !descriptionError && !busy

  const submit = async () => {
    if (!parsed?.ok || !canSubmit) return
    setBusy(true)
    setServerError(null)
    try {
      const created = await client.call('indicators.create', {
        type: parsed.type,
        value: parsed.value,
        severity,
        classification,
        tlp,
        tags: tagList,
        description,
      })
      ui.getState().toast('success', `Created ${defang(created.type, created.value)}`)
      indicators.getState().reload()
      indicators.getState().openDetail(created.id)
      props.onClose()
    } catch (e) {
      const issues = Object.values(issuesOf(e))
      setServerError(
        e instanceof ApiError && e.code === 'conflict'
          ? `This ${parsed.type} already exists: ${defang(parsed.type, parsed.value)}`
          : (issues[0] ?? errorMessage(e)),
      )
    } finally {
      setBusy(false)
    }
  }

  return (
    <Modal
      title="New indicator"
      onClose={props.onClose}
      testId="create-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={props.onClose}>
            Cancel
          </button>
          <button
            type="submit"
            form="create-indicator-form"
            className="button button-primary"
            disabled={!canSubmit}
            data-testid="create-submit"
          >
            {busy ? 'Creating…' : 'Create'}
          </button>
        </>
      }
    >
      <form
        id="create-indicator-form"
        className="form-grid"
        noValidate
        onSubmit={(e) => {
          e.preventDefault()
          void submit()
        }}
      >
        <Field label="Value" error={valueError ?? undefined} wide testId="create-value">
          {(id, d) => (
            <input
              id={id}
              className="mono"
              value={value}
              maxLength={8192}
              autoComplete="off"
              spellCheck={false}
              placeholder="IP, domain, URL, hash, email, CVE… (defanged is fine)"
              aria-invalid={!!valueError}
              aria-describedby={d}
              data-autofocus
              data-testid="create-value"
              onChange={(e) => {
                setValue(e.target.value)
                setServerError(null)
              }}
            />
          )}
        </Field>
        {parsed?.ok ? (
          <div
            className="field-wide parse-preview"
            data-testid="create-detected"
            aria-live="polite"
          >
            <span className="type-chip">{TYPE_LABELS[parsed.type]}</span>
            <span className="mono">{defang(parsed.type, parsed.value)}</span>
            <span className="muted">canonical</span>
          </div>
        ) : null}
        <Field label="Type">
          {(id) => (
            <select
              id={id}
              value={type}
              data-testid="create-type"
              onChange={(e) => setType(IOC_TYPES.find((t) => t === e.target.value) ?? AUTO)}
            >
              <option value={AUTO}>Detect automatically</option>
              {IOC_TYPES.map((t) => (
                <option key={t} value={t}>
                  {TYPE_LABELS[t]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Severity">
          {(id) => (
            <EnumSelect
              id={id}
              options={SEVERITIES}
              value={severity}
              label={capitalise}
              data-testid="create-severity"
              onChange={setSeverity}
            />
          )}
        </Field>
        <Field label="Classification">
          {(id) => (
            <EnumSelect
              id={id}
              options={CLASSIFICATIONS}
              value={classification}
              label={capitalise}
              data-testid="create-classification"
              onChange={setClassification}
            />
          )}
        </Field>
        <Field label="TLP">
          {(id) => (
            <EnumSelect
              id={id}
              options={TLP_LEVELS}
              value={tlp}
              label={upperCase}
              data-testid="create-tlp"
              onChange={setTlp}
            />
          )}
        </Field>
        <Field label="Tags (comma separated)" error={tagsError ?? undefined} wide>
          {(id, d) => (
            <input
              id={id}
              value={tags}
              aria-invalid={!!tagsError}
              aria-describedby={d}
              data-testid="create-tags"
              onChange={(e) => setTags(e.target.value)}
            />
          )}
        </Field>
        <Field label="Description" error={descriptionError ?? undefined} wide>
          {(id, d) => (
            <textarea
              id={id}
              rows={3}
              value={description}
              aria-invalid={!!descriptionError}
              aria-describedby={d}
              data-testid="create-description"
              onChange={(e) => setDescription(e.target.value)}
            />
          )}
        </Field>
        {serverError ? (
          <div className="form-error field-wide" role="alert" data-testid="create-error">
            {serverError}
          </div>
        ) : null}
      </form>
    </Modal>
  )
}
