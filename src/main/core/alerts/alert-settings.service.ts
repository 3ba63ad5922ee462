import { z } from 'zod'
import type { AlertSettings } from '#shared/contract/alerts.contract'
import { AppError } from '#shared/contract/errors'
import type { ChangeCaller } from '../audit/change-caller'
import type { CoreContext } from '../core-context'
import { precheckUrl, type TargetPolicy } from '../feeds/http/fetch-targets'
import { createSettingsRepository } from '../settings/settings.repository'
import { writeSettingRow } from '../settings/settings.service'
import { originOf } from './alert-webhook'

const KEY = 'alerts'
/** Where the webhook's signing secret lives: the secret store, never the database, a log or an export. */
export const WEBHOOK_SECRET_KEY = 'alerts.webhook.secret'

/** The stored row. `webhookUrlFromHttp`: the URL came over the HTTP API, so deliveries keep the fetch rules. */
const StoredSchema = z.object({
  notifications: z.boolean().default(true),
  webhookUrl: z.string().nullable().default(null),
  webhookUrlFromHttp: z.boolean().default(false),
})
type Stored = z.infer<typeof StoredSchema>

export type WebhookTarget = {
  url: string
  secret: string | undefined
  /** The fetch rules for a URL an API caller set; undefined: any target (set in the app or the CLI). */
  targets: TargetPolicy | undefined
}

export type AlertSettingsPatch = {
  notifications?: boolean
  webhook?: { url: string | null; secret?: string | null }
}

/** The alerts' settings row (its own key, so the app's settings schema stays as it is) and the secret. */
export const createAlertSettingsService = (
  ctx: CoreContext,
  deps: { allowedHosts: () => Promise<readonly string[]> },
) => {
  const readStored = async (): Promise<Stored> => {
    const text = await createSettingsRepository(ctx.db.dataSource.manager).read(KEY)
    const parsed = StoredSchema.safeParse(text === null ? {} : JSON.parse(text))
    return parsed.success ? parsed.data : StoredSchema.parse({})
  }
  const view = async (s: Stored): Promise<AlertSettings> => ({
    notifications: s.notifications,
    webhook: {
      url: s.webhookUrl,
      hasSecret: s.webhookUrl !== null && (await ctx.secrets.get(WEBHOOK_SECRET_KEY)) !== undefined,
    },
  })
  const policyFor = async (restricted: boolean): Promise<TargetPolicy | undefined> =>
    restricted ? { allowedHosts: await deps.allowedHosts() } : undefined

  return {
    get: async (): Promise<AlertSettings> => view(await readStored()),
    notificationsEnabled: async (): Promise<boolean> => (await readStored()).notifications,
    /** The webhook to deliver to, with its secret and fetch rules; null when none is set. */
    webhook: async (): Promise<WebhookTarget | null> => {
      const s = await readStored()
      if (s.webhookUrl === null) return null
      return {
        url: s.webhookUrl,
        secret: await ctx.secrets.get(WEBHOOK_SECRET_KEY),
        targets: await policyFor(s.webhookUrlFromHttp),
      }
    },
    update: (patch: AlertSettingsPatch, by: ChangeCaller): Promise<AlertSettings> =>
      ctx.db.writes.run('alerts.updateSettings', async () => {
        const current = await readStored()
        const next: Stored = { ...current }
        if (patch.notifications !== undefined) next.notifications = patch.notifications
        const hook = patch.webhook
        if (hook !== undefined) {
          if (hook.url !== null && by.transport === 'http') {
            // A literal loopback or private address from the API is refused at once; names when delivering.
            const refused = precheckUrl((await policyFor(true)) ?? { allowedHosts: [] }, hook.url)
            if (refused) throw refused.toAppError()
          }
          if (
            hook.url !== null &&
            hook.secret === undefined &&
            current.webhookUrl !== null &&
            new URL(hook.url).origin !== new URL(current.webhookUrl).origin &&
            (await ctx.secrets.get(WEBHOOK_SECRET_KEY)) !== undefined
          ) {
            // As with feed credentials: a stored key never follows a URL to an origin it was not given for.
            throw new AppError(
              'invalid_input',
              'webhook.secret: the webhook moves to another origin; give its secret again (or null for none)',
              { field: 'webhook.secret' },
            )
          }
          if (hook.url !== current.webhookUrl) {
            next.webhookUrl = hook.url
            next.webhookUrlFromHttp = hook.url !== null && by.transport === 'http'
          }
        }
        const secretChange = hook === undefined ? undefined : hook.url === null ? null : hook.secret
        const changes: Record<string, unknown> = {}
        if (next.notifications !== current.notifications)
          changes.notifications = { before: current.notifications, after: next.notifications }
        if (next.webhookUrl !== current.webhookUrl)
          // Origins only: some services (chat webhooks) put their key in the path.
          changes.webhookOrigin = {
            before: current.webhookUrl === null ? null : originOf(current.webhookUrl),
            after: next.webhookUrl === null ? null : originOf(next.webhookUrl),
          }
        // The log says that the secret changed, never what it is.
        if (secretChange !== undefined)
          changes.webhookSigning = secretChange === null ? 'removed' : 'set'
        if (Object.keys(changes).length > 0) {
          if (secretChange === null) await ctx.secrets.delete(WEBHOOK_SECRET_KEY)
          else if (secretChange !== undefined)
            await ctx.secrets.set(WEBHOOK_SECRET_KEY, secretChange)
          await writeSettingRow(ctx, KEY, next, by, changes)
        }
        return view(next)
      }),
  }
}
export type AlertSettingsService = ReturnType<typeof createAlertSettingsService>
