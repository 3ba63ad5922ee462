import { z } from 'zod'
import { IOC_TYPES, RISK_LEVELS, TLP_LEVELS } from '../domain/enums'
import { Timestamp, Uuid } from './common.schemas'
import { method } from './define'
import {
  ENRICHMENT_PROVIDERS,
  EnrichmentResultSchema,
  EnrichmentSettingsSchema,
  EnrichmentStatusSchema,
  EnrichmentTargetSchema,
  GeoCountSchema,
  PivotKindSchema,
  ProviderIdSchema,
  ProviderInfoSchema,
  ProviderSettingsSchema,
  QueueCountsSchema,
  RateLimitSchema,
  ScanJobSchema,
  SCAN_JOB_STATUSES,
  SkipReasonSchema,
} from './enrichment.schemas'
import { IndicatorFilterSchema } from './indicators.contract'
import { JobSchema } from './jobs.contract'

/** The most a raw response keeps (the rest is cut and says so). */
export const ENRICHMENT_RAW_MAX_BYTES = 256 * 1024

/** A short view of an indicator in queue and pivot lists. */
export const EnrichedIndicatorRefSchema = z.object({
  id: Uuid,
  type: z.enum(IOC_TYPES),
  value: z.string(),
  score: z.number().int(),
  riskLevel: z.enum(RISK_LEVELS),
  tlp: z.enum(TLP_LEVELS),
})

/**
 * Sending an indicator above a provider's TLP ceiling: for this one request only, confirmed by the analyst.
 * The change log records who, which indicators, which providers and the reason.
 */
export const TlpOverrideSchema = z.strictObject({
  confirm: z.literal(true),
  reason: z.string().trim().min(1).max(500),
})

