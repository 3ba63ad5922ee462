import type { LocalProvider } from '../provider-types'
import type { LocalEnv } from './local-env'
import { addressOf, fact, localDefaults, privateAddressReason } from './local-support'

/**
 * ASN: who announces an address (AS number, organisation, the announced range), and whether the curated
 * list calls that network hosting or bulletproof. A bulletproof network is suspicious; anything else is
 * described, not judged.
 */
export const asnProvider: LocalProvider<LocalEnv> = {
  kind: 'local',
  id: 'asn',
  label: 'ASN',
  accepts: ['ip', 'ipv6', 'cidr'],
  // Routing data: who announces a prefix is a matter of record.
  reliability: 'A',
  defaults: localDefaults(24 * 30),
  docsUrl: 'https://github.com/sapics/ip-location-db',
  notApplicable: privateAddressReason,
  source: (env) =>
    `${env.asn.source()}; hosting list: ${env.hosting.size} ASNs (${env.hosting.files.join(', ')})`,
  lookup: (s, env) => {
    const a = addressOf(s)
    if (a === null) return null
    const hit = a.family === 4 ? env.asn.lookupV4(a.address, a.n) : env.asn.lookupV6(a.address, a.w)
    if (hit === null) return null
    const listed = env.hosting.get(hit.asn)
    const as = `AS${hit.asn}`
    const kindText = listed === undefined ? '' : `; ${listed.kind} (${listed.name})`
    return {
      answer: {
        finding: {
          level: listed?.kind === 'bulletproof' ? 'suspicious' : 'info',
          summary: `${as} ${hit.org} (${hit.network})${kindText}`.slice(0, 500),
          tags: listed === undefined ? [] : [listed.kind],
          facts: [
            fact('asn', 'AS number', hit.asn),
            fact('asOrg', 'AS organisation', hit.org),
            fact('network', 'Network', hit.network),
            fact('hostingKind', 'Hosting', listed?.kind ?? null),
            fact('hostingSource', 'Hosting list source', listed?.source ?? null),
          ],
        },
        keys: [
          { kind: 'asn', value: as },
          { kind: 'network', value: hit.network },
        ],
      },
      raw: { file: hit.file, record: hit.record, hosting: listed ?? null },
    }
  },
}
