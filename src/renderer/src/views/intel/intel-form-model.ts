import type { z } from 'zod'
import {
  ACTOR_TYPES,
  CVSS_SEVERITIES,
  type IntelEntity,
  type IntelKind,
} from '#shared/contract/intel.schemas'
import { TLP_LEVELS, type Tlp } from '#shared/domain/enums'

/**
 * The create/edit form of every entity kind as data: which fields, how each is typed in, how the text
 * becomes the contract's value, and how the contract's own schema's complaints land back on a field. The
 * form component only renders this; the rules stay in one place and are tested without a browser.
 */

export type FieldType =
  | 'text'
  | 'textarea'
  /** Comma separated. */
  | 'list'
  /** One per line (references, products). */
  | 'lines'
  | 'enum'
  | 'number'
  | 'bool'
  | 'date'
  /** Affected products: one per line, `product: version, version`. */
  | 'products'

export type FieldSpec = {
  key: string
  label: string
  type: FieldType
  /** For `enum`: the choices (an empty choice means "not said"). */
  options?: readonly string[]
  placeholder?: string
  /** ATT&CK ids: typed in any case, stored in upper case as ATT&CK writes them. */
  upper?: boolean
  /** Where the value lives in the contract's input. */
  scope: 'common' | 'details'
}

const common = (key: string, label: string, type: FieldType, extra: Partial<FieldSpec> = {}) =>
  ({ key, label, type, scope: 'common', ...extra }) satisfies FieldSpec
const detail = (key: string, label: string, type: FieldType, extra: Partial<FieldSpec> = {}) =>
  ({ key, label, type, scope: 'details', ...extra }) satisfies FieldSpec

export const COMMON_FIELDS: readonly FieldSpec[] = [
  common('name', 'Name', 'text'),
  common('aliases', 'Aliases', 'list'),
  common('tlp', 'TLP', 'enum', { options: TLP_LEVELS }),
  common('severity', 'Severity', 'text', { placeholder: 'high' }),
  common('confidence', 'Confidence (0–100)', 'number'),
  common('firstSeen', 'First seen', 'date'),
  common('lastSeen', 'Last seen', 'date'),
  common('techniques', 'ATT&CK techniques', 'list', {
    placeholder: 'T1566.001, T1059',
    upper: true,
  }),
  common('description', 'Description', 'textarea'),
]

const sectorsAndCountries = [
  detail('targetSectors', 'Target sectors', 'list'),
  detail('targetCountries', 'Target countries', 'list', { placeholder: 'DE, FR, US' }),
]

export const DETAIL_FIELDS: Record<Exclude<IntelKind, 'report'>, readonly FieldSpec[]> = {
  'threat-actor': [
    detail('actorType', 'Actor type', 'enum', { options: ACTOR_TYPES }),
    detail('originCountry', 'Origin country', 'text', { placeholder: 'RU' }),
    detail('motivation', 'Motivation', 'text'),
    detail('sophistication', 'Sophistication', 'text'),
    detail('tactics', 'ATT&CK tactics', 'list', { placeholder: 'TA0001, TA0002', upper: true }),
    detail('tools', 'Tools', 'list'),
    ...sectorsAndCountries,
  ],
  campaign: [
    detail('objectives', 'Objectives', 'list'),
    detail('tactics', 'ATT&CK tactics', 'list', { placeholder: 'TA0001, TA0002', upper: true }),
    ...sectorsAndCountries,
  ],
  vulnerability: [
    detail('cveId', 'CVE id', 'text', { placeholder: 'CVE-2024-3400' }),
    detail('cvssScore', 'CVSS score (0–10)', 'number'),
    detail('cvssSeverity', 'CVSS severity', 'enum', { options: CVSS_SEVERITIES }),
    detail('affectedProducts', 'Affected products (one per line: product: versions)', 'products'),
    detail('exploitAvailable', 'Exploit available', 'bool'),
    detail('exploitedInTheWild', 'Exploited in the wild', 'bool'),
    detail('exploitReferences', 'Exploit references (one per line)', 'lines'),
    detail('patchAvailable', 'Patch available', 'bool'),
    detail('patchReferences', 'Patch references (one per line)', 'lines'),
    detail('workarounds', 'Workarounds', 'textarea'),
    detail('publishedAt', 'Published', 'date'),
    detail('discoveredAt', 'Discovered', 'date'),
  ],
  malware: [
    detail('malwareTypes', 'Malware types', 'list', { placeholder: 'ransomware, backdoor' }),
    detail('capabilities', 'Capabilities', 'list'),
    detail('isFamily', 'A family (not one sample)', 'bool'),
  ],
}

