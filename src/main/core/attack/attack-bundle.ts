import { AppError } from '#shared/contract/errors'
import {
  CATALOGUE_FORMAT,
  byAttackId,
  orderTactics,
  parseCatalogue,
  type AttackCatalogue,
} from './attack-catalogue'

/** The largest bundle read (MITRE's enterprise-attack.json is tens of MB; this leaves room to grow). */
export const MAX_ATTACK_BUNDLE_CHARS = 200 * 1024 * 1024
/** Objects looked at in one bundle. */
export const MAX_ATTACK_OBJECTS = 500_000
/** Issues listed in an answer; the count says how many there were. */
export const MAX_LISTED_ISSUES = 100

const MAX_NAME = 300
const MAX_ALIASES = 100

/** One object of the bundle that was left out or cut, named by its position and id. */
export type BundleIssue = { object: string; message: string }

export type BundleImport = {
  catalogue: AttackCatalogue
  /** The first MAX_LISTED_ISSUES problems. */
  issues: BundleIssue[]
  /** Revoked and deprecated objects left out. */
  retired: number
  /** Objects left out because they lacked what the catalogue needs. */
  skipped: number
}

type Obj = Record<string, unknown>

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v)
const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, MAX_NAME) : undefined
const strings = (v: unknown, max: number): string[] =>
  Array.isArray(v)
    ? [
        ...new Set(
          v
            .slice(0, max * 4)
            .map(str)
            .filter((s): s is string => s !== undefined),
        ),
      ].slice(0, max)
    : []

/** The ATT&CK id of an object: its `mitre-attack` external reference. */
export const mitreAttackId = (o: Obj): string | undefined => {
  if (!Array.isArray(o.external_references)) return undefined
  for (const r of o.external_references.slice(0, 50)) {
    if (isObj(r) && r.source_name === 'mitre-attack' && typeof r.external_id === 'string') {
      return r.external_id.trim()
    }
  }
  return undefined
}

const TACTIC_ID = /^TA\d{4}$/
const TECHNIQUE_ID = /^T\d{4}(\.\d{3})?$/
const GROUP_ID = /^G\d{4}$/
const SOFTWARE_ID = /^S\d{4}$/
const SHORTNAME = /^[a-z0-9-]{1,64}$/

const notice = (version: string, statement: string | undefined): string =>
  [
    `MITRE ATT&CK Enterprise (an enterprise-attack STIX bundle imported by the user), ATT&CK v${version}. (c) The MITRE Corporation; reproduced with its terms of use, which require this notice.`,
    statement === undefined ? '' : ` ${statement.slice(0, 1000)}`,
  ].join('')

const parseBundle = (text: string): unknown[] => {
  if (text.length > MAX_ATTACK_BUNDLE_CHARS) {
    throw new AppError(
      'payload_too_large',
      `bundle: ${text.length} characters, more than ${MAX_ATTACK_BUNDLE_CHARS}`,
      { field: 'text', limit: MAX_ATTACK_BUNDLE_CHARS },
    )
  }
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (e) {
    throw new AppError(
      'invalid_input',
      `bundle: not valid JSON (${e instanceof Error ? e.message.slice(0, 200) : String(e)})`,
      { field: 'text' },
    )
  }
  if (!isObj(doc) || doc.type !== 'bundle') {
    throw new AppError('invalid_input', 'bundle: type is not "bundle" (a STIX 2 bundle expected)', {
      field: 'type',
    })
  }
  if (!Array.isArray(doc.objects)) {
    throw new AppError('invalid_input', 'bundle: objects is not a list', { field: 'objects' })
  }
  if (doc.objects.length > MAX_ATTACK_OBJECTS) {
    throw new AppError(
      'payload_too_large',
      `bundle: ${doc.objects.length} objects, more than ${MAX_ATTACK_OBJECTS}`,
      { field: 'objects', limit: MAX_ATTACK_OBJECTS },
    )
  }
  return doc.objects
}

/**
 * An enterprise-attack STIX bundle → the catalogue. Tactics (x-mitre-tactic), techniques (attack-pattern,
 * their tactics from kill_chain_phases of the mitre-attack chain), groups (intrusion-set) and software
 * (malware, tool) by their mitre-attack external ids; revoked and x_mitre_deprecated objects are left out;
 * the column order is the bundle's x-mitre-matrix's. An object without what the catalogue needs is skipped
 * and named in `issues`; a bundle with no tactic or no technique is refused whole.
 */
