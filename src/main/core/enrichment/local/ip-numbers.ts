import { Invalid, formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from '#shared/domain'

/**
 * Addresses as numbers, for the ASN table's binary search and for naming a row's network. IPv4 is one
 * unsigned 32-bit number; IPv6 is four (most significant first), so both fit typed arrays without BigInt
 * on the hot path.
 */

export type V6Words = readonly [number, number, number, number]

export const ipv4Number = (s: string): number | null => {
  const n = parseIPv4(s)
  return n instanceof Invalid ? null : n >>> 0
}

export const ipv6Words = (s: string): V6Words | null => {
  const g = parseIPv6(s)
  if (g instanceof Invalid) return null
  const w = (i: number) => ((g[i] ?? 0) * 65536 + (g[i + 1] ?? 0)) >>> 0
  return [w(0), w(2), w(4), w(6)]
}

/** The IPv4 address an IPv6 address carries as ::ffff:a.b.c.d (mapped), which the IPv4 data answers. */
export const mappedIpv4 = (w: V6Words): number | null =>
  w[0] === 0 && w[1] === 0 && w[2] === 0xffff ? w[3] : null

const wordsToBig = (w: V6Words): bigint =>
  (BigInt(w[0]) << 96n) | (BigInt(w[1]) << 64n) | (BigInt(w[2]) << 32n) | BigInt(w[3])

const bigToText = (n: bigint): string => {
  const g: number[] = []
  for (let i = 7; i >= 0; i--) g.push(Number((n >> BigInt(i * 16)) & 0xffffn))
  return formatIPv6(g)
}

/**
 * The smallest list of CIDR blocks that covers [start, end] exactly (the classic range split: at each step
 * the largest aligned block that starts at `start` and does not pass `end`).
 */
const cidrCover = (
  start: bigint,
  end: bigint,
  bits: number,
): { base: bigint; prefix: number }[] => {
  const out: { base: bigint; prefix: number }[] = []
  let s = start
  while (s <= end) {
    let size = 0
    // Grow the block while it stays aligned on s and inside the range.
    while (size < bits) {
      const next = 1n << BigInt(size + 1)
      if ((s & (next - 1n)) !== 0n || s + next - 1n > end) break
      size++
    }
    out.push({ base: s, prefix: bits - size })
    s += 1n << BigInt(size)
  }
  return out
}

/**
 * A range as the asn fact `network` shows it: its CIDR when one block covers it exactly (nearly always:
 * routing tables announce prefixes), otherwise "first - last".
 */
export const networkOfV4 = (start: number, end: number): string => {
  const cover = cidrCover(BigInt(start), BigInt(end), 32)
  const one = cover[0]
  if (cover.length === 1 && one !== undefined) {
    return `${formatIPv4(Number(one.base))}/${one.prefix}`
  }
  return `${formatIPv4(start)} - ${formatIPv4(end)}`
}

export const networkOfV6 = (start: V6Words, end: V6Words): string => {
  const s = wordsToBig(start)
  const e = wordsToBig(end)
  const cover = cidrCover(s, e, 128)
  const one = cover[0]
  if (cover.length === 1 && one !== undefined) return `${bigToText(one.base)}/${one.prefix}`
  return `${bigToText(s)} - ${bigToText(e)}`
}

/** The network of an address and a prefix length (what an MMDB answers with). */
export const cidrOf = (address: string, prefix: number): string => {
  const v4 = ipv4Number(address)
  if (v4 !== null) {
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0
    return `${formatIPv4((v4 & mask) >>> 0)}/${prefix}`
  }
  const w = ipv6Words(address)
  if (w === null) return address
  const mask = prefix === 0 ? 0n : ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - prefix)) - 1n)
  return `${bigToText(wordsToBig(w) & mask)}/${prefix}`
}
