import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react'
import type { ThreatReport } from '#shared/contract/intel.schemas'
import { errorMessage, issuesOf } from '../../api/client'
import { useClient } from '../../app-context'
import {
  changesOf,
  draftErrors,
  draftOf,
  parseKeptDraft,
  type DraftErrors,
  type ReportDraft,
} from './report-draft'
import { createReport, getReport, updateReport } from './reports-api'

export const EMPTY_DRAFT: ReportDraft = {
  title: '',
  summary: '',
  authorsText: '',
  tlp: 'amber',
  severity: null,
  content: '',
}

export type DraftState = {
  saved: ThreatReport | null
  draft: ReportDraft
  loading: boolean
  busy: boolean
  dirty: boolean
  /** The report was changed elsewhere while this window held unsaved edits. */
  changedElsewhere: boolean
  loadError: string | null
  errors: DraftErrors & { form?: string }
  edit: (patch: Partial<ReportDraft>) => void
  /** Saves the draft (creating the report when new); `published` also publishes or withdraws it. */
  save: (published?: boolean) => Promise<ThreatReport | null>
  /** Drops the edits and shows the saved report again. */
  revert: () => void
}

/**
 * Unsaved edits are kept in the window's session storage until saved or discarded, so leaving the Reports
 * view (or reloading the window) does not lose them; opening the report again brings them back.
 */
const keptKey = (reportId: string | null) => `threateye.report-draft.${reportId ?? 'new'}`

const readKept = (reportId: string | null): ReportDraft | null => {
  try {
    return parseKeptDraft(window.sessionStorage.getItem(keptKey(reportId)))
  } catch {
    return null
  }
}

const writeKept = (reportId: string | null, draft: ReportDraft | null) => {
  try {
    if (draft === null) window.sessionStorage.removeItem(keptKey(reportId))
    else window.sessionStorage.setItem(keptKey(reportId), JSON.stringify(draft))
  } catch {
    // Storage full or refused: the draft still lives in the editor, only not across a reload.
  }
}

/** The core's field names (`patch.details.summary`) mapped to the editor's. */
const fieldErrorsOf = (e: unknown): DraftErrors => {
  const out: DraftErrors = {}
  for (const [path, message] of Object.entries(issuesOf(e))) {
    if (path.endsWith('name')) out.title ??= message
    else if (path.includes('summary')) out.summary ??= message
    else if (path.includes('authors')) out.authors ??= message
    else if (path.includes('content')) out.content ??= message
  }
  return out
}

/**
 * One report being edited: the saved version, the draft, and an explicit save. Edits stay in the draft until
 * the analyst saves (the editor shows "Unsaved changes"), so a half-written report never reaches an export
 * or another analyst's screen by accident.
 */
export const useReportDraft = (reportId: string | null): DraftState => {
  const client = useClient()
  const [saved, setSaved] = useState<ThreatReport | null>(null)
  const [draft, setDraft] = useState<ReportDraft>(() =>
    reportId === null ? (readKept(null) ?? EMPTY_DRAFT) : EMPTY_DRAFT,
  )
  const [loading, setLoading] = useState(reportId !== null)
  const [busy, setBusy] = useState(false)
  const [loadError, setLoadError] = useState<string | null>(null)
  const [errors, setErrors] = useState<DraftState['errors']>({})
  const [changedElsewhere, setChangedElsewhere] = useState(false)
  const [version, setVersion] = useState(0)
  const dirty =
    saved === null ? draft !== EMPTY_DRAFT : Object.keys(changesOf(draft, saved)).length > 0
  // Read by the loader, which must not replace edits the analyst has not saved.
  const held = useRef({ dirty, busy })
  useLayoutEffect(() => {
    held.current = { dirty, busy }
  })

  useEffect(() => {
    if (reportId === null) return
    let live = true
    getReport(client, reportId).then(
      (r) => {
        if (!live) return
        setLoading(false)
        setLoadError(null)
        // Our own save answers for itself; a change from elsewhere replaces only a clean draft.
        if (held.current.busy) return
        setSaved(r)
        if (held.current.dirty) setChangedElsewhere(true)
        else setDraft(readKept(reportId) ?? draftOf(r))
      },
      (e: unknown) => {
        if (!live) return
        setLoading(false)
        setLoadError(errorMessage(e))
      },
    )
    return () => {
      live = false
    }
  }, [client, reportId, version])

  // Keep unsaved edits (of a loaded or a new report) in session storage; a clean draft clears them.
  useEffect(() => {
    if (reportId !== null && saved === null) return
    writeKept(reportId, dirty ? draft : null)
  }, [reportId, saved, draft, dirty])

  // Another window, the CLI or the REST API changed this report: load it again.
  useEffect(() => {
    if (reportId === null) return
    return client.on('intel.onDidChange', (e) => {
      if (e.id === reportId && e.change === 'updated') setVersion((v) => v + 1)
    })
  }, [client, reportId])

  const edit = useCallback((patch: Partial<ReportDraft>) => {
    setDraft((d) => ({ ...d, ...patch }))
    setErrors({})
  }, [])

  const save = async (published?: boolean): Promise<ThreatReport | null> => {
    const found = draftErrors(draft)
    if (Object.keys(found).length > 0) {
      setErrors(found)
      return null
    }
    setBusy(true)
    held.current.busy = true
    try {
      let next =
        saved === null
          ? await createReport(client, draft)
          : await updateReport(client, saved.id, changesOf(draft, saved), published)
      // A new report is created as a draft, then published.
      if (saved === null && published === true) next = await updateReport(client, next.id, {}, true)
      if (saved === null) writeKept(null, null)
      setSaved(next)
      setDraft(draftOf(next))
      setErrors({})
      setChangedElsewhere(false)
      return next
    } catch (e) {
      setErrors({ ...fieldErrorsOf(e), form: errorMessage(e) })
      return null
    } finally {
      setBusy(false)
    }
  }

  const revert = () => {
    setDraft(saved === null ? EMPTY_DRAFT : draftOf(saved))
    setErrors({})
    setChangedElsewhere(false)
  }

  return {
    saved,
    draft,
    loading,
    busy,
    dirty,
    changedElsewhere,
    loadError,
    errors,
    edit,
    save,
    revert,
  }
}
