import { Invalid, parseIPv4, parseIPv6 } from '#shared/domain'

/**
 * Which special-purpose range an IP address falls in, or undefined for an ordinary public address. A fetch
 * made on behalf of an API caller must not reach the machine itself or the networks behind it (loopback,
 * private, link-local: cloud metadata at 169.254.169.254 ...), nor addresses no feed server can have.
 * IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64, 6to4, Teredo) are judged by that address.
 */
export type AddressRange =
  | 'loopback'
  | 'private'
  | 'shared (CGNAT)'
  | 'link-local'
  | 'multicast'
  | 'unspecified'
  | 'unique-local'
  | 'reserved'

type V4Range = readonly [base: number, bits: number, range: AddressRange]

/** A dotted quad of the table below as a number (the shared domain's parser: one IPv4 reading). */
const v4 = (dotted: string): number => {
  const n = parseIPv4(dotted)
  if (n instanceof Invalid) throw new Error(`${dotted}: ${n.why}`)
  return n
}

// RFC 6890 and the IANA special-purpose registry: everything that is not globally reachable unicast.
const V4_RANGES: readonly V4Range[] = [
  [v4('0.0.0.0'), 8, 'unspecified'],
  [v4('10.0.0.0'), 8, 'private'],
  [v4('100.64.0.0'), 10, 'shared (CGNAT)'],
  [v4('127.0.0.0'), 8, 'loopback'],
  [v4('169.254.0.0'), 16, 'link-local'],
  [v4('172.16.0.0'), 12, 'private'],
  [v4('192.0.0.0'), 24, 'reserved'],
  [v4('192.0.2.0'), 24, 'reserved'],
  [v4('192.88.99.0'), 24, 'reserved'],
  [v4('192.168.0.0'), 16, 'private'],
  [v4('198.18.0.0'), 15, 'reserved'],
  [v4('198.51.100.0'), 24, 'reserved'],
  [v4('203.0.113.0'), 24, 'reserved'],
  [v4('224.0.0.0'), 4, 'multicast'],
  [v4('240.0.0.0'), 4, 'reserved'],
]

const inV4Range = (n: number, [base, bits]: V4Range): boolean => {
  const size = 2 ** (32 - bits)
  return n >= base && n < base + size
}

const rangeOfV4 = (n: number): AddressRange | undefined =>
  V4_RANGES.find((r) => inV4Range(n, r))?.[2]

/** An IPv6 address as its eight 16-bit groups (zone id dropped, embedded dotted quad folded in). */
export const ipv6Groups = (address: string): number[] | undefined => {
  const groups = parseIPv6(address.replace(/%.*$/, ''))
  return groups instanceof Invalid ? undefined : groups
}

const v4Of = (hi: number, lo: number): number => hi * 65536 + lo

const rangeOfV6 = (g: number[]): AddressRange | undefined => {
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0)
  if (zeroUpTo(8)) return 'unspecified'
  if (zeroUpTo(7) && g[7] === 1) return 'loopback'
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (the deprecated compatible form): the IPv4 address is the target.
  if (zeroUpTo(5) && g[5] === 0xffff) return rangeOfV4(v4Of(g[6], g[7]))
  if (zeroUpTo(6)) return rangeOfV4(v4Of(g[6], g[7]))
  // ::ffff:0:a.b.c.d (SIIT translated form).
  if (zeroUpTo(4) && g[4] === 0xffff && g[5] === 0) return rangeOfV4(v4Of(g[6], g[7]))
  // NAT64 well-known prefix 64:ff9b::/96 carries the IPv4 target; 64:ff9b:1::/48 is for local use only.
  if (g[0] === 0x64 && g[1] === 0xff9b) {
    if (g.slice(2, 6).every((x) => x === 0)) return rangeOfV4(v4Of(g[6], g[7]))
    if (g[2] === 1) return 'reserved'
  }
  // 6to4 2002:AABB:CCDD::/48 reaches the IPv4 address AA.BB.CC.DD.
  if (g[0] === 0x2002) return rangeOfV4(v4Of(g[1], g[2]))
  // Teredo 2001:0::/32 carries the client's IPv4 address, inverted, in the last 32 bits.
  if (g[0] === 0x2001 && g[1] === 0) return rangeOfV4(v4Of(g[6] ^ 0xffff, g[7] ^ 0xffff))
  if (g[0] === 0x2001 && g[1] === 0xdb8) return 'reserved'
  if (g[0] === 0x100 && zeroUpTo(4)) return 'reserved'
  if ((g[0] & 0xfe00) === 0xfc00) return 'unique-local'
  if ((g[0] & 0xffc0) === 0xfe80) return 'link-local'
  // fec0::/10, the deprecated site-local range: still private wherever it is used.
  if ((g[0] & 0xffc0) === 0xfec0) return 'private'
  if ((g[0] & 0xff00) === 0xff00) return 'multicast'
  return undefined
}

/** The special range of an IP literal (IPv6 with or without brackets); undefined when public or not an IP. */
export const specialRangeOf = (address: string): AddressRange | undefined => {
  const bare = address.replace(/^\[(.*)\]$/, '$1')
  const n = parseIPv4(bare)
  if (!(n instanceof Invalid)) return rangeOfV4(n)
  const groups = ipv6Groups(bare)
  return groups ? rangeOfV6(groups) : undefined
}
