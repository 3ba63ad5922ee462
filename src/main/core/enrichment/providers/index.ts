import type { HttpProvider } from '../provider-types'
import { abuseipdbProvider } from './abuseipdb.provider'
import { otxProvider } from './otx.provider'
import { shodanProvider } from './shodan.provider'
import { virustotalProvider } from './virustotal.provider'

/**
 * The network providers (issue 12): one small module each, behind the one interface of provider-types.ts.
 * The engine (src/main/core/enrichment/engine) sends their requests; none of them fetches by itself.
 */

/** What a provider needs from the core's world: the clock (RDAP's domain age is counted from it). */
export type NetworkProviderDeps = { now: () => number }

/** Every network provider, in the contract's order (NETWORK_PROVIDERS). */
export const createNetworkProviders = (_deps: NetworkProviderDeps): readonly HttpProvider[] => [
  virustotalProvider,
  abuseipdbProvider,
  otxProvider,
  shodanProvider,
]

export { abuseipdbProvider, otxProvider, shodanProvider, virustotalProvider }
