import { IOC_TYPES, type IocType } from '#shared/domain'

/**
 * MISP attribute types (what `matching_attributes` names) and the ThreatEye indicator types they describe.
 * MISP stores single addresses and networks alike as ip-src / ip-dst, so those apply to ip, ipv6 and cidr.
 * Types with no ThreatEye counterpart (sha224, AS, xmr ...) are kept on the list but select nothing.
 */
const MISP_TO_IOC: Readonly<Record<string, readonly IocType[]>> = {
  'ip-src': ['ip', 'ipv6', 'cidr'],
  'ip-dst': ['ip', 'ipv6', 'cidr'],
  'ip-src|port': ['ip', 'ipv6'],
  'ip-dst|port': ['ip', 'ipv6'],
  'domain|ip': ['domain', 'ip', 'ipv6'],
  domain: ['domain'],
  hostname: ['domain'],
  'hostname|port': ['domain'],
  url: ['url'],
  uri: ['url'],
  link: ['url'],
  email: ['email'],
  'email-src': ['email'],
  'email-dst': ['email'],
  'email-reply-to': ['email'],
  'target-email': ['email'],
  'whois-registrant-email': ['email'],
  'dns-soa-email': ['email'],
  md5: ['md5'],
  'filename|md5': ['md5'],
  sha1: ['sha1'],
  'filename|sha1': ['sha1'],
  sha256: ['sha256'],
  'filename|sha256': ['sha256'],
  sha512: ['sha512'],
  'filename|sha512': ['sha512'],
  vulnerability: ['cve'],
  regkey: ['registry-key'],
  'regkey|value': ['registry-key'],
  mutex: ['mutex'],
  filename: ['file-name'],
  btc: ['bitcoin-address', 'ethereum-address'],
  text: ['custom'],
  other: ['custom'],
}

/** The indicator types a list applies to: every type when MISP's `matching_attributes` is absent or empty. */
export const iocTypesForMispAttributes = (attributes: readonly string[] | null): IocType[] => {
  if (attributes === null || attributes.length === 0) return [...IOC_TYPES]
  const out = new Set<IocType>()
  for (const a of attributes) for (const t of MISP_TO_IOC[a.toLowerCase()] ?? []) out.add(t)
  return IOC_TYPES.filter((t) => out.has(t))
}
