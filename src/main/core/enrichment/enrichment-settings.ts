import { z } from 'zod'
import {
  ENRICHMENT_PROVIDERS,
  EnrichmentSettingsSchema,
  ProviderSettingsSchema,
  type EnrichmentSettings,
  type ProviderId,
  type ProviderSettings,
} from '#shared/contract/enrichment.schemas'
import type { ParsedIn } from '#shared/contract'
import type { ChangeCaller } from '../audit/change-caller'
import type { CoreContext } from '../core-context'
import { createSettingsRepository } from '../settings/settings.repository'
import { writeSettingRow } from '../settings/settings.service'
import type { ProviderRegistry } from './provider-registry'
import { dnsServerAddress } from './providers/dns.provider'

const KEY = 'enrichment'

/** Where a provider's API key lives: the secret store (OS keychain or the user-only file), never the database. */
export const providerKeyName = (id: ProviderId): string => `enrichment.${id}`

/**
 * The defaults of a provider id this build has no module for: off, and at the strictest ceiling, so turning
 * it on by mistake sends nothing anywhere.
 */
const ABSENT_DEFAULTS: ProviderSettings = {
  enabled: false,
  maxTlp: 'clear',
  rateLimit: { perMinute: 1, perDay: 1 },
  cacheTtlHours: 0,
}

/**
 * Automatic enrichment starts off: an import of a large feed would otherwise queue a scan of every new
 * high-score indicator before the analyst has looked at the providers' settings.
 */
export const DEFAULT_AUTO: EnrichmentSettings['auto'] = { enabled: false, minScore: 70 }

/** The stored row: only what the analyst changed; everything else follows the providers' defaults. */
const StoredSchema = z.object({
  offline: z.boolean().default(false),
  providers: z
    .partialRecord(z.enum(ENRICHMENT_PROVIDERS), ProviderSettingsSchema.partial())
    .default({}),
  auto: EnrichmentSettingsSchema.shape.auto.partial().default({}),
  dnsServers: z.array(z.string().max(64)).max(8).default([]),
})
type Stored = z.infer<typeof StoredSchema>

export type EnrichmentSettingsPatch = ParsedIn<'enrichment.updateSettings'>['patch']

/** Settings kept in the settings table (their own key) merged over each provider's defaults; keys in secrets. */
export const createEnrichmentSettings = (
  ctx: Pick<CoreContext, 'db' | 'clock' | 'changes' | 'secrets'>,
  registry: ProviderRegistry,
) => {
  let cached: EnrichmentSettings | null = null
  const readStored = async (): Promise<Stored> => {
    const text = await createSettingsRepository(ctx.db.dataSource.manager).read(KEY)
    let json: unknown
    try {
      json = text === null ? {} : JSON.parse(text)
    } catch {
      json = {}
    }
    const parsed = StoredSchema.safeParse(json)
    return parsed.success ? parsed.data : StoredSchema.parse({})
  }
  const defaultsOf = (id: ProviderId): ProviderSettings =>
    registry.get(id)?.defaults ?? ABSENT_DEFAULTS
  const merge = (s: Stored): EnrichmentSettings => {
    const providers = {} as Record<ProviderId, ProviderSettings>
    for (const id of ENRICHMENT_PROVIDERS) {
      const d = defaultsOf(id)
      const mine = s.providers[id] ?? {}
      providers[id] = {
        ...d,
        ...mine,
        // A provider this build lacks cannot be switched on.
        enabled: registry.get(id) === undefined ? false : (mine.enabled ?? d.enabled),
        rateLimit: mine.rateLimit ?? d.rateLimit,
      }
    }
    return {
      offline: s.offline,
      providers,
      auto: { ...DEFAULT_AUTO, ...s.auto },
      dnsServers: s.dnsServers,
    }
  }
  const read = async (): Promise<EnrichmentSettings> => {
    cached ??= merge(await readStored())
    return cached
  }

  return {
    read,
    /** The last settings read (the DNS provider's environment reads it synchronously). */
    current: (): EnrichmentSettings | null => cached,
    update: (patch: EnrichmentSettingsPatch, by: ChangeCaller): Promise<EnrichmentSettings> =>
      ctx.db.writes.run('enrichment.updateSettings', async () => {
        // The DNS provider's own check: an address or address:port, never a name.
        for (const [i, server] of (patch.dnsServers ?? []).entries()) dnsServerAddress(server, i)
        const current = await readStored()
        const before = merge(current)
        const next: Stored = {
          offline: patch.offline ?? current.offline,
          providers: { ...current.providers },
          auto: { ...current.auto, ...patch.auto },
          dnsServers: patch.dnsServers?.map((s) => s.trim()) ?? current.dnsServers,
        }
        for (const [id, p] of Object.entries(patch.providers ?? {}) as [
          ProviderId,
          Partial<ProviderSettings>,
        ][]) {
          next.providers[id] = { ...next.providers[id], ...p }
        }
        const after = merge(next)
        const changes: Record<string, unknown> = {}
        if (after.offline !== before.offline)
          changes.offline = { before: before.offline, after: after.offline }
        for (const id of ENRICHMENT_PROVIDERS) {
          if (JSON.stringify(after.providers[id]) !== JSON.stringify(before.providers[id]))
            changes[`providers.${id}`] = {
              before: before.providers[id],
              after: after.providers[id],
            }
        }
        if (JSON.stringify(after.auto) !== JSON.stringify(before.auto))
          changes.auto = { before: before.auto, after: after.auto }
        if (JSON.stringify(after.dnsServers) !== JSON.stringify(before.dnsServers))
          changes.dnsServers = { before: before.dnsServers, after: after.dnsServers }
        if (Object.keys(changes).length > 0) await writeSettingRow(ctx, KEY, next, by, changes)
        cached = after
        return after
      }),
    hasKey: async (id: ProviderId): Promise<boolean> =>
      (await ctx.secrets.get(providerKeyName(id))) !== undefined,
    /** Main process only: the engine's request() gets it; nothing returns it to a caller. */
    key: async (id: ProviderId): Promise<string | null> =>
      (await ctx.secrets.get(providerKeyName(id))) ?? null,
    setKey: (id: ProviderId, key: string | null, by: ChangeCaller): Promise<void> =>
      ctx.db.writes.run('enrichment.setKey', async () => {
        if (key === null) await ctx.secrets.delete(providerKeyName(id))
        else await ctx.secrets.set(providerKeyName(id), key)
        // The log says that the key changed, never what it is.
        await writeSettingRow(ctx, KEY, await readStored(), by, {
          [`keys.${id}`]: key === null ? 'removed' : 'set',
        })
      }),
  }
}
export type EnrichmentSettingsStore = ReturnType<typeof createEnrichmentSettings>
