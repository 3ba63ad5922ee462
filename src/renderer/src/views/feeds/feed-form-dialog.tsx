import { useState } from 'react'
import { FEED_FORMAT_NAMES, RELIABILITIES, type Feed } from '#shared/contract/feeds.contract'
import { TLP_LEVELS } from '#shared/domain/enums'
import { useServices } from '../../app-context'
import { Modal } from '../../components/modal'
import { Field } from '../indicators/indicator-edit-form'
import { AuthFields } from './feed-auth-fields'
import { useFeedsStore } from './feeds-context'
import { ChooseFileButton, useHasFileDialog } from './open-file-button'
import { FORMAT_LABELS, RELIABILITY_LABELS } from './feeds-format'
import {
  OPTIONS_HINTS,
  buildInput,
  draftOfFeed,
  emptyDraft,
  errorsOf,
  type FeedDraft,
  type FieldErrors,
  type FieldKey,
} from './feed-form-model'

/** Which draft fields clear which error when edited. */
const FIELD_OF_DRAFT: Partial<Record<keyof FeedDraft, FieldKey>> = {
  name: 'name',
  format: 'format',
  url: 'source',
  path: 'source',
  picked: 'source',
  sourceKind: 'source',
  schedule: 'schedule',
  tags: 'tags',
  auth: 'auth',
  headerName: 'auth.name',
  headerValue: 'auth.value',
  username: 'auth.username',
  password: 'auth.password',
  urlKey: 'auth.value',
  options: 'options',
}

export type FeedFormTarget =
  { mode: 'create'; initial?: Partial<FeedDraft> } | { mode: 'edit'; feed: Feed }

