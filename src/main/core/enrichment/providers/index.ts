import type { NetworkProvider } from '../provider-types'
import { abuseipdbProvider } from './abuseipdb.provider'
import { dnsProvider, type DnsEnv } from './dns.provider'
import { otxProvider } from './otx.provider'
import { createRdapProvider } from './rdap.provider'
import { shodanProvider } from './shodan.provider'
import { virustotalProvider } from './virustotal.provider'

/**
 * The network providers (issue 12): one small module each, behind the one interface of provider-types.ts.
 * The engine (src/main/core/enrichment/engine) sends their requests; none of them fetches by itself.
 */

/** What a provider needs from the core's world: the clock (RDAP counts a domain's age from it). */
export type NetworkProviderDeps = { now: () => number }

/** Every network provider, in the contract's order (NETWORK_PROVIDERS): rdap, dns, then the services. */
export const createNetworkProviders = (
  deps: NetworkProviderDeps,
): readonly NetworkProvider<DnsEnv>[] => [
  createRdapProvider(deps),
  dnsProvider,
  virustotalProvider,
  abuseipdbProvider,
  otxProvider,
  shodanProvider,
]

export { abuseipdbProvider, otxProvider, shodanProvider, virustotalProvider }
export { createRdapProvider, rdapNoServerReason, RDAP_YOUNG_DOMAIN_DAYS } from './rdap.provider'
export {
  dnsProvider,
  dnsServerAddress,
  DNS_DEFAULT_ENV,
  DNS_MAX_TXT_LENGTH,
  DNS_MAX_TXT_RECORDS,
  type DnsEnv,
} from './dns.provider'
export {
  loadRdapBootstrap,
  openRdapBootstrap,
  parseRdapBootstrap,
  refreshRdapBootstrap,
  refreshedRdapBootstrapDir,
  shippedRdapBootstrapDir,
  IANA_RDAP_BOOTSTRAP,
  RDAP_REGISTRIES,
  type RdapBootstrap,
  type RdapBootstrapHandle,
  type RdapBootstrapRefresh,
  type RdapRegistry,
} from './rdap-bootstrap'
