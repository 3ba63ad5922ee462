import { z } from 'zod'
import { AppError } from '#shared/contract/errors'

/**
 * The ATT&CK catalogue the app knows offline: tactics in kill-chain order, techniques and sub-techniques,
 * groups and software. One shape for the built-in copy (resources/attack, made by
 * scripts/build-attack-catalogue.ts) and for a catalogue imported from an enterprise-attack STIX bundle
 * (attack-bundle.ts), so everything downstream reads one thing. `source` is MITRE's notice, which its terms
 * of use require us to keep with the data.
 */

export const CATALOGUE_FORMAT = 1

const Id = (re: RegExp, what: string) => z.string().regex(re, what)
const Name = z.string().trim().min(1).max(300)
const TacticId = Id(/^TA\d{4}$/, 'an ATT&CK tactic id such as TA0002')
const TechniqueId = Id(/^T\d{4}(\.\d{3})?$/, 'an ATT&CK technique id such as T1059 or T1059.001')
const Shortname = z.string().regex(/^[a-z0-9-]{1,64}$/, 'a tactic shortname such as execution')

export const AttackCatalogueSchema = z.strictObject({
  format: z.literal(CATALOGUE_FORMAT),
  domain: z.literal('enterprise-attack'),
  version: z.string().trim().min(1).max(40),
  source: z.string().trim().min(1).max(2000),
  tactics: z
    .array(z.strictObject({ id: TacticId, shortname: Shortname, name: Name }))
    .min(1)
    .max(100),
  techniques: z
    .array(
      z.strictObject({
        id: TechniqueId,
        name: Name,
        tactics: z.array(Shortname).max(20),
        platforms: z.array(Name).max(50),
      }),
    )
    .max(10_000),
  groups: z
    .array(z.strictObject({ id: z.string().max(20), name: Name, aliases: z.array(Name).max(100) }))
    .max(10_000),
  software: z
    .array(
      z.strictObject({
        id: z.string().max(20),
        name: Name,
        type: z.enum(['malware', 'tool']),
        aliases: z.array(Name).max(100),
      }),
    )
    .max(20_000),
})
export type AttackCatalogue = z.infer<typeof AttackCatalogueSchema>
export type AttackTactic = AttackCatalogue['tactics'][number]
export type AttackTechnique = AttackCatalogue['techniques'][number]

/**
 * The Enterprise matrix's column order (its x-mitre-matrix tactic_refs). A bundle brings its own matrix and
 * wins; this orders the built-in facts, which list tactics by id.
 */
export const ENTERPRISE_KILL_CHAIN = [
  'reconnaissance',
  'resource-development',
  'initial-access',
  'execution',
  'persistence',
  'privilege-escalation',
  'defense-evasion',
  'credential-access',
  'discovery',
  'lateral-movement',
  'collection',
  'command-and-control',
  'exfiltration',
  'impact',
] as const

/** Tactics in kill-chain order: those `order` names first, in its order, then the rest by id. */
export const orderTactics = <T extends { id: string; shortname: string }>(
  tactics: readonly T[],
  order: readonly string[] = ENTERPRISE_KILL_CHAIN,
): T[] => {
  const rank = new Map(order.map((s, i) => [s, i]))
  return [...tactics].sort((a, b) => {
    const ra = rank.get(a.shortname) ?? Number.MAX_SAFE_INTEGER
    const rb = rank.get(b.shortname) ?? Number.MAX_SAFE_INTEGER
    return ra !== rb ? ra - rb : a.id.localeCompare(b.id)
  })
}

/** T1059 before T1059.001 before T1060: ids compare as strings once the dot sorts before digits. */
export const byAttackId = (a: { id: string }, b: { id: string }): number =>
  a.id < b.id ? -1 : a.id > b.id ? 1 : 0

/** "ATT&CK v18.1" in a notice → "18.1". */
export const versionFromNotice = (notice: string): string | null =>
  /ATT&CK v(\d+(?:\.\d+)*)/.exec(notice)?.[1] ?? null

