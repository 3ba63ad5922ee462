import { callerOf } from '../audit/change-log'
import type { HandlerMap } from '../rpc/handlers'
import type { SettingsService } from './settings.service'

/** The settings domain of the contract: each method is one call into the service. */
export const createSettingsHandlers = (
  svc: SettingsService,
): HandlerMap<'settings.get' | 'settings.update'> => ({
  'settings.get': () => svc.read(),
  'settings.update': ({ patch }, call) => svc.update(patch, callerOf(call)),
})
