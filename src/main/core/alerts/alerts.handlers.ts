import { AppError } from '#shared/contract/errors'
import { callerOf } from '../audit/change-log'
import type { HandlerMap } from '../rpc/handlers'
import type { AlertSettingsService } from './alert-settings.service'
import type { WebhookSender } from './alert-webhook'
import type { AlertsService } from './alerts.service'

type AlertMethod =
  | 'alerts.list'
  | 'alerts.get'
  | 'alerts.acknowledge'
  | 'alerts.resolve'
  | 'alerts.assign'
  | 'alerts.listRules'
  | 'alerts.createRule'
  | 'alerts.updateRule'
  | 'alerts.deleteRule'
  | 'alerts.getSettings'
  | 'alerts.updateSettings'

/** One alert or several: the contract lets a caller give `id` or `ids`, exactly one of them. */
const targets = (t: { id?: string; ids?: string[] }): string[] => {
  if (t.id !== undefined && t.ids === undefined) return [t.id]
  if (t.ids !== undefined && t.id === undefined) return t.ids
  throw new AppError('invalid_input', 'ids: give either id (one alert) or ids (several)', {
    field: 'ids',
  })
}

/** The alerts domain of the contract: each method is one call into the service. */
export const createAlertHandlers = (
  svc: AlertsService,
  settings: AlertSettingsService,
  webhook: WebhookSender,
): HandlerMap<AlertMethod> => ({
  'alerts.list': async ({ filter, limit, cursor }) => svc.list(filter, limit, cursor),
  'alerts.get': async ({ id }) => svc.get(id),
  'alerts.acknowledge': (input, call) => svc.acknowledge(targets(input), callerOf(call)),
  'alerts.resolve': (input, call) => svc.resolve(targets(input), callerOf(call), input.note),
  'alerts.assign': (input, call) => svc.assign(targets(input), input.assignee, callerOf(call)),
  'alerts.listRules': async () => ({ items: await svc.listRules() }),
  'alerts.createRule': (input, call) => svc.createRule(input, callerOf(call)),
  'alerts.updateRule': ({ id, patch }, call) => svc.updateRule(id, patch, callerOf(call)),
  'alerts.deleteRule': async ({ id }, call) => {
    await svc.deleteRule(id, callerOf(call))
    return { ok: true as const }
  },
  'alerts.getSettings': () => settings.get(),
  'alerts.updateSettings': async (input, call) => {
    const next = await settings.update(input, callerOf(call))
    // A webhook set (again) delivers what was left pending.
    if (input.webhook?.url) webhook.kick()
    return next
  },
})
