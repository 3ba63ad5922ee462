import { type IocType, Invalid, canonicalize, parseIndicator } from '#shared/domain'
import { canonicalHost } from '#shared/domain/host-name'
import { iocTypesForMispAttributes } from './misp-attribute-types'
import { compileSafeRegex } from './regex-safety'

/**
 * The MISP warninglist format (github.com/MISP/misp-warninglists, one `list.json` per list): `name`,
 * `description`, `version` (integer), `type`, `list` (unique strings) required; `matching_attributes` (MISP
 * attribute types; absent means every type) and `category` (`false_positive` | `known`) optional. Other
 * fields are ignored. Entries are normalised here once, to the canonical forms ThreatEye's indicators use,
 * so matching compares like with like.
 */
export const WARNINGLIST_TYPES = ['cidr', 'hostname', 'string', 'substring', 'regex'] as const
export type WarninglistType = (typeof WARNINGLIST_TYPES)[number]
export const WARNINGLIST_CATEGORIES = ['false_positive', 'known'] as const
export type WarninglistCategory = (typeof WARNINGLIST_CATEGORIES)[number]

export const MAX_LIST_ENTRIES = 2_000_000
export const MAX_ENTRY_LENGTH = 1024
export const MAX_NAME_LENGTH = 256
export const MAX_DESCRIPTION_LENGTH = 8192
/** Substring entries shorter than this would hit almost every value. */
export const MIN_SUBSTRING_LENGTH = 3
/** Issues kept per file; the rest are counted, so a broken million-entry list cannot flood the report. */
export const MAX_ISSUES_PER_FILE = 100

export type Warninglist = {
  /** Where it was read from (a path, or a name given by the caller). */
  file: string
  name: string
  description: string
  version: number
  type: WarninglistType
  category: WarninglistCategory
  /** As the file gives them; null when absent. */
  matchingAttributes: string[] | null
  /** ThreatEye indicator types the list is applied to, from matchingAttributes. */
  appliesTo: readonly IocType[]
  /** Normalised, unique entries (regex entries as written). */
  entries: string[]
}

/** One problem, naming the file and the field (`list[12]`, `version`). */
export type WarninglistIssue = { file: string; field: string; message: string }

export type ParsedWarninglist =
  | { ok: true; list: Warninglist; issues: WarninglistIssue[]; droppedIssues: number }
  | { ok: false; errors: WarninglistIssue[] }

const show = (s: string): string => JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s)

/** A JSON value as a reason shows it: strings quoted, anything else as its JSON text. */
const showValue = (v: unknown): string =>
  typeof v === 'string' ? show(v) : show(JSON.stringify(v) ?? 'undefined').slice(1, -1)

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** A CIDR entry (or a bare address, meaning that one host) in canonical `network/prefix` form. */
const normaliseCidr = (entry: string): string | Invalid => {
  if (entry.includes('/')) {
    const r = canonicalize('cidr', entry)
    return r.ok ? r.value : new Invalid(r.reason)
  }
  const type = entry.includes(':') ? 'ipv6' : 'ip'
  const r = canonicalize(type, entry)
  if (!r.ok) return new Invalid(r.reason)
  return `${r.value}/${type === 'ip' ? 32 : 128}`
}

const normaliseHostname = (entry: string): string | Invalid => {
  // `*.example.com` and `.example.com` are how some lists say "and its sub-domains", which hostname
  // matching always includes.
  const bare = entry.startsWith('*.')
    ? entry.slice(2)
    : entry.startsWith('.')
      ? entry.slice(1)
      : entry
  const h = canonicalHost(bare, 1)
  if (h instanceof Invalid) {
    return /^[0-9.]+$/.test(bare) || bare.includes(':')
      ? new Invalid('it is an IP address; addresses belong in a cidr list')
      : h
  }
  return h
}

/** Exact strings compare case-insensitively; values that parse as an indicator take its canonical form. */
export const normaliseString = (entry: string): string => {
  const r = parseIndicator(entry)
  return (r.ok ? r.value : entry).toLowerCase()
}

const normaliseEntry = (type: WarninglistType, entry: string): string | Invalid => {
  switch (type) {
    case 'cidr':
      return normaliseCidr(entry)
    case 'hostname':
      return normaliseHostname(entry)
    case 'string':
      return normaliseString(entry)
    case 'substring':
      return entry.length < MIN_SUBSTRING_LENGTH
        ? new Invalid(
            `it is shorter than ${MIN_SUBSTRING_LENGTH} characters and would match almost anything`,
          )
        : entry.toLowerCase()
    case 'regex': {
      const v = compileSafeRegex(entry)
      return v.ok ? entry : new Invalid(v.reason)
    }
  }
}

type Header = Omit<Warninglist, 'entries' | 'appliesTo'>

