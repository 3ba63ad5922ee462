import { z } from 'zod'
import { TLP_LEVELS } from '../domain/enums'
import { Timestamp, Uuid } from './common.schemas'

/**
 * The intel knowledge base (issue 11): threat actors, campaigns, vulnerabilities, malware families and threat
 * reports, one table (`intel_entities`, migration 0016) with the fields every kind shares as columns and each
 * kind's own fields in `details`. One table because relationships, the graph, search, project stats and
 * exports treat every kind alike; the kinds differ only in their details, which stay typed here.
 */
export const INTEL_KINDS = [
  'threat-actor',
  'campaign',
  'vulnerability',
  'malware',
  'report',
] as const
export const IntelKindSchema = z.enum(INTEL_KINDS)
export type IntelKind = z.infer<typeof IntelKindSchema>

/** What the far end of a relationship or a report's reference can be: an entity kind or an indicator. */
export const INTEL_REF_KINDS = [...INTEL_KINDS, 'indicator', 'attack-pattern'] as const
export const IntelRefKindSchema = z.enum(INTEL_REF_KINDS)
export type IntelRefKind = z.infer<typeof IntelRefKindSchema>

/** The relationship types the UI offers; imports keep any other STIX type (the vocabulary is open). */
export const RELATIONSHIP_TYPES = [
  'uses',
  'attributed-to',
  'indicates',
  'targets',
  'exploits',
  'variant-of',
  'related-to',
] as const
/** STIX 2.1 requires relationship_type to be lower-case ASCII letters, digits and hyphens. */
export const RelationshipTypeSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9-]+$/, 'lower-case letters, digits and hyphens (STIX relationship_type)')

export const ACTOR_TYPES = ['apt', 'cybercrime', 'nation-state', 'hacktivist', 'insider'] as const
export const CVSS_SEVERITIES = ['none', 'low', 'medium', 'high', 'critical'] as const
export const REPORT_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const

/** ATT&CK ids: tactics TA0001, techniques T1059 and sub-techniques T1059.001. */
export const AttackIdSchema = z
  .string()
  .trim()
  .regex(/^(TA\d{4}|T\d{4}(\.\d{3})?)$/, 'an ATT&CK id such as T1059, T1059.001 or TA0002')

const ShortText = z.string().trim().min(1).max(300)
const List = (max: number) => z.array(ShortText).max(max)
/** ISO 3166-1 alpha-2, upper case. */
const CountryCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{2}$/, 'an ISO 3166-1 alpha-2 country code')
  .transform((s) => s.toUpperCase())
const Reference = z.string().trim().min(1).max(2048)

export const ThreatActorDetailsSchema = z.strictObject({
  actorType: z.enum(ACTOR_TYPES).nullable().default(null),
  originCountry: CountryCode.nullable().default(null),
  motivation: ShortText.nullable().default(null),
  sophistication: ShortText.nullable().default(null),
  tactics: z.array(AttackIdSchema).max(50).default([]),
  tools: List(500).default([]),
  targetSectors: List(200).default([]),
  targetCountries: z.array(CountryCode).max(250).default([]),
})

export const CampaignDetailsSchema = z.strictObject({
  objectives: List(100).default([]),
  tactics: z.array(AttackIdSchema).max(50).default([]),
  targetSectors: List(200).default([]),
  targetCountries: z.array(CountryCode).max(250).default([]),
})

export const AffectedProductSchema = z.strictObject({
  product: ShortText,
  versions: List(200).default([]),
})

export const VulnerabilityDetailsSchema = z.strictObject({
  cveId: z
    .string()
    .trim()
    .regex(/^CVE-\d{4}-\d{4,}$/i, 'a CVE id such as CVE-2024-3400')
    .transform((s) => s.toUpperCase())
    .nullable()
    .default(null),
  cvssScore: z.number().min(0).max(10).nullable().default(null),
  cvssSeverity: z.enum(CVSS_SEVERITIES).nullable().default(null),
  affectedProducts: z.array(AffectedProductSchema).max(500).default([]),
  exploitAvailable: z.boolean().default(false),
  exploitedInTheWild: z.boolean().default(false),
  exploitReferences: z.array(Reference).max(200).default([]),
  patchAvailable: z.boolean().default(false),
  patchReferences: z.array(Reference).max(200).default([]),
  workarounds: z.string().max(20_000).default(''),
  publishedAt: Timestamp.nullable().default(null),
  discoveredAt: Timestamp.nullable().default(null),
})

export const MalwareDetailsSchema = z.strictObject({
  /** STIX malware_types (open vocabulary: ransomware, backdoor, trojan, …). */
  malwareTypes: List(50).default([]),
  capabilities: List(200).default([]),
  isFamily: z.boolean().default(true),
})

