import { useId, useState, type ReactNode } from 'react'
import {
  IndicatorPatchSchema,
  type Indicator,
  type IndicatorPatch,
} from '#shared/contract/indicators.contract'
import { CLASSIFICATIONS, SEVERITIES, TLP_LEVELS } from '#shared/domain/enums'
import { errorMessage, issuesOf } from '../../api/client'
import { useClient, useServices } from '../../app-context'
import { firstIssue, parseWhole, wholeNumberIssue } from './field-validation'
import { capitalise, splitList } from './format'
import { useProjects } from './use-projects'
import { EnumSelect, upperCase } from '../../components/enum-select'

const F = IndicatorPatchSchema.shape

type Draft = {
  classification: Indicator['classification']
  severity: Indicator['severity']
  tlp: Indicator['tlp']
  score: string
  confidence: string
  tags: string
  mitreTactics: string
  mitreTechniques: string
  description: string
  projectId: string
  active: boolean
}

const draftOf = (i: Indicator): Draft => ({
  classification: i.classification,
  severity: i.severity,
  tlp: i.tlp,
  score: String(i.score),
  confidence: String(i.confidence),
  tags: i.tags.join(', '),
  mitreTactics: i.mitreTactics.join(', '),
  mitreTechniques: i.mitreTechniques.join(', '),
  description: i.description,
  projectId: i.projectId ?? '',
  active: i.active,
})

type Errors = Partial<Record<keyof Draft, string>>

/** Per-field messages with the contract's own schemas, so the form and the core agree on what is valid. */
const validate = (d: Draft): Errors => {
  const e: Errors = {}
  const score = wholeNumberIssue(F.score, d.score, 'Score')
  if (score) e.score = score
  const confidence = wholeNumberIssue(F.confidence, d.confidence, 'Confidence')
  if (confidence) e.confidence = confidence
  const tags = splitList(d.tags)
  const tooLong = tags.find((t) => t.length > 128)
  if (tooLong) e.tags = `Tag '${tooLong.slice(0, 24)}…' is longer than 128 characters`
  else {
    const issue = firstIssue(F.tags, tags)
    if (issue) e.tags = `Tags: ${issue}`
  }
  const tactics = firstIssue(F.mitreTactics, splitList(d.mitreTactics))
  if (tactics) e.mitreTactics = `MITRE tactics: ${tactics}`
  const techniques = firstIssue(F.mitreTechniques, splitList(d.mitreTechniques))
  if (techniques) e.mitreTechniques = `MITRE techniques: ${techniques}`
  const description = firstIssue(F.description, d.description)
  if (description) e.description = `Description: ${description}`
  return e
}

const sameList = (a: string[], b: string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i])

/** Only what changed goes to the core: concurrent edits of other fields are not overwritten. */
const patchOf = (i: Indicator, d: Draft): IndicatorPatch => {
  const p: IndicatorPatch = {}
  if (d.classification !== i.classification) p.classification = d.classification
  if (d.severity !== i.severity) p.severity = d.severity
  if (d.tlp !== i.tlp) p.tlp = d.tlp
  const score = parseWhole(d.score)
  if (score !== null && score !== i.score) p.score = score
  const confidence = parseWhole(d.confidence)
  if (confidence !== null && confidence !== i.confidence) p.confidence = confidence
  const tags = splitList(d.tags)
  if (!sameList(tags, i.tags)) p.tags = tags
  const tactics = splitList(d.mitreTactics)
  if (!sameList(tactics, i.mitreTactics)) p.mitreTactics = tactics
  const techniques = splitList(d.mitreTechniques)
  if (!sameList(techniques, i.mitreTechniques)) p.mitreTechniques = techniques
  if (d.description !== i.description) p.description = d.description
  const projectId = d.projectId === '' ? null : d.projectId
  if (projectId !== i.projectId) p.projectId = projectId
  if (d.active !== i.active) p.active = d.active
  return p
}

/** Maps `patch.score` style paths of a server rejection back onto the form's fields. */
const serverErrors = (e: unknown): Errors => {
  const out: Errors = {}
  for (const [path, message] of Object.entries(issuesOf(e))) {
    const field = path.replace(/^patch\./, '').replace(/\[\d+\]$/, '')
    if (field in F) out[field as keyof Draft] = message
  }
  return out
}

export const Field = (props: {
  label: string
  error?: string
  children: (id: string, describedBy?: string) => ReactNode
  wide?: boolean
  testId?: string
}) => {
  const id = useId()
  const errorId = `${id}-error`
  return (
    <div className={props.wide ? 'field field-wide' : 'field'}>
      <label htmlFor={id}>{props.label}</label>
      {props.children(id, props.error ? errorId : undefined)}
      {props.error ? (
        <div
          id={errorId}
          className="field-error"
          role="alert"
          data-testid={props.testId ? `${props.testId}-error` : undefined}
        >
          {props.error}
        </div>
      ) : null}
    </div>
  )
}

