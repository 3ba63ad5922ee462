import type { In } from '#shared/contract'
import type { Feed, FeedAuthInput, FeedPatch } from '#shared/contract/feeds.contract'
import type { PickedFile } from '#shared/contract/files.contract'
import type { Tlp } from '#shared/domain/enums'
import { ApiError, errorMessage } from '../../api/client'
import { parseTags, type FeedFormat, type Reliability } from './feeds-format'

/** 'keep' exists only when editing a feed that has credentials: they are write-only and never shown. */
export type AuthChoice = 'keep' | 'none' | 'header' | 'basic' | 'url'

export type FeedDraft = {
  name: string
  format: FeedFormat
  sourceKind: 'url' | 'path'
  url: string
  path: string
  /** Desktop app: the file chosen in the main process's dialog; the feed then reads it (by handle). */
  picked: PickedFile | null
  schedule: string
  enabled: boolean
  defaultTlp: Tlp
  reliability: Reliability
  tags: string
  auth: AuthChoice
  headerName: string
  headerValue: string
  username: string
  password: string
  urlKey: string
  options: string
}

export type FieldKey =
  | 'name'
  | 'format'
  | 'source'
  | 'schedule'
  | 'enabled'
  | 'defaultTlp'
  | 'reliability'
  | 'tags'
  | 'auth'
  | 'auth.name'
  | 'auth.value'
  | 'auth.username'
  | 'auth.password'
  | 'options'
  | 'form'

export type FieldErrors = Partial<Record<FieldKey, string>>

export const emptyDraft = (): FeedDraft => ({
  name: '',
  format: 'text',
  sourceKind: 'url',
  url: '',
  path: '',
  picked: null,
  schedule: '0 */6 * * *',
  enabled: true,
  defaultTlp: 'amber',
  reliability: 'F',
  tags: '',
  auth: 'none',
  headerName: 'Auth-Key',
  headerValue: '',
  username: '',
  password: '',
  urlKey: '',
  options: '',
})

export const draftOfFeed = (f: Feed): FeedDraft => ({
  ...emptyDraft(),
  name: f.name,
  format: f.format,
  sourceKind: f.path !== null ? 'path' : 'url',
  url: f.url ?? '',
  path: f.path ?? '',
  schedule: f.schedule ?? '',
  enabled: f.enabled,
  defaultTlp: f.defaultTlp,
  reliability: f.reliability,
  tags: f.tags.join(', '),
  auth: f.hasAuth ? 'keep' : 'none',
  options: Object.keys(f.options).length > 0 ? JSON.stringify(f.options, null, 2) : '',
})

/** Per-format hints for the options box: the keys the engine reads for that format. */
export const OPTIONS_HINTS: Partial<Record<FeedFormat, string>> = {
  'generic-csv':
    '{ "valueColumn": "indicator", "typeColumn": "kind", "tagsColumn": "labels", "delimiter": ";" }',
  taxii: '{ "collections": ["collection id or title"], "types": ["indicator"], "limit": 1000 }',
  text: '{ "mode": "list" }',
}

const authOf = (d: FeedDraft): FeedAuthInput | null | undefined => {
  switch (d.auth) {
    case 'keep':
      return undefined
    case 'none':
      return null
    case 'header':
      return { kind: 'header', name: d.headerName.trim(), value: d.headerValue }
    case 'basic':
      return { kind: 'basic', username: d.username, password: d.password }
    case 'url':
      return { kind: 'url', value: d.urlKey }
  }
}

/** The options box is JSON typed by hand: a syntax error is reported here, the rest by the core. */
const optionsOf = (
  text: string,
): { ok: true; value: Record<string, unknown> } | { ok: false; message: string } => {
  if (text.trim() === '') return { ok: true, value: {} }
  try {
    const value: unknown = JSON.parse(text)
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return { ok: false, message: 'Options must be a JSON object: { "key": value }' }
    return { ok: true, value: value as Record<string, unknown> }
  } catch (e) {
    return { ok: false, message: `Options are not valid JSON: ${errorMessage(e)}` }
  }
}

