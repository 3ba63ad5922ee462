import { EXTRACT_KINDS, type ExtractKind, type IocType } from '#shared/domain/enums'

export { EXTRACT_KINDS, type ExtractKind }

/** The IocType an extracted kind is stored as, or null for a kind that is not an indicator (a tactic). */
export const IOC_TYPE_OF_KIND: Record<ExtractKind, IocType | null> = {
  ip: 'ip',
  ipv6: 'ipv6',
  cidr: 'cidr',
  domain: 'domain',
  url: 'url',
  email: 'email',
  md5: 'md5',
  sha1: 'sha1',
  sha256: 'sha256',
  sha512: 'sha512',
  cve: 'cve',
  'attack-technique': 'attack-technique',
  'registry-key': 'registry-key',
  'attack-tactic': null,
  'bitcoin-address': 'bitcoin-address',
  'ethereum-address': 'ethereum-address',
  'file-name': 'file-name',
}

/**
 * One distinct indicator. Items are deduplicated by (kind, value): `line`, `column` and `raw` are those of
 * the first occurrence and `count` says how many times it occurred.
 */
export type ExtractedItem = {
  kind: ExtractKind
  /** Canonical value (the spelling the indicator store uses; domains and URL hosts in Punycode). */
  value: string
  iocType: IocType | null
  /** 1-based line of the first occurrence (`\n`, `\r\n` and `\r` end lines). */
  line: number
  /** 1-based column of the first occurrence, in UTF-16 code units of the original line. */
  column: number
  /** The text as written there, defanged spelling included (`hxxp://evil[.]com`). */
  raw: string
  count: number
}

export type ExtractOptions = {
  /** Keep only these kinds. */
  kinds?: readonly ExtractKind[]
  /** Also report a URL's host as a domain, ip or ipv6 item (default true). */
  urlHosts?: boolean
  /** Stop after this many distinct items (default 100,000); `truncated` says so. */
  maxItems?: number
}

export type ExtractResult = {
  items: ExtractedItem[]
  /** True when `maxItems` distinct items were reached and the rest of the text was not read. */
  truncated: boolean
}