const readHeader = (
  file: string,
  json: Record<string, unknown>,
  errors: WarninglistIssue[],
): Header | null => {
  const err = (field: string, message: string) => errors.push({ file, field, message })
  const text = (field: string, max: number): string => {
    const v = json[field]
    if (typeof v !== 'string' || v.trim() === '') {
      err(field, v === undefined ? 'is missing' : 'must be a non-empty string')
      return ''
    }
    if (v.length > max) err(field, `is ${v.length} characters long, more than ${max}`)
    return v.trim()
  }
  const name = text('name', MAX_NAME_LENGTH)
  const description = text('description', MAX_DESCRIPTION_LENGTH)
  const rawVersion = json.version
  const version =
    typeof rawVersion === 'string' && /^[0-9]{1,15}$/.test(rawVersion)
      ? Number(rawVersion)
      : rawVersion
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) {
    err('version', rawVersion === undefined ? 'is missing' : 'must be a non-negative integer')
  }
  const type = json.type
  if (!WARNINGLIST_TYPES.some((t) => t === type)) {
    err(
      'type',
      type === undefined
        ? 'is missing'
        : `${showValue(type)} is not one of ${WARNINGLIST_TYPES.join(', ')}`,
    )
  }
  const category = json.category ?? 'false_positive'
  if (!WARNINGLIST_CATEGORIES.some((c) => c === category)) {
    err('category', `${showValue(category)} is not one of ${WARNINGLIST_CATEGORIES.join(', ')}`)
  }
  let matchingAttributes: string[] | null = null
  const ma = json.matching_attributes
  if (ma !== undefined) {
    if (
      !Array.isArray(ma) ||
      !ma.every((a) => typeof a === 'string' && a.length <= 64) ||
      ma.length > 1000
    ) {
      err('matching_attributes', 'must be an array of MISP attribute type names')
    } else {
      matchingAttributes = ma.filter((a): a is string => typeof a === 'string')
    }
  }
  if (errors.length > 0) return null
  return {
    file,
    name,
    description,
    version: typeof version === 'number' ? version : 0,
    type: WARNINGLIST_TYPES.find((t) => t === type) ?? 'string',
    category: WARNINGLIST_CATEGORIES.find((c) => c === category) ?? 'false_positive',
    matchingAttributes,
  }
}

/**
 * Validate one list. A file whose header is wrong (a missing name, an unknown type, `list` not an array,
 * too many entries) is refused with every reason; a bad entry is dropped with its index and the rest of
 * the list is kept.
 */
export const parseWarninglist = (file: string, json: unknown): ParsedWarninglist => {
  if (!isRecord(json))
    return { ok: false, errors: [{ file, field: '(file)', message: 'is not a JSON object' }] }
  const errors: WarninglistIssue[] = []
  const header = readHeader(file, json, errors)
  const list = json.list
  if (!Array.isArray(list)) {
    errors.push({
      file,
      field: 'list',
      message: list === undefined ? 'is missing' : 'must be an array of strings',
    })
  } else if (list.length > MAX_LIST_ENTRIES) {
    errors.push({
      file,
      field: 'list',
      message: `has ${list.length} entries, more than ${MAX_LIST_ENTRIES}`,
    })
  }
  if (header === null || !Array.isArray(list) || errors.length > 0) return { ok: false, errors }

  const issues: WarninglistIssue[] = []
  let droppedIssues = 0
  const issue = (i: number, message: string) => {
    if (issues.length < MAX_ISSUES_PER_FILE) issues.push({ file, field: `list[${i}]`, message })
    else droppedIssues++
  }
  const seen = new Set<string>()
  const entries: string[] = []
  for (let i = 0; i < list.length; i++) {
    const raw: unknown = list[i]
    if (typeof raw !== 'string') {
      issue(i, 'is not a string')
      continue
    }
    const entry = raw.trim()
    if (entry === '') {
      issue(i, 'is empty')
      continue
    }
    if (entry.length > MAX_ENTRY_LENGTH) {
      issue(i, `is ${entry.length} characters long, more than ${MAX_ENTRY_LENGTH}`)
      continue
    }
    const value = normaliseEntry(header.type, entry)
    if (value instanceof Invalid) {
      issue(i, `${show(entry)} is not a valid ${header.type} entry: ${value.why}`)
      continue
    }
    // MISP requires unique entries; a repeat (also after normalisation) is harmless, so it is dropped quietly.
    if (seen.has(value)) continue
    seen.add(value)
    entries.push(value)
  }
  const appliesTo = iocTypesForMispAttributes(header.matchingAttributes)
  return { ok: true, list: { ...header, appliesTo, entries }, issues, droppedIssues }
}

/** Parse the text of one list file; a JSON syntax error is reported against the file. */
export const parseWarninglistText = (file: string, text: string): ParsedWarninglist => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    return {
      ok: false,
      errors: [
        {
          file,
          field: '(file)',
          message: `is not valid JSON: ${e instanceof Error ? e.message : String(e)}`,
        },
      ],
    }
  }
  return parseWarninglist(file, json)
}