export const enrichmentContract = {
  'enrichment.providers': method({
    summary:
      'The enrichment providers: what each accepts, its TLP ceiling, budget and use, whether it has a key, where its data comes from',
    input: z.strictObject({}),
    output: z.object({ offline: z.boolean(), items: z.array(ProviderInfoSchema) }),
  }),
  'enrichment.getSettings': method({
    summary:
      'Enrichment settings: offline mode, per-provider switches, TLP ceilings, budgets, cache TTL, auto-enrichment, DNS servers',
    input: z.strictObject({}),
    output: EnrichmentSettingsSchema,
  }),
  'enrichment.updateSettings': method({
    summary: 'Change enrichment settings (providers not named keep theirs)',
    input: z.strictObject({
      patch: z
        .strictObject({
          offline: z.boolean(),
          providers: z.partialRecord(
            ProviderIdSchema,
            z
              .strictObject({
                ...ProviderSettingsSchema.shape,
                rateLimit: RateLimitSchema,
              })
              .partial(),
          ),
          auto: EnrichmentSettingsSchema.shape.auto.partial(),
          dnsServers: EnrichmentSettingsSchema.shape.dnsServers,
        })
        .partial(),
    }),
    output: EnrichmentSettingsSchema,
    mutates: true,
  }),
  'enrichment.setKey': method({
    summary:
      "Set or clear a provider's API key (kept in the OS keychain or the user-only secrets file; never returned)",
    input: z.strictObject({
      provider: ProviderIdSchema,
      key: z.string().trim().min(1).max(512).nullable(),
    }),
    output: ProviderInfoSchema,
    mutates: true,
  }),
  'enrichment.results': method({
    summary:
      "An indicator's enrichment: one result per provider that was asked (or queued, skipped, failed)",
    input: z.strictObject({ indicatorId: Uuid }),
    output: z.object({ items: z.array(EnrichmentResultSchema) }),
  }),
  'enrichment.run': method({
    summary:
      'Enrich indicators (some by id, a whole query, or a report) as a persisted scan job; local providers answer at once, network ones through the queue',
    input: z.strictObject({
      target: EnrichmentTargetSchema,
      /** Default: every provider switched on that accepts the indicator's type. */
      providers: z.array(ProviderIdSchema).min(1).max(ENRICHMENT_PROVIDERS.length).optional(),
      /** Ask again even when a cached answer is still fresh (the panel's re-run). */
      force: z.boolean().default(false),
      tlpOverride: TlpOverrideSchema.optional(),
      /** Answer once the job has finished (CLI, scripts) instead of at once with the queued job. */
      wait: z.boolean().default(false),
    }),
    output: z.object({ scanJob: ScanJobSchema, job: JobSchema }),
    mutates: true,
  }),
  'enrichment.raw': method({
    summary: "A provider's raw response for an indicator, as received (kept for audit; capped)",
    input: z.strictObject({ indicatorId: Uuid, provider: ProviderIdSchema }),
    output: z.object({
      provider: ProviderIdSchema,
      /** The response body as text (JSON as the service sent it; DNS and local data as JSON we wrote). */
      raw: z.string(),
      truncated: z.boolean(),
      /** The request's URL with any key removed; null for local data and DNS. */
      url: z.string().nullable(),
      fetchedAt: Timestamp,
    }),
  }),
  'enrichment.queue': method({
    summary:
      'The enrichment queue: counts per provider and status (queued, running, done, failed, skipped for TLP or budget), and the entries',
    input: z.strictObject({
      provider: ProviderIdSchema.optional(),
      status: EnrichmentStatusSchema.optional(),
      skipReason: SkipReasonSchema.optional(),
      limit: z.number().int().min(1).max(500).default(100),
      offset: z.number().int().min(0).default(0),
    }),
    output: z.object({
      offline: z.boolean(),
      counts: QueueCountsSchema,
      items: z.array(EnrichmentResultSchema.extend({ indicator: EnrichedIndicatorRefSchema })),
      total: z.number().int(),
    }),
  }),
  'enrichment.scanJobs': method({
    summary: 'Persisted enrichment jobs, newest first (they survive a restart)',
    input: z.strictObject({
      status: z.enum(SCAN_JOB_STATUSES).optional(),
      limit: z.number().int().min(1).max(500).default(50),
    }),
    output: z.object({ items: z.array(ScanJobSchema) }),
  }),
  'enrichment.scanJob': method({
    summary: 'One persisted enrichment job',
    input: z.strictObject({ id: Uuid }),
    output: ScanJobSchema,
  }),
  'enrichment.cancelScanJob': method({
    summary: 'Cancel a queued or running enrichment job (answers already stored stay)',
    input: z.strictObject({ id: Uuid }),
    output: ScanJobSchema,
    mutates: true,
  }),
  'enrichment.pivots': method({
    summary:
      'What an indicator shares with others through enrichment (its ASN, network range, registrar, resolved addresses, country), with counts',
    input: z.strictObject({ indicatorId: Uuid }),
    output: z.object({
      items: z.array(
        z.object({
          kind: PivotKindSchema,
          value: z.string(),
          label: z.string(),
          /** Other indicators with the same key. */
          count: z.number().int(),
        }),
      ),
    }),
  }),
  'enrichment.pivot': method({
    summary:
      'Indicators sharing one enrichment key (an ASN, a network range, a registrar, an address, a country)',
    input: z.strictObject({
      kind: PivotKindSchema,
      value: z.string().trim().min(1).max(300),
      limit: z.number().int().min(1).max(2000).default(100),
      offset: z.number().int().min(0).default(0),
    }),
    output: z.object({ items: z.array(EnrichedIndicatorRefSchema), total: z.number().int() }),
  }),
  'enrichment.geoCounts': method({
    summary:
      'Where the indicators of a query or a report are hosted: counts per country (from GeoIP; addresses resolved by DNS count too)',
    input: z.strictObject({
      target: z.discriminatedUnion('kind', [
        z.strictObject({ kind: z.literal('query'), filter: IndicatorFilterSchema.default({}) }),
        z.strictObject({ kind: z.literal('report'), id: Uuid }),
      ]),
    }),
    output: z.object({
      countries: z.array(GeoCountSchema),
      /** Indicators of the target with a country. */
      located: z.number().int(),
      /** Indicators of the target without one (not an address, or not enriched yet). */
      unlocated: z.number().int(),
    }),
  }),
  'enrichment.refreshBootstrap': method({
    summary:
      "Fetch IANA's RDAP bootstrap files anew (which RDAP server answers for which TLD, address block or ASN)",
    input: z.strictObject({}),
    output: z.object({
      updatedAt: Timestamp,
      /** Entries per registry file: dns, ipv4, ipv6, asn. */
      entries: z.record(z.string(), z.number().int()),
      source: z.string(),
    }),
    mutates: true,
  }),
} as const

export const enrichmentEvents = {
  /** Results changed for these indicators (batched: at most a few per second). */
  'enrichment.onDidUpdate': z.object({
    indicatorIds: z.array(Uuid).max(1000),
    providers: z.array(ProviderIdSchema),
  }),
  /** A persisted scan job moved (progress, finish). */
  'enrichment.onDidScanJob': z.object({ scanJob: ScanJobSchema }),
} as const
