import { z } from 'zod'
import { IOC_TYPES, TLP_LEVELS } from '../domain/enums'
import { Timestamp, Uuid } from './common.schemas'
import { RELIABILITIES } from './feeds.contract'
import { IndicatorFilterSchema } from './indicators.contract'

/**
 * Enrichment (issue 12): context for an indicator from local data first (GeoIP, ASN, this database,
 * warninglists) and from network services when the analyst allows it (RDAP, DNS, VirusTotal, AbuseIPDB, OTX,
 * Shodan). Every provider's answer is normalised to one shape (level, summary, tags, facts) so the panel, the
 * score and the pivots read all of them alike, and the raw answer is kept for audit.
 */

export const LOCAL_PROVIDERS = ['geoip', 'asn', 'local', 'warninglists'] as const
export const NETWORK_PROVIDERS = [
  'rdap',
  'dns',
  'virustotal',
  'abuseipdb',
  'otx',
  'shodan',
] as const
export const ENRICHMENT_PROVIDERS = [...LOCAL_PROVIDERS, ...NETWORK_PROVIDERS] as const
export type ProviderId = (typeof ENRICHMENT_PROVIDERS)[number]
export const ProviderIdSchema = z.enum(ENRICHMENT_PROVIDERS)

/** A provider's normalised verdict, in Cortex's four levels. */
export const ENRICHMENT_LEVELS = ['info', 'safe', 'suspicious', 'malicious'] as const
export type EnrichmentLevel = (typeof ENRICHMENT_LEVELS)[number]
export const EnrichmentLevelSchema = z.enum(ENRICHMENT_LEVELS)

/**
 * Where one (indicator, provider) pair stands. `queued` waits for a worker, the network (offline) or the
 * budget's next window; `skipped` was not sent and says why (skipReason); `failed` says what went wrong.
 */
export const ENRICHMENT_STATUSES = ['queued', 'running', 'done', 'failed', 'skipped'] as const
export type EnrichmentStatus = (typeof ENRICHMENT_STATUSES)[number]
export const EnrichmentStatusSchema = z.enum(ENRICHMENT_STATUSES)

export const SKIP_REASONS = [
  /** The indicator's TLP is above the provider's ceiling (override: tlpOverride on enrichment.run). */
  'tlp',
  /** The provider's daily budget is spent. */
  'budget',
  /** The provider needs an API key and has none. */
  'no-key',
  /** The provider is switched off in the settings. */
  'disabled',
  /** The provider does not look up this indicator type. */
  'unsupported-type',
  /** The value is not something the provider may be asked about (a private address, a reserved name). */
  'not-applicable',
] as const
export type SkipReason = (typeof SKIP_REASONS)[number]
export const SkipReasonSchema = z.enum(SKIP_REASONS)

/** One key/value of a provider's answer, e.g. detections 45/70, domain age 12 days, ASN 13335. */
export const EnrichmentFactSchema = z.object({
  /** Stable machine key (camelCase): what the score, the pivots and tests read. */
  key: z.string().max(64),
  /** For the panel: "Detections", "Domain age". */
  label: z.string().max(120),
  value: z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]),
})
export type EnrichmentFact = z.infer<typeof EnrichmentFactSchema>

/** The normalised answer a provider's mapping produces. */
export const EnrichmentFindingSchema = z.object({
  level: EnrichmentLevelSchema,
  summary: z.string().max(500),
  tags: z.array(z.string().max(100)).max(50),
  facts: z.array(EnrichmentFactSchema).max(100),
})
export type EnrichmentFinding = z.infer<typeof EnrichmentFindingSchema>

export const ReliabilityGradeSchema = z.enum(RELIABILITIES)

/** One provider's result for one indicator, as the panel shows it. */
export const EnrichmentResultSchema = z.object({
  indicatorId: Uuid,
  provider: ProviderIdSchema,
  status: EnrichmentStatusSchema,
  /** Null until a finding exists (queued, skipped, failed before any answer). */
  finding: EnrichmentFindingSchema.nullable(),
  /** The admiralty grade of the provider's answers (local data A/B, a community score C ...). */
  reliability: ReliabilityGradeSchema,
  /** Where the answer came from: the data file and its build date, or the service's host. */
  source: z.string().max(500).nullable(),
  skipReason: SkipReasonSchema.nullable(),
  /** What went wrong (failed) or why it was skipped, in words. */
  message: z.string().max(1000).nullable(),
  /** True when a raw response is stored (enrichment.raw returns it). */
  hasRaw: z.boolean(),
  /** The answer was served from the response cache. */
  cached: z.boolean(),
  /** Sent despite the provider's TLP ceiling, confirmed by the analyst (the change log has who and why). */
  tlpOverride: z.boolean(),
  requestedAt: Timestamp,
  fetchedAt: Timestamp.nullable(),
  /** After this the answer is stale and a new run asks again. */
  expiresAt: Timestamp.nullable(),
  attempts: z.number().int().min(0),
})
export type EnrichmentResult = z.infer<typeof EnrichmentResultSchema>

