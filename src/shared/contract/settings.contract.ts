import { z } from 'zod'
import { isLoopbackHost } from '../domain/loopback'
import { DEFAULT_DECAY_POLICY } from '../domain/decay-policy'
import { DEFAULT_RISK_THRESHOLDS, IOC_TYPES } from '../domain/enums'
import { method } from './define'

/** A host name or an IP address (IPv6 with or without brackets), as the allowed fetch targets hold them. */
const FetchHost = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(255)
  .refine(
    (h) => {
      const bare = h.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '')
      return z.regexes.ipv4.test(bare) || z.regexes.ipv6.test(bare) || z.regexes.hostname.test(bare)
    },
    { message: 'not a host name or an IP address (give the host alone: no scheme, port or path)' },
  )

/** The setting only the desktop app and the command line may change (settings.update refuses it over HTTP). */
export const FETCH_ALLOWED_HOSTS = 'fetchAllowedHosts'

const Score = z.number().int().min(0).max(100)

/** The lowest score of each risk band; each band must start above the one below it. */
export const RiskThresholdsSchema = z
  .strictObject({ low: Score, medium: Score, high: Score, critical: Score })
  .superRefine((t, ctx) => {
    const order = ['low', 'medium', 'high', 'critical'] as const
    for (let i = 1; i < order.length; i++) {
      if (t[order[i]] <= t[order[i - 1]]) {
        ctx.addIssue({
          code: 'custom',
          path: [order[i]],
          message: `${order[i]} (${t[order[i]]}) must be above ${order[i - 1]} (${t[order[i - 1]]})`,
        })
      }
    }
  })

/** One decay rule: lifetime in days (up to 100 years) and the polynomial's speed. */
export const DecayModelSchema = z.strictObject({
  lifetimeDays: z.number().min(1).max(36_500),
  speed: z.number().min(0.1).max(10),
})

export const DecayPolicySchema = z.strictObject({
  byType: z.partialRecord(z.enum(IOC_TYPES), DecayModelSchema),
  fallback: DecayModelSchema,
  /** At or below this decayed score an indicator is expired (kept and marked). */
  revokeScore: z.number().int().min(0).max(99),
})

export const SettingsSchema = z.object({
  theme: z.enum(['system', 'light', 'dark']),
  /** The optional local REST port of the desktop app: off by default. */
  httpEnabled: z.boolean(),
  httpHost: z.string(),
  httpPort: z.number().int().min(0).max(65535),
  /**
   * Hosts on loopback, private or other special addresses that feeds and imports set up over the HTTP API
   * may still fetch from (an intranet TAXII server). Set from the desktop app or the CLI only.
   */
  fetchAllowedHosts: z.array(z.string()),
  /** Risk bands of the score (src/main/core/scoring). */
  riskThresholds: RiskThresholdsSchema,
  /** Decay lifetime and speed per indicator type, and the revoke threshold. */
  decay: DecayPolicySchema,
})
export type Settings = z.infer<typeof SettingsSchema>

export const DEFAULT_SETTINGS: Settings = {
  theme: 'system',
  httpEnabled: false,
  httpHost: '127.0.0.1',
  httpPort: 4517,
  fetchAllowedHosts: [],
  riskThresholds: DEFAULT_RISK_THRESHOLDS,
  decay: DEFAULT_DECAY_POLICY,
}

export const settingsContract = {
  'settings.get': method({
    summary: 'Read the application settings',
    input: z.strictObject({}),
    output: SettingsSchema,
  }),
  'settings.update': method({
    summary: 'Change application settings',
    input: z.strictObject({
      patch: z
        .strictObject({
          theme: SettingsSchema.shape.theme,
          httpEnabled: z.boolean(),
          // Only loopback from here, whoever asks (the page, the API): exposing the API to the network is
          // chosen on the command line (serve --host) or in the desktop's own confirmation dialog.
          httpHost: z.string().min(1).max(255).refine(isLoopbackHost, {
            message:
              'only a loopback address (127.0.0.1, ::1, localhost) can be set here; to listen on another address use "threateye serve --host"',
          }),
          httpPort: z.number().int().min(0).max(65535),
          fetchAllowedHosts: z.array(FetchHost).max(256),
          riskThresholds: RiskThresholdsSchema,
          decay: DecayPolicySchema,
        })
        .partial(),
    }),
    output: SettingsSchema,
    mutates: true,
  }),
  'system.info': method({
    summary: 'Version, schema version and data directory of the running core',
    input: z.strictObject({}),
    output: z.object({
      version: z.string(),
      schemaVersion: z.number().int(),
      dataDir: z.string(),
      sqliteVersion: z.string(),
      httpUrl: z.string().nullable(),
    }),
  }),
} as const

export const settingsEvents = {
  'settings.onDidChange': SettingsSchema,
} as const
