import type { EnrichmentFact } from '#shared/contract/enrichment.schemas'
import {
  ProviderError,
  type HttpProvider,
  type HttpReply,
  type LookupSubject,
  type PivotKey,
} from '../provider-types'
import {
  answer,
  fact,
  joined,
  nonPublicReason,
  replyReader,
  typeValueKey,
  unsupported,
} from './provider-support'

/**
 * RDAP (RFC 9082 queries, RFC 9083 responses), the registries' structured successor of WHOIS: for a domain
 * its registrar, registrant organisation and registration and expiry dates (so its age); for an address the
 * network it belongs to and who holds it. The server to ask comes from IANA's bootstrap (rdap-bootstrap.ts),
 * which the engine hands to request() as env.rdapBase. No key; the registry only learns that someone asked.
 */

const read = replyReader('rdap')
const DAY_MS = 86_400_000

/** A domain registered fewer days ago than this is young: most phishing and C2 domains are used within weeks. */
export const RDAP_YOUNG_DOMAIN_DAYS = 30
const MAX_ENTITY_DEPTH = 3
const MAX_ENTITIES = 100

/** Why no RDAP server can be asked, for the engine to skip with (null: the bootstrap names one). */
export const rdapNoServerReason = (s: LookupSubject): string =>
  s.type === 'domain'
    ? `IANA's RDAP bootstrap names no server for '.${s.value.split('.').pop() ?? ''}' (enrichment.refreshBootstrap updates it)`
    : `IANA's RDAP bootstrap names no server for ${s.value} (enrichment.refreshBootstrap updates it)`

const pathOf = (s: LookupSubject): string => {
  switch (s.type) {
    case 'domain':
      return `domain/${encodeURIComponent(s.value)}`
    case 'ip':
    case 'ipv6':
      return `ip/${encodeURIComponent(s.value)}`
    case 'cidr': {
      const [addr = '', len = ''] = s.value.split('/')
      return `ip/${encodeURIComponent(addr)}/${encodeURIComponent(len)}`
    }
    default:
      return unsupported('rdap', s)
  }
}

type Entity = { roles: string[]; fn: string | null; org: string | null; ianaId: string | null }

/** The text of a vCard property (jCard, RFC 7095): ["fn", {}, "text", "Example Registrar LLC"]. */
const vcardText = (vcard: unknown, name: string, field: string): string | null => {
  if (vcard === undefined || vcard === null) return null
  const arr = read.array(vcard, field)
  const props = read.array(arr[1], `${field}[1]`)
  for (const [i, p] of props.entries()) {
    const prop = read.array(p, `${field}[1][${i}]`)
    if (prop[0] !== name) continue
    const value = prop[3]
    if (typeof value === 'string') return value.trim() === '' ? null : value.trim()
    // An org may be structured (["Org", "Unit"]): its first component is the organisation.
    if (Array.isArray(value) && typeof value[0] === 'string' && value[0].trim() !== '')
      return value[0].trim()
  }
  return null
}

/** Entities at any depth (a registrar's abuse contact is inside the registrar), bounded. */
const entitiesOf = (v: unknown, field: string, depth = 0, out: Entity[] = []): Entity[] => {
  const list = read.optArray(v, field) ?? []
  for (const [i, e] of list.entries()) {
    if (out.length >= MAX_ENTITIES) break
    const at = `${field}[${i}]`
    const o = read.object(e, at)
    const ids = read.optArray(o.publicIds, `${at}.publicIds`) ?? []
    const iana = ids
      .map((x, j) => read.object(x, `${at}.publicIds[${j}]`))
      .find((x) => x.type === 'IANA Registrar ID')
    out.push({
      roles: read.optStrings(o.roles, `${at}.roles`, 20),
      fn: vcardText(o.vcardArray, 'fn', `${at}.vcardArray`),
      org: vcardText(o.vcardArray, 'org', `${at}.vcardArray`),
      ianaId:
        iana === undefined
          ? null
          : typeof iana.identifier === 'number'
            ? String(iana.identifier)
            : read.str(iana.identifier, `${at}.publicIds.identifier`),
    })
    if (depth < MAX_ENTITY_DEPTH) entitiesOf(o.entities, `${at}.entities`, depth + 1, out)
  }
  return out
}

const withRole = (entities: Entity[], role: string) => entities.find((e) => e.roles.includes(role))

/** Registrant names that say nothing: the GDPR redaction placeholders. */
const named = (e: Entity | undefined): string | null => {
  for (const v of [e?.org, e?.fn]) if (v && !/^redacted/i.test(v)) return v
  return null
}

const eventsOf = (v: unknown): Map<string, string> => {
  const out = new Map<string, string>()
  for (const [i, e] of (read.optArray(v, 'events') ?? []).entries()) {
    const o = read.object(e, `events[${i}]`)
    const action = read.str(o.eventAction, `events[${i}].eventAction`)
    const date = read.str(o.eventDate, `events[${i}].eventDate`)
    const ms = Date.parse(date)
    if (Number.isNaN(ms)) read.mismatch(`events[${i}].eventDate`, 'an RFC 3339 date', date)
    if (!out.has(action)) out.set(action, new Date(ms).toISOString())
  }
  return out
}

const day = (iso: string | undefined): string => iso?.slice(0, 10) ?? '?'