export type EditableKind = keyof typeof DETAIL_FIELDS
export const EDITABLE_KINDS = Object.keys(DETAIL_FIELDS) as EditableKind[]

export const fieldsOf = (kind: EditableKind): FieldSpec[] => [
  ...COMMON_FIELDS,
  ...DETAIL_FIELDS[kind],
]

/** What the inputs hold: text for everything but the checkboxes. */
export type Draft = Record<string, string | boolean>

const splitList = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')

const splitLines = (text: string): string[] =>
  text
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter((s) => s !== '')

type Product = { product: string; versions: string[] }

const parseProducts = (text: string): Product[] =>
  splitLines(text).map((line) => {
    const colon = line.indexOf(':')
    return colon < 0
      ? { product: line, versions: [] }
      : { product: line.slice(0, colon).trim(), versions: splitList(line.slice(colon + 1)) }
  })

const formatProducts = (products: readonly Product[]): string =>
  products
    .map((p) => (p.versions.length === 0 ? p.product : `${p.product}: ${p.versions.join(', ')}`))
    .join('\n')

/** `<input type=date>` speaks YYYY-MM-DD; the contract speaks ISO-8601 instants (midnight UTC). */
const dateToIso = (d: string): string => `${d}T00:00:00.000Z`
const isoToDate = (iso: string | null): string => (iso === null ? '' : iso.slice(0, 10))

const textOf = (spec: FieldSpec, value: unknown): string | boolean => {
  switch (spec.type) {
    case 'bool':
      return value === true
    case 'list':
      return Array.isArray(value) ? value.join(', ') : ''
    case 'lines':
      return Array.isArray(value) ? value.join('\n') : ''
    case 'products':
      return Array.isArray(value) ? formatProducts(value as Product[]) : ''
    case 'date':
      return typeof value === 'string' ? isoToDate(value) : ''
    case 'number':
      return typeof value === 'number' ? String(value) : ''
    case 'text':
    case 'textarea':
    case 'enum':
      return typeof value === 'string' ? value : ''
  }
}

/** The value the contract takes for a field typed as `raw`; undefined leaves it to the default. */
const valueOf = (spec: FieldSpec, raw: string | boolean): unknown => {
  if (spec.type === 'bool') return raw === true
  const text = typeof raw === 'string' ? raw : ''
  switch (spec.type) {
    case 'list':
      return splitList(spec.upper === true ? text.toUpperCase() : text)
    case 'lines':
      return splitLines(text)
    case 'products':
      return parseProducts(text)
    case 'date':
      return text.trim() === '' ? null : dateToIso(text.trim())
    case 'number': {
      const t = text.trim()
      // Not a number stays text, so the schema names the field ("expected number").
      return t === '' ? null : Number.isFinite(Number(t)) ? Number(t) : t
    }
    case 'enum':
      return text === '' ? null : text
    case 'text':
      // The name and the description are required or default to '' in the contract; other text is nullable.
      return spec.key === 'name' || spec.key === 'description' ? text : text.trim() || null
    case 'textarea':
      return text
  }
}

