import { countryName as isoCountryName } from '#shared/domain/countries'
import type { LocalProvider } from '../provider-types'
import type { LocalEnv } from './local-env'
import { addressOf, fact, joined, localDefaults, privateAddressReason } from './local-support'

/** The shared English name (the map and the pivots use the same), looked up once per code. */
const countryName = (code: string | null): string | null => {
  if (code === null) return null
  let name = names.get(code)
  if (name === undefined) {
    name = isoCountryName(code)
    names.set(code, name)
  }
  return name
}

/** Country codes in the data are a few hundred. */
const names = new Map<string, string>()

/**
 * GeoIP: where an address is (country, region, city, coordinates, time zone), from the packaged GeoLite2
 * City data or a newer file dropped in. Describes, never judges: the level is always info.
 */
export const geoipProvider: LocalProvider<LocalEnv> = {
  kind: 'local',
  id: 'geoip',
  label: 'GeoIP',
  accepts: ['ip', 'ipv6'],
  // GeoLite2 places an address's network, not the machine: usually right on the country, often off on the
  // city.
  reliability: 'B',
  defaults: localDefaults(24 * 30),
  docsUrl: 'https://github.com/sapics/ip-location-db',
  notApplicable: privateAddressReason,
  source: (env) => env.geo.source(),
  lookup: (s, env) => {
    const a = addressOf(s)
    if (a === null) return null
    const hit = env.geo.lookup(a.address, a.family)
    if (hit === null) return null
    const p = hit.place
    const name = countryName(p.country)
    const where = joined([p.city, p.region, name ?? p.country])
    return {
      answer: {
        finding: {
          level: 'info',
          summary: `${where ?? 'Unknown place'}${p.country === null ? '' : ` (${p.country})`}`,
          tags: [],
          facts: [
            fact('country', 'Country', p.country),
            fact('countryName', 'Country name', name),
            fact('region', 'Region', p.region),
            fact('city', 'City', p.city),
            fact('latitude', 'Latitude', p.latitude),
            fact('longitude', 'Longitude', p.longitude),
            fact('timeZone', 'Time zone', p.timeZone),
          ],
        },
        keys: p.country === null ? [] : [{ kind: 'country', value: p.country }],
      },
      raw: { file: hit.file, network: hit.network, record: hit.record },
    }
  },
}
