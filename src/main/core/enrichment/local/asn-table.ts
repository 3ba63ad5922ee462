import { ipv6Words, networkOfV4, networkOfV6, type V6Words } from './ip-numbers'

/**
 * The ASN data of @ip-location-db/asn (CSV, one announced range per row) as compact sorted typed arrays:
 * a start, an end, an ASN and an index into the deduplicated organisation names per row, found by binary
 * search. Several hundred thousand rows stay a few megabytes, where objects per row would cost tens.
 */

export type AsnHit = { asn: number; org: string; network: string; row: number }

export type CsvIssue = { line: number; message: string }

/** Organisation names are free text from the registries: bounded, like any data that reaches a panel. */
const MAX_ORG = 200
/** Problems listed per file (the count says how many more). */
const MAX_ISSUES = 20

/** One CSV line split into its four fields: start, end, asn, org (the org may be quoted and hold commas). */
const splitRow = (line: string): [string, string, string, string] | null => {
  const a = line.indexOf(',')
  const b = a < 0 ? -1 : line.indexOf(',', a + 1)
  const c = b < 0 ? -1 : line.indexOf(',', b + 1)
  if (c < 0) return null
  let org = line.slice(c + 1)
  if (org.length >= 2 && org.startsWith('"') && org.endsWith('"')) {
    org = org.slice(1, -1).replaceAll('""', '"')
  }
  return [line.slice(0, a), line.slice(a + 1, b), line.slice(b + 1, c), org.slice(0, MAX_ORG)]
}

const U32_MAX = 0xffffffff

/** Digits only (no sign, space or exponent), at most 2^32 - 1; a loop, as it runs a million times. */
const parseU32 = (s: string): number | null => {
  if (s.length === 0 || s.length > 10) return null
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const d = s.charCodeAt(i) - 48
    if (d < 0 || d > 9) return null
    n = n * 10 + d
  }
  return n <= U32_MAX ? n : null
}

/** Calls `row` for every non-empty line of `text` with its 1-based line number (no array of lines). */
const eachLine = (text: string, row: (line: string, n: number) => void): void => {
  let from = 0
  let n = 0
  while (from < text.length) {
    let to = text.indexOf('\n', from)
    if (to < 0) to = text.length
    n++
    const line = text.charCodeAt(to - 1) === 13 ? text.slice(from, to - 1) : text.slice(from, to)
    if (line !== '') row(line, n)
    from = to + 1
  }
}

const countLines = (text: string): number => {
  let n = 1
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++
  return n
}

/** Collects rows in parse order, then sorts and drops overlaps so the binary search is exact. */
class Builder {
  readonly issues: CsvIssue[] = []
  droppedIssues = 0
  readonly orgs: string[] = []
  private readonly orgIndex = new Map<string, number>()
  /** Bounds: `width` numbers per bound (1 for IPv4, 4 for IPv6). */
  starts: Uint32Array
  ends: Uint32Array
  asns: Uint32Array
  orgOf: Uint32Array
  lines: Uint32Array
  count = 0

  constructor(
    readonly width: number,
    capacity: number,
  ) {
    this.starts = new Uint32Array(capacity * width)
    this.ends = new Uint32Array(capacity * width)
    this.asns = new Uint32Array(capacity)
    this.orgOf = new Uint32Array(capacity)
    this.lines = new Uint32Array(capacity)
  }

  issue(line: number, message: string): void {
    if (this.issues.length < MAX_ISSUES) this.issues.push({ line, message })
    else this.droppedIssues++
  }

  add(start: readonly number[], end: readonly number[], asn: number, org: string, line: number) {
    let idx = this.orgIndex.get(org)
    if (idx === undefined) {
      idx = this.orgs.length
      this.orgs.push(org)
      this.orgIndex.set(org, idx)
    }
    const k = this.count
    for (let i = 0; i < this.width; i++) {
      this.starts[k * this.width + i] = start[i] ?? 0
      this.ends[k * this.width + i] = end[i] ?? 0
    }
    this.asns[k] = asn
    this.orgOf[k] = idx
    this.lines[k] = line
    this.count++
  }

  /** Compares bound `a` of `x` with bound `b` of `y`, word by word. */
  cmp(x: Uint32Array, a: number, y: Uint32Array, b: number): number {
    for (let i = 0; i < this.width; i++) {
      const d = (x[a * this.width + i] ?? 0) - (y[b * this.width + i] ?? 0)
      if (d !== 0) return d
    }
    return 0
  }

  /** Sorted by start, overlapping rows dropped (the first one kept), arrays trimmed to the row count. */
  finish(): void {
    let sorted = true
    for (let k = 1; k < this.count && sorted; k++) {
      if (this.cmp(this.starts, k - 1, this.starts, k) > 0) sorted = false
    }
    const order = Array.from({ length: this.count }, (_, k) => k)
    if (!sorted) order.sort((p, q) => this.cmp(this.starts, p, this.starts, q) || p - q)
    const w = this.width
    const starts = new Uint32Array(this.count * w)
    const ends = new Uint32Array(this.count * w)
    const asns = new Uint32Array(this.count)
    const orgOf = new Uint32Array(this.count)
    const lines = new Uint32Array(this.count)
    let kept = 0
    for (const k of order) {
      if (kept > 0 && this.cmp(this.starts, k, ends, kept - 1) <= 0) {
        this.issue(this.lines[k] ?? 0, `overlaps the range of line ${lines[kept - 1] ?? 0}`)
        continue
      }
      for (let i = 0; i < w; i++) {
        starts[kept * w + i] = this.starts[k * w + i] ?? 0
        ends[kept * w + i] = this.ends[k * w + i] ?? 0
      }
      asns[kept] = this.asns[k] ?? 0
      orgOf[kept] = this.orgOf[k] ?? 0
      lines[kept] = this.lines[k] ?? 0
      kept++
    }
    this.starts = starts.slice(0, kept * w)
    this.ends = ends.slice(0, kept * w)
    this.asns = asns.slice(0, kept)
    this.orgOf = orgOf.slice(0, kept)
    this.lines = lines.slice(0, kept)
    this.count = kept
  }
}