export const FeedFormDialog = (props: { target: FeedFormTarget; onClose: () => void }) => {
  const { ui } = useServices()
  const feeds = useFeedsStore()
  const { target } = props
  const editing = target.mode === 'edit' ? target.feed : null
  const [draft, setDraft] = useState<FeedDraft>(() =>
    editing
      ? draftOfFeed(editing)
      : { ...emptyDraft(), ...(target.mode === 'create' ? target.initial : {}) },
  )
  const [errors, setErrors] = useState<FieldErrors>({})
  const [busy, setBusy] = useState(false)
  // The desktop's window cannot type a path for the app to read: it chooses the file in the main process.
  const fileDialog = useHasFileDialog()

  const change = <K extends keyof FeedDraft>(key: K, value: FeedDraft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }))
    const field = FIELD_OF_DRAFT[key]
    if (field) setErrors((e) => ({ ...e, [field]: undefined, form: undefined }))
  }

  const submit = async () => {
    const built = buildInput(draft)
    if (!built.ok) {
      setErrors(built.errors)
      return
    }
    setBusy(true)
    setErrors({})
    try {
      const saved = editing
        ? await feeds.getState().update(editing.id, built.patch)
        : await feeds.getState().create(built.create)
      ui.getState().toast('success', editing ? `Saved ${saved.name}` : `Added feed ${saved.name}`)
      props.onClose()
    } catch (e) {
      setErrors(errorsOf(e))
    } finally {
      setBusy(false)
    }
  }

  const err = (k: FieldKey) => errors[k]
  const hint = OPTIONS_HINTS[draft.format]

  return (
    <Modal
      title={editing ? `Edit feed: ${editing.name}` : 'Add a feed'}
      onClose={props.onClose}
      size="large"
      testId="feed-form"
      footer={
        <>
          <button type="button" className="button" onClick={props.onClose}>
            Cancel
          </button>
          <button
            type="submit"
            form="feed-form"
            className="button button-primary"
            disabled={busy}
            data-testid="feed-form-submit"
          >
            {busy ? 'Saving…' : editing ? 'Save' : 'Add feed'}
          </button>
        </>
      }
    >
      <form
        id="feed-form"
        className="form-grid"
        noValidate
        onSubmit={(e) => {
          e.preventDefault()
          void submit()
        }}
      >
        <Field label="Name" error={err('name')} testId="feed-name">
          {(id, d) => (
            <input
              id={id}
              value={draft.name}
              maxLength={200}
              aria-invalid={!!err('name')}
              aria-describedby={d}
              data-autofocus
              data-testid="feed-name"
              onChange={(e) => change('name', e.target.value)}
            />
          )}
        </Field>
        <Field label="Format" error={err('format')} testId="feed-format">
          {(id, d) => (
            <select
              id={id}
              value={draft.format}
              aria-describedby={d}
              data-testid="feed-format"
              onChange={(e) =>
                change(
                  'format',
                  FEED_FORMAT_NAMES.find((f) => f === e.target.value) ?? draft.format,
                )
              }
            >
              {FEED_FORMAT_NAMES.map((f) => (
                <option key={f} value={f}>
                  {FORMAT_LABELS[f]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          label={
            draft.sourceKind === 'url'
              ? 'Source URL'
              : fileDialog
                ? 'Local file (chosen in the file dialog)'
                : 'Local file path (on the machine running ThreatEye)'
          }
          error={err('source')}
          wide
          testId="feed-source"
        >
          {(id, d) => (
            <div className="source-input">
              <fieldset className="segmented" aria-label="Source kind">
                {(['url', 'path'] as const).map((k) => (
                  <label key={k}>
                    <input
                      type="radio"
                      name="feed-source-kind"
                      checked={draft.sourceKind === k}
                      data-testid={`feed-source-${k}`}
                      onChange={() => change('sourceKind', k)}
                    />
                    {k === 'url' ? 'URL' : 'File'}
                  </label>
                ))}
              </fieldset>
              {fileDialog && draft.sourceKind === 'path' ? (
                <>
                  <input
                    id={id}
                    className="mono"
                    readOnly
                    value={draft.picked?.name ?? draft.path}
                    placeholder="No file chosen"
                    aria-invalid={!!err('source')}
                    aria-describedby={d}
                    data-testid="feed-url"
                  />
                  <ChooseFileButton
                    testId="feed-choose-file"
                    onPicked={(f) => change('picked', f)}
                  />
                </>
              ) : (
                <input
                  id={id}
                  className="mono"
                  value={draft.sourceKind === 'url' ? draft.url : draft.path}
                  maxLength={4096}
                  spellCheck={false}
                  autoComplete="off"
                  placeholder={
                    draft.sourceKind === 'url'
                      ? 'https://example.org/feed.csv'
                      : '/data/feeds/list.txt'
                  }
                  aria-invalid={!!err('source')}
                  aria-describedby={d}
                  data-testid="feed-url"
                  onChange={(e) => change(draft.sourceKind, e.target.value)}
                />
              )}
            </div>
          )}
        </Field>
        <Field
          label="Schedule (cron: minute hour day month weekday)"
          error={err('schedule')}
          testId="feed-schedule"
        >
          {(id, d) => (
            <input
              id={id}
              className="mono"
              value={draft.schedule}
              placeholder="empty = run by hand only"
              spellCheck={false}
              autoComplete="off"
              list="feed-schedule-presets"
              aria-invalid={!!err('schedule')}
              aria-describedby={d}
              data-testid="feed-schedule"
              onChange={(e) => change('schedule', e.target.value)}
            />
          )}
        </Field>
        <datalist id="feed-schedule-presets">
          <option value="0 * * * *">every hour</option>
          <option value="0 */6 * * *">every 6 hours</option>
          <option value="30 3 * * *">daily at 03:30</option>
          <option value="0 4 * * 1">Mondays at 04:00</option>
        </datalist>
        <div className="field field-check">
          <label className="checkbox">
            <input
              type="checkbox"
              checked={draft.enabled}
              data-testid="feed-enabled-input"
              onChange={(e) => change('enabled', e.target.checked)}
            />
            Enabled (runs on its schedule)
          </label>
        </div>
        <Field label="Default TLP" error={err('defaultTlp')}>
          {(id) => (
            <select
              id={id}
              value={draft.defaultTlp}
              data-testid="feed-tlp"
              onChange={(e) =>
                change(
                  'defaultTlp',
                  TLP_LEVELS.find((t) => t === e.target.value) ?? draft.defaultTlp,
                )
              }
            >
              {TLP_LEVELS.map((t) => (
                <option key={t} value={t}>
                  TLP:{t.toUpperCase()}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Source reliability" error={err('reliability')}>
          {(id) => (
            <select
              id={id}
              value={draft.reliability}
              data-testid="feed-reliability"
              onChange={(e) =>
                change(
                  'reliability',
                  RELIABILITIES.find((r) => r === e.target.value) ?? draft.reliability,
                )
              }
            >
              {RELIABILITIES.map((r) => (
                <option key={r} value={r}>
                  {RELIABILITY_LABELS[r]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          label="Tags applied to every indicator (comma separated)"
          error={err('tags')}
          wide
          testId="feed-tags"
        >
          {(id, d) => (
            <input
              id={id}
              value={draft.tags}
              aria-invalid={!!err('tags')}
              aria-describedby={d}
              data-testid="feed-tags"
              onChange={(e) => change('tags', e.target.value)}
            />
          )}
        </Field>
        <AuthFields draft={draft} errors={errors} editing={editing} change={change} />
        <details className="field-wide options-box" open={draft.options !== '' || !!err('options')}>
          <summary>Format options (JSON)</summary>
          <Field label="Options" error={err('options')} wide testId="feed-options">
            {(id, d) => (
              <textarea
                id={id}
                className="mono"
                rows={3}
                value={draft.options}
                spellCheck={false}
                placeholder={hint ?? '{}'}
                aria-invalid={!!err('options')}
                aria-describedby={d}
                data-testid="feed-options"
                onChange={(e) => change('options', e.target.value)}
              />
            )}
          </Field>
        </details>
        {err('form') ? (
          <div className="form-error field-wide" role="alert" data-testid="feed-form-error">
            {err('form')}
          </div>
        ) : null}
      </form>
    </Modal>
  )
}