export const catalogueFromBundleText = (text: string): BundleImport => {
  const objects = parseBundle(text)
  const issues: BundleIssue[] = []
  let issueCount = 0
  const issue = (n: number, o: Obj, message: string) => {
    issueCount++
    if (issues.length < MAX_LISTED_ISSUES) {
      const id = typeof o.id === 'string' ? ` (${o.id.slice(0, 200)})` : ''
      issues.push({ object: `objects[${n}]${id}`, message })
    }
  }
  let retired = 0
  const tacticsByRef = new Map<string, AttackCatalogue['tactics'][number]>()
  const techniques = new Map<string, AttackCatalogue['techniques'][number]>()
  const groups = new Map<string, AttackCatalogue['groups'][number]>()
  const software = new Map<string, AttackCatalogue['software'][number]>()
  let matrixOrder: string[] = []
  let version: string | undefined
  let statement: string | undefined

  objects.forEach((o, n) => {
    if (!isObj(o) || typeof o.type !== 'string') {
      issueCount++
      if (issues.length < MAX_LISTED_ISSUES)
        issues.push({ object: `objects[${n}]`, message: 'not a STIX object with a type' })
      return
    }
    if (o.revoked === true || o.x_mitre_deprecated === true) {
      retired++
      return
    }
    const name = str(o.name)
    switch (o.type) {
      case 'x-mitre-collection':
        version ??= str(o.x_mitre_version)
        return
      case 'marking-definition':
        if (isObj(o.definition)) statement ??= str(o.definition.statement)
        return
      case 'x-mitre-matrix':
        if (matrixOrder.length === 0) matrixOrder = strings(o.tactic_refs, 100)
        return
      case 'x-mitre-tactic': {
        const id = mitreAttackId(o)
        const shortname = str(o.x_mitre_shortname)
        if (id === undefined || !TACTIC_ID.test(id)) return issue(n, o, 'no mitre-attack TA id')
        if (shortname === undefined || !SHORTNAME.test(shortname))
          return issue(n, o, 'no valid x_mitre_shortname')
        if (name === undefined) return issue(n, o, 'no name')
        if (typeof o.id === 'string') tacticsByRef.set(o.id, { id, shortname, name })
        return
      }
      case 'attack-pattern': {
        const id = mitreAttackId(o)
        if (id === undefined || !TECHNIQUE_ID.test(id)) return issue(n, o, 'no mitre-attack T id')
        if (name === undefined) return issue(n, o, 'no name')
        const phases = Array.isArray(o.kill_chain_phases) ? o.kill_chain_phases.slice(0, 40) : []
        const tactics = [
          ...new Set(
            phases
              .filter(isObj)
              .filter((p) => p.kill_chain_name === 'mitre-attack')
              .map((p) => str(p.phase_name))
              .filter((s): s is string => s !== undefined && SHORTNAME.test(s)),
          ),
        ].slice(0, 20)
        techniques.set(id, { id, name, tactics, platforms: strings(o.x_mitre_platforms, 50) })
        return
      }
      case 'intrusion-set': {
        const id = mitreAttackId(o)
        if (id === undefined || !GROUP_ID.test(id)) return issue(n, o, 'no mitre-attack G id')
        if (name === undefined) return issue(n, o, 'no name')
        const aliases = strings(o.aliases, MAX_ALIASES + 1).filter((a) => a !== name)
        groups.set(id, { id, name, aliases: aliases.slice(0, MAX_ALIASES) })
        return
      }
      case 'malware':
      case 'tool': {
        const id = mitreAttackId(o)
        if (id === undefined || !SOFTWARE_ID.test(id)) return issue(n, o, 'no mitre-attack S id')
        if (name === undefined) return issue(n, o, 'no name')
        const aliases = strings(o.x_mitre_aliases, MAX_ALIASES + 1).filter((a) => a !== name)
        software.set(id, { id, name, type: o.type, aliases: aliases.slice(0, MAX_ALIASES) })
        return
      }
      default:
    }
  })

  if (tacticsByRef.size === 0) {
    throw new AppError(
      'invalid_input',
      'bundle: no x-mitre-tactic with a mitre-attack id (is this the enterprise-attack bundle?)',
      { field: 'objects' },
    )
  }
  if (techniques.size === 0) {
    throw new AppError('invalid_input', 'bundle: no attack-pattern with a mitre-attack id', {
      field: 'objects',
    })
  }
  const shortnames = new Set([...tacticsByRef.values()].map((t) => t.shortname))
  for (const t of techniques.values()) {
    const unknown = t.tactics.filter((s) => !shortnames.has(s))
    if (unknown.length > 0) {
      issueCount++
      if (issues.length < MAX_LISTED_ISSUES)
        issues.push({ object: t.id, message: `names unknown tactics ${unknown.join(', ')}` })
      t.tactics = t.tactics.filter((s) => shortnames.has(s))
    }
  }
  const order = matrixOrder
    .map((ref) => tacticsByRef.get(ref)?.shortname)
    .filter((s): s is string => s !== undefined)
  const v = version ?? 'unknown'
  const catalogue = parseCatalogue(
    {
      format: CATALOGUE_FORMAT,
      domain: 'enterprise-attack',
      version: v,
      source: notice(v, statement),
      tactics:
        order.length > 0
          ? orderTactics([...tacticsByRef.values()], order)
          : orderTactics([...tacticsByRef.values()]),
      techniques: [...techniques.values()].sort(byAttackId),
      groups: [...groups.values()].sort(byAttackId),
      software: [...software.values()].sort(byAttackId),
    },
    'bundle',
  )
  if (issueCount > issues.length) {
    issues.push({ object: '(bundle)', message: `${issueCount - issues.length} more issues` })
  }
  return { catalogue, issues, retired, skipped: issueCount }
}