export const emptyDraft = (kind: EditableKind): Draft => {
  const d: Draft = {}
  for (const f of fieldsOf(kind)) d[f.key] = f.type === 'bool' ? false : ''
  d.tlp = 'clear'
  if (kind === 'malware') d.isFamily = true
  return d
}

export const draftOf = (e: IntelEntity & { kind: EditableKind }): Draft => {
  const d: Draft = {}
  const details = e.details as Record<string, unknown>
  const commonValues = e as unknown as Record<string, unknown>
  for (const f of fieldsOf(e.kind))
    d[f.key] = textOf(f, f.scope === 'common' ? commonValues[f.key] : details[f.key])
  return d
}

/** The contract's create input for a draft (before validation: the schema says what is wrong). */
export const createInputOf = (
  kind: EditableKind,
  draft: Draft,
  projectId: string | null,
): Record<string, unknown> => {
  const input: Record<string, unknown> = { kind, projectId }
  const details: Record<string, unknown> = {}
  for (const f of fieldsOf(kind)) {
    const v = valueOf(f, draft[f.key] ?? '')
    if (f.scope === 'common') input[f.key] = v
    else details[f.key] = v
  }
  input.details = details
  return input
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b)

/**
 * An update's patch: only the fields that changed (a concurrent edit of another field survives), details
 * only the changed ones (the core merges them into the entity's). Compared after parsing, so `apt-28` typed
 * again as `apt-28` is no change.
 */
export const patchOf = (
  entity: IntelEntity,
  parsedInput: object,
  projectId: string | null,
): Record<string, unknown> => {
  const patch: Record<string, unknown> = {}
  const parsed = parsedInput as { details: Record<string, unknown> } & Record<string, unknown>
  const current = entity as unknown as Record<string, unknown>
  for (const f of COMMON_FIELDS)
    if (!same(parsed[f.key], current[f.key])) patch[f.key] = parsed[f.key]
  if (projectId !== entity.projectId) patch.projectId = projectId
  const was = entity.details as Record<string, unknown>
  const details: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(parsed.details)) if (!same(v, was[k])) details[k] = v
  if (Object.keys(details).length > 0) patch.details = details
  return patch
}

export type FieldErrors = Record<string, string>

const labelOf = (kind: EditableKind, key: string): string =>
  fieldsOf(kind)
    .find((f) => f.key === key)
    ?.label.replace(/ \(.*\)$/, '') ?? key

/**
 * A schema's issues as one message per field, naming the field (and the item of a list): "Target
 * countries, item 2: an ISO 3166-1 alpha-2 country code". Paths are the create input's (`details.cveId`)
 * or an update's (`patch.details.cveId`).
 */
export const fieldErrorsOf = (
  kind: EditableKind,
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): FieldErrors => {
  const out: FieldErrors = {}
  for (const issue of issues) {
    const path = issue.path.filter((p) => p !== 'patch' && p !== 'details')
    const key = path[0]
    if (typeof key !== 'string') {
      out._form ??= issue.message
      continue
    }
    const item = typeof path[1] === 'number' ? `, item ${path[1] + 1}` : ''
    out[key] ??= `${labelOf(kind, key)}${item}: ${issue.message}`
  }
  return out
}

/** Server paths arrive as strings (`patch.details.cveId`, `aliases[2]`): the same mapping. */
export const splitIssuePath = (path: string): PropertyKey[] =>
  path
    .split(/[.[\]]/)
    .filter((p) => p !== '')
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p))

export const validateDraft = <S extends z.ZodType>(
  schema: S,
  kind: EditableKind,
  draft: Draft,
  projectId: string | null,
): { ok: true; value: z.output<S> } | { ok: false; errors: FieldErrors } => {
  const r = schema.safeParse(createInputOf(kind, draft, projectId))
  return r.success
    ? { ok: true, value: r.data }
    : { ok: false, errors: fieldErrorsOf(kind, r.error.issues) }
}

export const isTlp = (v: string): v is Tlp => (TLP_LEVELS as readonly string[]).includes(v)
