import { AppError } from '#shared/contract/errors'
import { FETCH_ALLOWED_HOSTS } from '#shared/contract/settings.contract'
import { callerOf } from '../audit/change-log'
import type { HandlerMap } from '../rpc/handlers'
import type { SettingsService } from './settings.service'

/** The settings domain of the contract: each method is one call into the service. */
export const createSettingsHandlers = (
  svc: SettingsService,
): HandlerMap<'settings.get' | 'settings.update'> => ({
  'settings.get': () => svc.read(),
  'settings.update': ({ patch }, call) => {
    // The API's own callers must not widen what the API may fetch: only the user at the machine does.
    if (call.caller === 'http' && patch[FETCH_ALLOWED_HOSTS] !== undefined)
      throw new AppError(
        'forbidden',
        `patch.${FETCH_ALLOWED_HOSTS}: the hosts feeds may fetch from can be changed only in the desktop app or with "threateye settings allow-host", not over the HTTP API`,
        { field: `patch.${FETCH_ALLOWED_HOSTS}` },
      )
    return svc.update(patch, callerOf(call))
  },
})