const parseDomain = (body: Record<string, unknown>, now: number) => {
  const events = eventsOf(body.events)
  const entities = entitiesOf(body.entities, 'entities')
  const registrarEntity = withRole(entities, 'registrar')
  const registrar = named(registrarEntity)
  const registrantOrg = named(withRole(entities, 'registrant'))
  const createdAt = events.get('registration') ?? null
  const expiresAt = events.get('expiration') ?? null
  const age =
    createdAt === null ? null : Math.max(0, Math.floor((now - Date.parse(createdAt)) / DAY_MS))
  const nameservers = (read.optArray(body.nameservers, 'nameservers') ?? [])
    .slice(0, 20)
    .map((n, i) =>
      read
        .str(read.object(n, `nameservers[${i}]`).ldhName, `nameservers[${i}].ldhName`)
        .toLowerCase(),
    )
  const status = read.optStrings(body.status, 'status', 20)
  const young = age !== null && age < RDAP_YOUNG_DOMAIN_DAYS
  const parts = [
    createdAt === null
      ? 'Registration date not given'
      : `Registered ${day(createdAt)} (${age} days ago)`,
    registrar ? `at ${registrar}` : null,
    expiresAt ? `expires ${day(expiresAt)}` : null,
  ]
  const facts: EnrichmentFact[] = [
    fact('registrar', 'Registrar', registrar),
    fact('registrarIanaId', 'Registrar IANA id', registrarEntity?.ianaId ?? null),
    fact('registrantOrg', 'Registrant organisation', registrantOrg),
    fact('createdAt', 'Registered', createdAt),
    fact('expiresAt', 'Expires', expiresAt),
    fact('domainAgeDays', 'Domain age (days)', age),
    fact('lastChangedAt', 'Last changed', events.get('last changed') ?? null),
    fact('nameservers', 'Name servers', nameservers.length > 0 ? joined(nameservers) : null),
    fact('status', 'Status', status.length > 0 ? joined(status) : null),
  ]
  const keys: PivotKey[] = registrar ? [{ kind: 'registrar', value: registrar }] : []
  return answer(young ? 'suspicious' : 'info', parts.filter(Boolean).join(' '), facts, {
    tags: young ? ['young-domain'] : [],
    keys,
  })
}

const cidrsOf = (v: unknown): string[] =>
  (read.optArray(v, 'cidr0_cidrs') ?? []).slice(0, 20).map((c, i) => {
    const o = read.object(c, `cidr0_cidrs[${i}]`)
    const prefix = read.str(o.v4prefix ?? o.v6prefix, `cidr0_cidrs[${i}].v4prefix`)
    return `${prefix}/${read.num(o.length, `cidr0_cidrs[${i}].length`)}`
  })

const parseNetwork = (body: Record<string, unknown>) => {
  const start = read.str(body.startAddress, 'startAddress')
  const end = read.str(body.endAddress, 'endAddress')
  const cidrs = cidrsOf(body.cidr0_cidrs)
  const network = cidrs.length > 0 ? joined(cidrs) : `${start} - ${end}`
  const name = read.optStr(body.name, 'name')
  const country = read.optStr(body.country, 'country')
  const holder = named(withRole(entitiesOf(body.entities, 'entities'), 'registrant'))
  const events = eventsOf(body.events)
  const who = [holder, country].filter(Boolean).join(', ')
  return answer(
    'info',
    `${name ?? 'Network'} ${network}${who ? ` (${who})` : ''}`,
    [
      fact('network', 'Network', network),
      fact('networkName', 'Network name', name),
      fact('registrantOrg', 'Holder', holder),
      fact('country', 'Country', country),
      fact('handle', 'Handle', read.optStr(body.handle, 'handle')),
      fact('createdAt', 'Registered', events.get('registration') ?? null),
    ],
    {
      keys: (cidrs.length > 0 ? cidrs : [network]).map((value) => ({ kind: 'network', value })),
    },
  )
}

export const createRdapProvider = (deps: { now: () => number }): HttpProvider => ({
  kind: 'http',
  id: 'rdap',
  label: 'RDAP (registries)',
  accepts: ['domain', 'ip', 'ipv6', 'cidr'],
  // The registry's own record: authoritative for what it states (registrant fields are often redacted).
  reliability: 'A',
  defaults: {
    enabled: false,
    // Amber: the question goes to the registry or the regional internet registry, a neutral party that
    // learns only that a name or address was asked about (never to the indicator's own infrastructure, as
    // DNS does); the bootstrap's server is asked, registrar links in the answer are not followed.
    maxTlp: 'amber',
    // Registries publish no common quota and throttle bursts (429); a slow steady pace stays under all.
    rateLimit: { perMinute: 10, perDay: 1000 },
    // The domain age is counted when the answer arrives: a day keeps it exact enough for the 30-day term.
    cacheTtlHours: 24,
  },
  docsUrl: 'https://www.rfc-editor.org/rfc/rfc9224',
  needsKey: false,
  baseUrl: 'https://data.iana.org/rdap/',
  notFoundStatuses: [404],
  notApplicable: nonPublicReason,
  lookupKey: typeValueKey,
  request: (s, env) => {
    const base = env.rdapBase?.(s) ?? null
    if (base === null) throw new ProviderError('unavailable', rdapNoServerReason(s))
    const url = `${base.endsWith('/') ? base : `${base}/`}${pathOf(s)}`
    return {
      url,
      method: 'GET',
      headers: { Accept: 'application/rdap+json, application/json' },
      redactedUrl: url,
    }
  },
  parse: (reply: HttpReply, s: LookupSubject) => {
    if (reply.status === 404) {
      return answer(
        'info',
        s.type === 'domain'
          ? 'Not registered (the registry has no record)'
          : 'No record in the registry',
        [],
      )
    }
    const body = read.object(reply.json, 'body')
    const cls = read.str(body.objectClassName, 'objectClassName')
    const want = s.type === 'domain' ? 'domain' : 'ip network'
    if (cls !== want) read.mismatch('objectClassName', `'${want}'`, cls)
    return cls === 'domain' ? parseDomain(body, deps.now()) : parseNetwork(body)
  },
})