/** Markdown, bounded: a report is read, previewed and exported whole. */
export const REPORT_CONTENT_MAX_CHARS = 2 * 1024 * 1024

export const ReportDetailsSchema = z.strictObject({
  summary: z.string().max(20_000).default(''),
  content: z.string().max(REPORT_CONTENT_MAX_CHARS).default(''),
  published: z.boolean().default(false),
  publishedAt: Timestamp.nullable().default(null),
  authors: List(50).default([]),
})

export const INTEL_DETAILS_SCHEMAS = {
  'threat-actor': ThreatActorDetailsSchema,
  campaign: CampaignDetailsSchema,
  vulnerability: VulnerabilityDetailsSchema,
  malware: MalwareDetailsSchema,
  report: ReportDetailsSchema,
} as const satisfies Record<IntelKind, z.ZodType>

export type ThreatActorDetails = z.infer<typeof ThreatActorDetailsSchema>
export type CampaignDetails = z.infer<typeof CampaignDetailsSchema>
export type VulnerabilityDetails = z.infer<typeof VulnerabilityDetailsSchema>
export type MalwareDetails = z.infer<typeof MalwareDetailsSchema>
export type ReportDetails = z.infer<typeof ReportDetailsSchema>

/** The fields every kind has, as stored in intel_entities' columns. */
const commonFields = {
  id: Uuid,
  name: z.string(),
  aliases: z.array(z.string()),
  description: z.string(),
  projectId: Uuid.nullable(),
  tlp: z.enum(TLP_LEVELS),
  /** low/medium/high/critical for reports; free for the other kinds (null when nobody said). */
  severity: z.string().nullable(),
  confidence: z.number().int().min(0).max(100).nullable(),
  firstSeen: Timestamp.nullable(),
  lastSeen: Timestamp.nullable(),
  /** ATT&CK technique ids (T1059, T1059.001). */
  techniques: z.array(z.string()),
  /** Who told us: feed names, `analyst`, a MISP galaxy. */
  sources: z.array(z.string()),
  /** The STIX id it was imported under or first exported as; stable across exports. */
  stixId: z.string().nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
}

const entityOf = <K extends IntelKind, D extends z.ZodType>(kind: K, details: D) =>
  z.object({ ...commonFields, kind: z.literal(kind), details })

export const ThreatActorSchema = entityOf('threat-actor', ThreatActorDetailsSchema)
export const CampaignSchema = entityOf('campaign', CampaignDetailsSchema)
export const VulnerabilitySchema = entityOf('vulnerability', VulnerabilityDetailsSchema)
export const MalwareSchema = entityOf('malware', MalwareDetailsSchema)
export const ThreatReportSchema = entityOf('report', ReportDetailsSchema)

export const IntelEntitySchema = z.discriminatedUnion('kind', [
  ThreatActorSchema,
  CampaignSchema,
  VulnerabilitySchema,
  MalwareSchema,
  ThreatReportSchema,
])
export type IntelEntity = z.infer<typeof IntelEntitySchema>
export type ThreatActor = z.infer<typeof ThreatActorSchema>
export type Campaign = z.infer<typeof CampaignSchema>
export type Vulnerability = z.infer<typeof VulnerabilitySchema>
export type Malware = z.infer<typeof MalwareSchema>
export type ThreatReport = z.infer<typeof ThreatReportSchema>

export const IntelRelationshipSchema = z.object({
  id: Uuid,
  relationshipType: z.string(),
  sourceRef: z.string(),
  sourceKind: IntelRefKindSchema,
  targetRef: z.string(),
  targetKind: IntelRefKindSchema,
  description: z.string(),
  /** Who said it: a feed, `analyst`, a MISP galaxy. */
  source: z.string().nullable(),
  confidence: z.number().int().min(0).max(100).nullable(),
  firstSeen: Timestamp.nullable(),
  lastSeen: Timestamp.nullable(),
  stixId: z.string().nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
})
export type IntelRelationship = z.infer<typeof IntelRelationshipSchema>

/** One thing a threat report contains (STIX report.object_refs). */
export const ReportObjectSchema = z.object({
  reportId: Uuid,
  objectRef: z.string(),
  objectKind: IntelRefKindSchema,
})
export type ReportObject = z.infer<typeof ReportObjectSchema>

/**
 * How names and aliases are compared for "the same actor": Unicode NFKC, case-folded, runs of space,
 * hyphen, underscore and dot collapsed to one space (APT-28, apt 28 and APT_28 are one name).
 */
export const intelNameKey = (name: string): string =>
  name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\-_.]+/gu, ' ')
    .trim()