type CreateInput = In<'feeds.create'>

export type Built =
  { ok: true; create: CreateInput; patch: FeedPatch } | { ok: false; errors: FieldErrors }

/** Draft → the contract's input. Validation is the core's (its invalid_input issues map back to fields). */
export const buildInput = (d: FeedDraft): Built => {
  const options = optionsOf(d.options)
  if (!options.ok) return { ok: false, errors: { options: options.message } }
  const auth = authOf(d)
  const common = {
    name: d.name,
    format: d.format,
    url: d.sourceKind === 'url' ? d.url.trim() : null,
    path: d.sourceKind === 'path' ? d.path.trim() : null,
    schedule: d.schedule.trim() === '' ? null : d.schedule.trim(),
    enabled: d.enabled,
    defaultTlp: d.defaultTlp,
    reliability: d.reliability,
    tags: parseTags(d.tags),
    options: options.value,
  }
  // A file picked in the desktop's dialog goes by its handle: the app window cannot name a path.
  const { path: _typed, ...rest } = common
  const source =
    d.sourceKind === 'path' && d.picked !== null
      ? {
          create: { ...rest, path: null, handle: d.picked.handle },
          patch: { ...rest, handle: d.picked.handle },
        }
      : { create: common, patch: common }
  return {
    ok: true,
    create: { ...source.create, auth: auth ?? null },
    patch: auth === undefined ? source.patch : { ...source.patch, auth },
  }
}

const FIELD_OF_PATH: Record<string, FieldKey> = {
  name: 'name',
  format: 'format',
  url: 'source',
  path: 'source',
  schedule: 'schedule',
  enabled: 'enabled',
  defaultTlp: 'defaultTlp',
  reliability: 'reliability',
  tags: 'tags',
  auth: 'auth',
  'auth.name': 'auth.name',
  'auth.value': 'auth.value',
  'auth.username': 'auth.username',
  'auth.password': 'auth.password',
  options: 'options',
}

/** `patch.tags[2]` → tags, `auth.value` → auth.value, anything else → the form-level message. */
export const fieldOfPath = (path: string): FieldKey => {
  const p = path.replace(/^patch\./, '')
  const exact = FIELD_OF_PATH[p]
  if (exact) return exact
  const head = p.split(/[.[]/)[0] ?? ''
  return FIELD_OF_PATH[head] ?? 'form'
}

/** zod's generic wording, said the way the form's fields are named. */
const cleanMessage = (path: string, message: string): string => {
  const p = path.replace(/^patch\./, '')
  const tag = /^tags\[(\d+)\]$/.exec(p)
  if (tag) return `Tag ${Number(tag[1]) + 1}: ${message}`
  if (p === 'name' && /^Too small/.test(message)) return 'Give the feed a name'
  if (p === 'url' && message === 'Invalid URL')
    return 'Not a feed URL: give an http:// or https:// address'
  return message
}

/**
 * An API error → per-field messages: zod issues carry their path in details; AppErrors name the field at
 * the start of their message (`name: a feed named 'x' exists already`).
 */
export const errorsOf = (e: unknown): FieldErrors => {
  const out: FieldErrors = {}
  if (e instanceof ApiError) {
    const details = e.details as { issues?: { path?: unknown; message?: unknown }[] } | undefined
    const issues = e.code === 'invalid_input' ? (details?.issues ?? []) : []
    for (const issue of issues) {
      if (typeof issue.path !== 'string' || typeof issue.message !== 'string') continue
      out[fieldOfPath(issue.path)] ??= cleanMessage(issue.path, issue.message)
    }
    if (issues.length === 0) {
      const m = /^([A-Za-z][\w.[\]]*): (.+)$/s.exec(e.message)
      const key = m?.[1] ? fieldOfPath(m[1]) : 'form'
      out[key] = key === 'form' || !m?.[2] ? e.message : m[2]
    }
    return out
  }
  return { form: errorMessage(e) }
}