export type AsnTable = {
  family: 4 | 6
  file: string
  rows: number
  orgs: number
  issues: CsvIssue[]
  /** Problems beyond the listed ones. */
  moreIssues: number
  lookupV4(n: number): AsnHit | null
  lookupV6(w: V6Words): AsnHit | null
}

const tableOf = (b: Builder, family: 4 | 6, file: string): AsnTable => {
  b.finish()
  const { starts, ends, asns, orgOf, orgs, count } = b
  // The network text of a row is made once, on its first hit.
  const networks = new Map<number, string>()
  const hit = (k: number, network: () => string): AsnHit => {
    let net = networks.get(k)
    if (net === undefined) {
      net = network()
      networks.set(k, net)
    }
    return { asn: asns[k] ?? 0, org: orgs[orgOf[k] ?? 0] ?? '', network: net, row: k }
  }
  const words = (arr: Uint32Array, k: number): V6Words => [
    arr[k * 4] ?? 0,
    arr[k * 4 + 1] ?? 0,
    arr[k * 4 + 2] ?? 0,
    arr[k * 4 + 3] ?? 0,
  ]
  return {
    family,
    file,
    rows: count,
    orgs: orgs.length,
    issues: b.issues,
    moreIssues: b.droppedIssues,
    lookupV4: (n) => {
      if (family !== 4) return null
      // The last row whose start is <= n.
      let lo = 0
      let hi = count - 1
      let at = -1
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1
        if ((starts[mid] ?? 0) <= n) {
          at = mid
          lo = mid + 1
        } else hi = mid - 1
      }
      if (at < 0 || (ends[at] ?? 0) < n) return null
      return hit(at, () => networkOfV4(starts[at] ?? 0, ends[at] ?? 0))
    },
    lookupV6: (w) => {
      if (family !== 6) return null
      const before = (arr: Uint32Array, k: number) => {
        for (let i = 0; i < 4; i++) {
          const d = (arr[k * 4 + i] ?? 0) - (w[i] ?? 0)
          if (d !== 0) return d < 0
        }
        return true
      }
      let lo = 0
      let hi = count - 1
      let at = -1
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1
        if (before(starts, mid)) {
          at = mid
          lo = mid + 1
        } else hi = mid - 1
      }
      if (at < 0) return null
      // Inside when end >= w, i.e. not strictly before w.
      for (let i = 0; i < 4; i++) {
        const d = (ends[at * 4 + i] ?? 0) - (w[i] ?? 0)
        if (d > 0) break
        if (d < 0) return null
      }
      return hit(at, () => networkOfV6(words(starts, at), words(ends, at)))
    },
  }
}

/** A header line (the file's own or one a user added) is skipped rather than reported. */
const isHeader = (line: string, n: number) => n === 1 && !/^[\d:a-fA-F]/.test(line)

/** "startNum,endNum,asn,org" (asn-ipv4-num.csv): the IPv4 bounds as unsigned 32-bit numbers. */
export const parseAsnV4Csv = (text: string, file: string): AsnTable => {
  const b = new Builder(1, countLines(text))
  eachLine(text, (line, n) => {
    if (isHeader(line, n)) return
    const f = splitRow(line)
    if (f === null) return b.issue(n, 'expected 4 fields: start,end,asn,org')
    const start = parseU32(f[0])
    const end = parseU32(f[1])
    const asn = parseU32(f[2])
    if (start === null) return b.issue(n, `start: '${f[0].slice(0, 40)}' is not an IPv4 number`)
    if (end === null) return b.issue(n, `end: '${f[1].slice(0, 40)}' is not an IPv4 number`)
    if (end < start) return b.issue(n, 'end: comes before start')
    if (asn === null) return b.issue(n, `asn: '${f[2].slice(0, 40)}' is not an AS number`)
    b.add([start], [end], asn, f[3], n)
  })
  return tableOf(b, 4, file)
}

/** "start,end,asn,org" (asn-ipv6.csv): the IPv6 bounds as address text. */
export const parseAsnV6Csv = (text: string, file: string): AsnTable => {
  const b = new Builder(4, countLines(text))
  eachLine(text, (line, n) => {
    if (isHeader(line, n)) return
    const f = splitRow(line)
    if (f === null) return b.issue(n, 'expected 4 fields: start,end,asn,org')
    const start = ipv6Words(f[0])
    const end = ipv6Words(f[1])
    const asn = parseU32(f[2])
    if (start === null) return b.issue(n, `start: '${f[0].slice(0, 60)}' is not an IPv6 address`)
    if (end === null) return b.issue(n, `end: '${f[1].slice(0, 60)}' is not an IPv6 address`)
    if (asn === null) return b.issue(n, `asn: '${f[2].slice(0, 40)}' is not an AS number`)
    for (let i = 0; i < 4; i++) {
      const d = (end[i] ?? 0) - (start[i] ?? 0)
      if (d > 0) break
      if (d < 0) return b.issue(n, 'end: comes before start')
    }
    b.add(start, end, asn, f[3], n)
  })
  return tableOf(b, 6, file)
}
