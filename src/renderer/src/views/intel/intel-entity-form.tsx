import { useState } from 'react'
import { IntelCreateSchema } from '#shared/contract/intel.contract'
import type { IntelEntity } from '#shared/contract/intel.schemas'
import { errorMessage, issuesOf } from '../../api/client'
import { useServices } from '../../app-context'
import { Field } from '../indicators/indicator-edit-form'
import { useProjects } from '../indicators/use-projects'
import {
  draftOf,
  emptyDraft,
  fieldErrorsOf,
  fieldsOf,
  patchOf,
  splitIssuePath,
  validateDraft,
  type Draft,
  type EditableKind,
  type FieldErrors,
  type FieldSpec,
} from './intel-form-model'
import { KIND_LABELS } from './intel-format'

const Input = (props: {
  spec: FieldSpec
  value: string | boolean
  error?: string
  onChange: (v: string | boolean) => void
}) => {
  const { spec, value, error } = props
  const testId = `intel-field-${spec.key}`
  if (spec.type === 'bool')
    return (
      <label className="checkbox field-wide">
        <input
          type="checkbox"
          checked={value === true}
          data-testid={testId}
          onChange={(e) => props.onChange(e.target.checked)}
        />
        {spec.label}
      </label>
    )
  const text = typeof value === 'string' ? value : ''
  const wide =
    spec.type === 'textarea' ||
    spec.type === 'lines' ||
    spec.type === 'products' ||
    spec.key === 'aliases'
  return (
    <Field label={spec.label} error={error} wide={wide} testId={testId}>
      {(id, describedBy) => {
        const common = {
          id,
          'aria-invalid': error !== undefined,
          'aria-describedby': describedBy,
          'data-testid': testId,
        }
        switch (spec.type) {
          case 'enum':
            return (
              <select {...common} value={text} onChange={(e) => props.onChange(e.target.value)}>
                {spec.key === 'tlp' ? null : <option value="">—</option>}
                {spec.options?.map((o) => (
                  <option key={o} value={o}>
                    {spec.key === 'tlp' ? o.toUpperCase() : o}
                  </option>
                ))}
              </select>
            )
          case 'textarea':
          case 'lines':
          case 'products':
            return (
              <textarea
                {...common}
                rows={spec.type === 'textarea' ? 4 : 3}
                value={text}
                onChange={(e) => props.onChange(e.target.value)}
              />
            )
          case 'date':
            return (
              <input
                {...common}
                type="date"
                value={text}
                onChange={(e) => props.onChange(e.target.value)}
              />
            )
          case 'number':
            return (
              <input
                {...common}
                inputMode="decimal"
                value={text}
                onChange={(e) => props.onChange(e.target.value)}
              />
            )
          case 'text':
          case 'list':
            return (
              <input
                {...common}
                value={text}
                placeholder={spec.placeholder}
                onChange={(e) => props.onChange(e.target.value)}
              />
            )
        }
      }}
    </Field>
  )
}

/** Server rejections (`patch.details.cveId`, `aliases[2]`) on the fields they name. */
const serverErrors = (kind: EditableKind, e: unknown): FieldErrors =>
  fieldErrorsOf(
    kind,
    Object.entries(issuesOf(e)).map(([path, message]) => ({
      path: splitIssuePath(path),
      message,
    })),
  )

/**
 * Create or edit an entity of one kind: every field of its kind (intel.schemas), checked by the contract's
 * own create schema as the analyst types, each message naming its field. An edit sends only what changed.
 */
export const IntelEntityForm = (props: {
  kind: EditableKind
  entity?: IntelEntity & { kind: EditableKind }
  onDone: (saved: IntelEntity | null) => void
}) => {
  const { client, ui } = useServices()
  const projects = useProjects()
  const { kind, entity } = props
  const [draft, setDraft] = useState<Draft>(() =>
    entity === undefined ? emptyDraft(kind) : draftOf(entity),
  )
  const [projectId, setProjectId] = useState<string>(entity?.projectId ?? '')
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set())
  const [submitted, setSubmitted] = useState(false)
  const [server, setServer] = useState<FieldErrors>({})
  const [busy, setBusy] = useState(false)
  const project = projectId === '' ? null : projectId
  const checked = validateDraft(IntelCreateSchema, kind, draft, project)
  const local = checked.ok ? {} : checked.errors
  // A field's complaint shows once it was changed or a save was tried: an empty form is not an error.
  const shown = (key: string) =>
    server[key] ?? (submitted || touched.has(key) ? local[key] : undefined)

  const change = (key: string, value: string | boolean) => {
    setDraft((d) => ({ ...d, [key]: value }))
    setTouched((t) => new Set(t).add(key))
    setServer((s) => {
      const next = { ...s }
      delete next[key]
      return next
    })
  }

  const save = async () => {
    setSubmitted(true)
    if (!checked.ok) return
    setBusy(true)
    try {
      let saved: IntelEntity
      if (entity === undefined) {
        saved = await client.call('intel.create', checked.value)
      } else {
        const patch = patchOf(entity, checked.value, project)
        if (Object.keys(patch).length === 0) {
          props.onDone(null)
          return
        }
        saved = await client.call('intel.update', { id: entity.id, patch })
      }
      ui.getState().toast('success', `${saved.name} saved`)
      props.onDone(saved)
    } catch (e) {
      setServer(serverErrors(kind, e))
      ui.getState().toast('error', `Save failed: ${errorMessage(e)}`)
    } finally {
      setBusy(false)
    }
  }

  return (
    <form
      className="edit-form intel-form"
      data-testid="intel-form"
      data-kind={kind}
      noValidate
      onSubmit={(e) => {
        e.preventDefault()
        void save()
      }}
    >
      <h3>
        {entity === undefined ? `New ${KIND_LABELS[kind].toLowerCase()}` : `Edit ${entity.name}`}
      </h3>
      <div className="form-grid">
        {fieldsOf(kind).map((spec) => (
          <Input
            key={spec.key}
            spec={spec}
            value={draft[spec.key] ?? ''}
            error={shown(spec.key)}
            onChange={(v) => change(spec.key, v)}
          />
        ))}
        <Field label="Project">
          {(id) => (
            <select
              id={id}
              value={projectId}
              data-testid="intel-field-project"
              onChange={(e) => setProjectId(e.target.value)}
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
      </div>
      {server._form !== undefined || (submitted && local._form !== undefined) ? (
        <p className="form-error" role="alert">
          {server._form ?? local._form}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="button" className="button" onClick={() => props.onDone(null)}>
          Cancel
        </button>
        <button
          type="submit"
          className="button button-primary"
          disabled={busy}
          data-testid="intel-save"
        >
          {busy ? 'Saving…' : entity === undefined ? 'Create' : 'Save'}
        </button>
      </div>
    </form>
  )
}