export const IndicatorEditForm = (props: {
  indicator: Indicator
  onSaved: (i: Indicator) => void
  onCancel: () => void
}) => {
  const client = useClient()
  const { ui, indicators } = useServices()
  const projects = useProjects()
  const [draft, setDraft] = useState(() => draftOf(props.indicator))
  const [server, setServer] = useState<Errors>({})
  const [busy, setBusy] = useState(false)
  const errors = { ...server, ...validate(draft) }
  const patch = patchOf(props.indicator, draft)
  const dirty = Object.keys(patch).length > 0
  const valid = Object.keys(validate(draft)).length === 0

  const change = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }))
    setServer((s) => ({ ...s, [key]: undefined }))
  }

  const save = async () => {
    if (!valid || !dirty) return
    setBusy(true)
    try {
      const saved = await client.call('indicators.update', { id: props.indicator.id, patch })
      indicators.getState().replaceRow(saved)
      ui.getState().toast('success', 'Indicator saved')
      props.onSaved(saved)
    } catch (e) {
      setServer(serverErrors(e))
      ui.getState().toast('error', `Save failed: ${errorMessage(e)}`)
    } finally {
      setBusy(false)
    }
  }

  return (
    <form
      className="edit-form"
      data-testid="edit-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault()
        void save()
      }}
    >
      <div className="form-grid">
        <Field label="Classification">
          {(id) => (
            <EnumSelect
              id={id}
              options={CLASSIFICATIONS}
              value={draft.classification}
              label={capitalise}
              data-testid="edit-classification"
              onChange={(v) => change('classification', v)}
            />
          )}
        </Field>
        <Field label="Severity">
          {(id) => (
            <EnumSelect
              id={id}
              options={SEVERITIES}
              value={draft.severity}
              label={capitalise}
              data-testid="edit-severity"
              onChange={(v) => change('severity', v)}
            />
          )}
        </Field>
        <Field label="TLP">
          {(id) => (
            <EnumSelect
              id={id}
              options={TLP_LEVELS}
              value={draft.tlp}
              label={upperCase}
              data-testid="edit-tlp"
              onChange={(v) => change('tlp', v)}
            />
          )}
        </Field>
        <Field label="Score (0–100)" error={errors.score} testId="edit-score">
          {(id, d) => (
            <input
              id={id}
              inputMode="numeric"
              value={draft.score}
              aria-invalid={!!errors.score}
              aria-describedby={d}
              data-testid="edit-score"
              onChange={(e) => change('score', e.target.value)}
            />
          )}
        </Field>
        <Field label="Confidence (0–100)" error={errors.confidence} testId="edit-confidence">
          {(id, d) => (
            <input
              id={id}
              inputMode="numeric"
              value={draft.confidence}
              aria-invalid={!!errors.confidence}
              aria-describedby={d}
              data-testid="edit-confidence"
              onChange={(e) => change('confidence', e.target.value)}
            />
          )}
        </Field>
        <Field label="Project">
          {(id) => (
            <select
              id={id}
              value={draft.projectId}
              data-testid="edit-project"
              onChange={(e) => change('projectId', e.target.value)}
            >
              <option value="">No project</option>
              {projects.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Tags (comma separated)" error={errors.tags} wide testId="edit-tags">
          {(id, d) => (
            <input
              id={id}
              value={draft.tags}
              aria-invalid={!!errors.tags}
              aria-describedby={d}
              data-testid="edit-tags"
              onChange={(e) => change('tags', e.target.value)}
            />
          )}
        </Field>
        <Field label="MITRE tactics" error={errors.mitreTactics}>
          {(id, d) => (
            <input
              id={id}
              value={draft.mitreTactics}
              placeholder="TA0001, …"
              aria-invalid={!!errors.mitreTactics}
              aria-describedby={d}
              onChange={(e) => change('mitreTactics', e.target.value)}
            />
          )}
        </Field>
        <Field label="MITRE techniques" error={errors.mitreTechniques}>
          {(id, d) => (
            <input
              id={id}
              value={draft.mitreTechniques}
              placeholder="T1566, …"
              aria-invalid={!!errors.mitreTechniques}
              aria-describedby={d}
              onChange={(e) => change('mitreTechniques', e.target.value)}
            />
          )}
        </Field>
        <Field label="Description" error={errors.description} wide>
          {(id, d) => (
            <textarea
              id={id}
              rows={4}
              value={draft.description}
              aria-invalid={!!errors.description}
              aria-describedby={d}
              data-testid="edit-description"
              onChange={(e) => change('description', e.target.value)}
            />
          )}
        </Field>
        <label className="checkbox field-wide">
          <input
            type="checkbox"
            checked={draft.active}
            onChange={(e) => change('active', e.target.checked)}
          />
          Active
        </label>
      </div>
      <div className="form-actions">
        <button type="button" className="button" onClick={props.onCancel}>
          Cancel
        </button>
        <button
          type="submit"
          className="button button-primary"
          disabled={!valid || !dirty || busy}
          data-testid="save-indicator"
        >
          {busy ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  )
}
