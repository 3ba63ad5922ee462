import {
  REPORT_CONTENT_MAX_CHARS,
  REPORT_SEVERITIES,
  type ThreatReport,
} from '#shared/contract/intel.schemas'
import { TLP_LEVELS, type Tlp } from '#shared/domain/enums'

export type ReportSeverity = (typeof REPORT_SEVERITIES)[number]

/** What the editor holds while the analyst writes: the report's editable fields, as typed. */
export type ReportDraft = {
  title: string
  summary: string
  /** As typed: one author per line or separated by commas. */
  authorsText: string
  tlp: Tlp
  severity: ReportSeverity | null
  content: string
}

export const TITLE_MAX = 300
export const SUMMARY_MAX = 20_000
const AUTHORS_MAX = 50
const AUTHOR_MAX_CHARS = 300

export const isReportSeverity = (v: string | null): v is ReportSeverity =>
  REPORT_SEVERITIES.some((s) => s === v)

export const draftOf = (report: ThreatReport): ReportDraft => ({
  title: report.name,
  summary: report.details.summary,
  authorsText: report.details.authors.join(', '),
  tlp: report.tlp,
  severity: isReportSeverity(report.severity) ? report.severity : null,
  content: report.details.content,
})

/** The authors as a list: split at commas and newlines, trimmed, blanks and repeats dropped. */
export const parseAuthors = (text: string): string[] => {
  const seen = new Set<string>()
  const out: string[] = []
  for (const part of text.split(/[,\n]/)) {
    const name = part.trim()
    if (name === '' || seen.has(name.toLowerCase())) continue
    seen.add(name.toLowerCase())
    out.push(name)
  }
  return out
}

export type DraftErrors = Partial<Record<'title' | 'summary' | 'authors' | 'content', string>>

/** The problems that would make the core refuse the draft, by field, so the editor can say where. */
export const draftErrors = (d: ReportDraft): DraftErrors => {
  const errors: DraftErrors = {}
  const title = d.title.trim()
  if (title === '') errors.title = 'A report needs a title'
  else if (title.length > TITLE_MAX) errors.title = `At most ${TITLE_MAX} characters`
  if (d.summary.length > SUMMARY_MAX) errors.summary = `At most ${SUMMARY_MAX} characters`
  const authors = parseAuthors(d.authorsText)
  if (authors.length > AUTHORS_MAX) errors.authors = `At most ${AUTHORS_MAX} authors`
  const long = authors.find((a) => a.length > AUTHOR_MAX_CHARS)
  if (long !== undefined)
    errors.authors = `"${long.slice(0, 40)}…" is longer than ${AUTHOR_MAX_CHARS} characters`
  if (d.content.length > REPORT_CONTENT_MAX_CHARS)
    errors.content = `The content is ${d.content.length} characters; at most ${REPORT_CONTENT_MAX_CHARS}`
  return errors
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i])

/** The fields of the draft that differ from the saved report (what a save would send). */
export type DraftChanges = {
  name?: string
  tlp?: Tlp
  severity?: ReportSeverity | null
  summary?: string
  content?: string
  authors?: string[]
}

export const changesOf = (d: ReportDraft, saved: ThreatReport): DraftChanges => {
  const out: DraftChanges = {}
  const title = d.title.trim()
  if (title !== saved.name) out.name = title
  if (d.tlp !== saved.tlp) out.tlp = d.tlp
  const savedSeverity = isReportSeverity(saved.severity) ? saved.severity : null
  if (d.severity !== savedSeverity) out.severity = d.severity
  if (d.summary !== saved.details.summary) out.summary = d.summary
  if (d.content !== saved.details.content) out.content = d.content
  const authors = parseAuthors(d.authorsText)
  if (!sameList(authors, saved.details.authors)) out.authors = authors
  return out
}

export const isDirty = (d: ReportDraft, saved: ThreatReport): boolean =>
  Object.keys(changesOf(d, saved)).length > 0

export const REPORT_STATUSES = ['all', 'draft', 'published'] as const
export type ReportStatus = (typeof REPORT_STATUSES)[number]

export type ReportListFilter = {
  q: string
  status: ReportStatus
  tlp: Tlp | null
  severity: ReportSeverity | null
}

export const EMPTY_LIST_FILTER: ReportListFilter = {
  q: '',
  status: 'all',
  tlp: null,
  severity: null,
}

/** What the list knows of a report (its list item has no Markdown content). */
export type ListedReport = {
  name: string
  tlp: Tlp
  severity: string | null
  details: { summary: string; published: boolean; authors: string[] }
}

/**
 * Whether a report passes the list's filter. The core filters by TLP and status; the list applies this to
 * what it holds, so typing narrows at once (over titles, summaries and authors) and a report changed
 * elsewhere leaves or joins the list before the next answer.
 */
export const reportMatches = (r: ListedReport, f: ReportListFilter): boolean => {
  if (f.status === 'published' && !r.details.published) return false
  if (f.status === 'draft' && r.details.published) return false
  if (f.tlp !== null && r.tlp !== f.tlp) return false
  if (f.severity !== null && r.severity !== f.severity) return false
  const q = f.q.trim().toLowerCase()
  if (q === '') return true
  return (
    r.name.toLowerCase().includes(q) ||
    r.details.summary.toLowerCase().includes(q) ||
    r.details.authors.some((a) => a.toLowerCase().includes(q))
  )
}

const isString = (v: unknown): v is string => typeof v === 'string'

/**
 * A draft kept in the window's session storage, read back: any field that is not what the editor writes
 * makes the whole thing ignored (it was written by an older build, or by hand).
 */
export const parseKeptDraft = (json: string | null): ReportDraft | null => {
  if (json === null) return null
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch {
    return null
  }
  if (typeof value !== 'object' || value === null) return null
  const v = value as Record<string, unknown>
  const tlp = TLP_LEVELS.find((t) => t === v.tlp)
  const severity = v.severity === null ? null : REPORT_SEVERITIES.find((x) => x === v.severity)
  if (
    !isString(v.title) ||
    !isString(v.summary) ||
    !isString(v.authorsText) ||
    !isString(v.content) ||
    tlp === undefined ||
    severity === undefined
  )
    return null
  return {
    title: v.title,
    summary: v.summary,
    authorsText: v.authorsText,
    tlp,
    severity,
    content: v.content,
  }
}