/** The facts file at /work/shared/reference/attack-enterprise.json (and its like): a subset of ATT&CK. */
const FactsSchema = z.object({
  source: z.string().min(1),
  tactics: z.array(z.object({ id: z.string(), shortname: z.string(), name: z.string() })),
  techniques: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      tactics: z.array(z.string()),
      platforms: z.array(z.string()).default([]),
    }),
  ),
  groups: z
    .array(z.object({ id: z.string(), name: z.string(), aliases: z.array(z.string()).default([]) }))
    .default([]),
  software: z
    .array(
      z.object({
        id: z.string(),
        name: z.string(),
        type: z.string(),
        aliases: z.array(z.string()).default([]),
      }),
    )
    .default([]),
})

/**
 * ATT&CK facts (tactics, techniques, groups, software with MITRE's notice) → the catalogue: tactics in
 * kill-chain order, everything else sorted by id, names trimmed, duplicates dropped. Used by
 * scripts/build-attack-catalogue.ts.
 */
export const catalogueFromFacts = (facts: unknown): AttackCatalogue => {
  const parsed = FactsSchema.safeParse(facts)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new AppError(
      'invalid_input',
      `ATT&CK facts: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
    )
  }
  const f = parsed.data
  const version = versionFromNotice(f.source)
  if (version === null) {
    throw new AppError('invalid_input', 'ATT&CK facts: source does not name an "ATT&CK vN" version')
  }
  const uniq = <T extends { id: string }>(xs: T[]): T[] => {
    const seen = new Set<string>()
    return xs.filter((x) => (seen.has(x.id) ? false : (seen.add(x.id), true))).sort(byAttackId)
  }
  const cleanAliases = (name: string, aliases: string[]) =>
    [...new Set(aliases.map((a) => a.trim()).filter((a) => a !== '' && a !== name))].slice(0, 100)
  const catalogue = {
    format: CATALOGUE_FORMAT,
    domain: 'enterprise-attack' as const,
    version,
    source: f.source,
    tactics: orderTactics(
      f.tactics.map((t) => ({ id: t.id, shortname: t.shortname, name: t.name.trim() })),
    ),
    techniques: uniq(
      f.techniques.map((t) => ({
        id: t.id,
        name: t.name.trim(),
        tactics: [...new Set(t.tactics)],
        platforms: [...new Set(t.platforms.map((p) => p.trim()))].sort(),
      })),
    ),
    groups: uniq(
      f.groups.map((g) => ({
        id: g.id,
        name: g.name.trim(),
        aliases: cleanAliases(g.name.trim(), g.aliases),
      })),
    ),
    software: uniq(
      f.software.map((s) => ({
        id: s.id,
        name: s.name.trim(),
        type: s.type === 'tool' ? ('tool' as const) : ('malware' as const),
        aliases: cleanAliases(s.name.trim(), s.aliases),
      })),
    ),
  }
  return parseCatalogue(catalogue, 'ATT&CK facts')
}

/** A stored or shipped catalogue, checked (a file on disk may have been edited or cut short). */
export const parseCatalogue = (value: unknown, what: string): AttackCatalogue => {
  const parsed = AttackCatalogueSchema.safeParse(value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new AppError(
      'invalid_input',
      `${what}: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
      { field: issue.path.join('.') },
    )
  }
  const tactics = new Set(parsed.data.tactics.map((t) => t.shortname))
  for (const [i, t] of parsed.data.techniques.entries()) {
    const unknown = t.tactics.find((s) => !tactics.has(s))
    if (unknown !== undefined) {
      throw new AppError(
        'invalid_input',
        `${what}: techniques.${i} (${t.id}) names the unknown tactic ${JSON.stringify(unknown)}`,
        { field: `techniques.${i}.tactics` },
      )
    }
  }
  return parsed.data
}