export const RateLimitSchema = z.strictObject({
  perMinute: z.number().int().min(1).max(100_000),
  perDay: z.number().int().min(1).max(10_000_000),
})
export type RateLimit = z.infer<typeof RateLimitSchema>

/** The analyst's settings of one provider; absent fields take the provider's defaults. */
export const ProviderSettingsSchema = z.strictObject({
  enabled: z.boolean(),
  maxTlp: z.enum(TLP_LEVELS),
  rateLimit: RateLimitSchema,
  cacheTtlHours: z
    .number()
    .min(0)
    .max(24 * 365),
})
export type ProviderSettings = z.infer<typeof ProviderSettingsSchema>

export const EnrichmentSettingsSchema = z.object({
  /** Offline mode: no network provider is asked; their requests wait in the queue until it is switched off. */
  offline: z.boolean(),
  providers: z.record(ProviderIdSchema, ProviderSettingsSchema),
  /** Enrich new indicators that score at or above minScore, automatically (local providers always, network
   * providers only those switched on). */
  auto: z.strictObject({
    enabled: z.boolean(),
    minScore: z.number().int().min(0).max(100),
  }),
  /** DNS servers the DNS provider asks (ip or ip:port); empty: the system's resolvers. */
  dnsServers: z.array(z.string().max(64)).max(8),
})
export type EnrichmentSettings = z.infer<typeof EnrichmentSettingsSchema>

/** A provider as the settings view and the panel list it. Its key never leaves the main process. */
export const ProviderInfoSchema = z.object({
  id: ProviderIdSchema,
  label: z.string(),
  /** Asks a service on the network (TLP gate, budget, offline queue apply). */
  network: z.boolean(),
  accepts: z.array(z.enum(IOC_TYPES)),
  needsKey: z.boolean(),
  hasKey: z.boolean(),
  /** The provider's documented defaults (free tier), for "reset". */
  defaults: ProviderSettingsSchema,
  settings: ProviderSettingsSchema,
  reliability: ReliabilityGradeSchema,
  /** Requests spent in the current minute and UTC day. */
  used: z.object({ minute: z.number().int(), day: z.number().int() }),
  /** Where its data comes from: a data file and its build date, or the service's base URL. */
  source: z.string(),
  /** Documentation of the terms the defaults follow. */
  docsUrl: z.string().nullable(),
})
export type ProviderInfo = z.infer<typeof ProviderInfoSchema>

/** What an enrichment run covers. */
export const EnrichmentTargetSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('indicators'), ids: z.array(Uuid).min(1).max(10_000) }),
  z.strictObject({ kind: z.literal('query'), filter: IndicatorFilterSchema.default({}) }),
  z.strictObject({ kind: z.literal('report'), id: Uuid }),
])
export type EnrichmentTarget = z.infer<typeof EnrichmentTargetSchema>

/** The persisted background jobs of the seed schema (scan_jobs): enrichment runs, on demand or automatic. */
export const SCAN_JOB_TYPES = ['enrichment', 'auto-enrichment'] as const
export const SCAN_JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const
export const ScanJobSchema = z.object({
  id: Uuid,
  type: z.enum(SCAN_JOB_TYPES),
  status: z.enum(SCAN_JOB_STATUSES),
  target: z.string().max(500),
  providers: z.array(ProviderIdSchema),
  actor: z.string(),
  indicatorsTotal: z.number().int().nullable(),
  indicatorsProcessed: z.number().int(),
  /** Indicators a provider called malicious or suspicious for the first time in this job. */
  newThreats: z.number().int(),
  alertsTriggered: z.number().int(),
  errors: z.number().int(),
  /** The first errors, for the job's detail (bounded). */
  errorSamples: z.array(z.string().max(500)).max(20),
  createdAt: Timestamp,
  startedAt: Timestamp.nullable(),
  finishedAt: Timestamp.nullable(),
  durationMs: z.number().int().nullable(),
})
export type ScanJob = z.infer<typeof ScanJobSchema>

/** Per provider: how many (indicator, provider) pairs stand in each status. */
export const QueueCountsSchema = z.record(
  ProviderIdSchema,
  z.partialRecord(
    z.union([EnrichmentStatusSchema, z.literal('skipped:tlp'), z.literal('skipped:budget')]),
    z.number().int(),
  ),
)

/** Indicators sharing something with another, found through enrichment. */
export const PIVOT_KINDS = ['asn', 'network', 'registrar', 'resolved-address', 'country'] as const
export type PivotKind = (typeof PIVOT_KINDS)[number]
export const PivotKindSchema = z.enum(PIVOT_KINDS)

export const GeoCountSchema = z.object({
  /** ISO 3166-1 alpha-2. */
  country: z.string().length(2),
  name: z.string(),
  count: z.number().int(),
})
