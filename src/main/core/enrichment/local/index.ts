import type { LocalProvider } from '../provider-types'
import { asnProvider } from './asn.provider'
import { geoipProvider } from './geoip.provider'
import { localDbProvider } from './local-db.provider'
import type { LocalEnv } from './local-env'
import { warninglistsProvider } from './warninglists.provider'

/**
 * The local enrichment providers (no network): what the engine registers, and the environment it opens
 * once for them (openLocalEnv).
 */
export const LOCAL_PROVIDER_LIST: readonly LocalProvider<LocalEnv>[] = [
  geoipProvider,
  asnProvider,
  localDbProvider,
  warninglistsProvider,
]

export const createLocalProviders = (): LocalProvider<LocalEnv>[] => [...LOCAL_PROVIDER_LIST]

export { asnProvider, geoipProvider, localDbProvider, warninglistsProvider }
export {
  openLocalEnv,
  type LocalEnv,
  type LocalEnvOptions,
  type WarninglistCheck,
} from './local-env'
export { overrideDir } from './data-files'
export { userHostingFile } from './hosting-asns'
