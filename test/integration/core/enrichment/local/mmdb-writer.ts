/**
 * A minimal MaxMind DB writer for tests: IPv4 trees with 24-bit records, a few networks, records of maps,
 * strings, unsigned integers and doubles (enough for a GeoLite2-ASN-shaped file; no ASN MMDB ships on npm). Follows
 * the MaxMind DB File Format Specification 2.0: search tree, 16 zero bytes, data section, metadata marker
 * and metadata map.
 */

type Value = string | number | { [key: string]: Value } | Value[]

/** The control byte (type, size), the extended type byte after it, then a size byte for sizes 29-284. */
const control = (type: number, size: number): Buffer => {
  if (size > 284) throw new Error('the test writer only encodes values up to 284 bytes')
  const small = size < 29 ? size : 29
  const head = type <= 7 ? [(type << 5) | small] : [small, type - 7]
  return Buffer.from(size < 29 ? head : [...head, size - 29])
}

const uint = (type: number, n: number | bigint): Buffer => {
  const bytes: number[] = []
  let v = BigInt(n)
  while (v > 0n) {
    bytes.unshift(Number(v & 0xffn))
    v >>= 8n
  }
  return Buffer.concat([control(type, bytes.length), Buffer.from(bytes)])
}

const encode = (v: Value): Buffer => {
  if (typeof v === 'string') {
    const b = Buffer.from(v, 'utf8')
    return Buffer.concat([control(2, b.length), b])
  }
  if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= 0) return uint(6, v)
    const b = Buffer.alloc(8)
    b.writeDoubleBE(v)
    return Buffer.concat([control(3, 8), b])
  }
  if (Array.isArray(v)) return Buffer.concat([control(11, v.length), ...v.map(encode)])
  const entries = Object.entries(v)
  return Buffer.concat([
    control(7, entries.length),
    ...entries.flatMap(([k, x]) => [encode(k), encode(x)]),
  ])
}

const ipv4 = (s: string): number => s.split('.').reduce((n, o) => n * 256 + Number(o), 0)

/** An IPv4 MMDB holding `networks` ("a.b.c.d/len" -> record), with the given database type. */
export const writeMmdb = (
  databaseType: string,
  networks: Record<string, Record<string, Value>>,
  buildEpoch = 1_700_000_000,
): Buffer => {
  // The tree as nested pairs first; leaves are indexes into `records`.
  type Node = [Node | number | null, Node | number | null]
  const root: Node = [null, null]
  const records = Object.values(networks)
  Object.keys(networks).forEach((cidr, index) => {
    const [addr = '', len = '32'] = cidr.split('/')
    const bits = ipv4(addr)
    const prefix = Number(len)
    let node = root
    for (let depth = 0; depth < prefix; depth++) {
      const bit = Math.floor(bits / 2 ** (31 - depth)) % 2
      if (depth === prefix - 1) {
        node[bit] = index
        break
      }
      const next = node[bit]
      if (next === null || typeof next === 'number') {
        const created: Node = [null, null]
        node[bit] = created
        node = created
      } else node = next
    }
  })
  const nodes: Node[] = []
  const number = new Map<Node, number>()
  const walk = (n: Node) => {
    number.set(n, nodes.length)
    nodes.push(n)
    for (const child of n) if (child !== null && typeof child !== 'number') walk(child)
  }
  walk(root)
  const data: Buffer[] = []
  const offsets: number[] = []
  let size = 0
  for (const r of records) {
    offsets.push(size)
    const b = encode(r)
    data.push(b)
    size += b.length
  }
  const nodeCount = nodes.length
  const recordOf = (c: Node | number | null): number => {
    if (c === null) return nodeCount
    if (typeof c === 'number') return nodeCount + 16 + (offsets[c] ?? 0)
    return number.get(c) ?? nodeCount
  }
  const tree = Buffer.alloc(nodeCount * 6)
  nodes.forEach((n, i) => {
    tree.writeUIntBE(recordOf(n[0]), i * 6, 3)
    tree.writeUIntBE(recordOf(n[1]), i * 6 + 3, 3)
  })
  const metadata = Buffer.concat([
    control(7, 9),
    encode('node_count'),
    uint(6, nodeCount),
    encode('record_size'),
    uint(5, 24),
    encode('ip_version'),
    uint(5, 4),
    encode('database_type'),
    encode(databaseType),
    encode('languages'),
    encode(['en']),
    encode('binary_format_major_version'),
    uint(5, 2),
    encode('binary_format_minor_version'),
    uint(5, 0),
    encode('build_epoch'),
    uint(9, buildEpoch),
    encode('description'),
    encode({ en: 'test' }),
  ])
  return Buffer.concat([
    tree,
    Buffer.alloc(16),
    ...data,
    Buffer.from('abcdef4d61784d696e642e636f6d', 'hex'),
    metadata,
  ])
}
