import { type IocType, IOC_TYPES, Invalid, parseIPv4, parseIPv6 } from '#shared/domain'
import { type AhoCorasick, type SubstringMark, createAhoCorasick } from './aho-corasick'
import { type CidrMark, type CidrTrie, createCidrTrie, ipv4Bits, ipv6Bits } from './cidr-trie'
import { REGEX_MAX_INPUT, compileSafeRegex } from './regex-safety'
import type { Warninglist } from './warninglist-format'

/** One list that hit an indicator, and the entry that decided it (the network, host, string or pattern). */
export type WarninglistHit = { list: Warninglist; entry: string }

export type WarninglistMatcher = {
  /**
   * Lists that hit an indicator given as its type and canonical value (what `canonicalize` returns), at
   * most one hit per list, in the order the lists were given. A value that is not canonical can miss.
   */
  match(type: IocType, value: string): readonly WarninglistHit[]
  readonly lists: readonly Warninglist[]
}

type Mark = { listId: number; entry: string }
type RegexEntry = { listId: number; entry: string; regex: RegExp }
type Plan = {
  any: boolean
  cidr: boolean
  hostname: boolean
  string: boolean
  substring: boolean
  regex: boolean
}

const NO_HITS: readonly WarninglistHit[] = Object.freeze([])

/** `scheme://[userinfo@]host[:port]/…` → host (IPv6 without brackets). */
const urlHost = (url: string): string => {
  const start = url.indexOf('://') + 3
  let end = url.length
  for (let i = start; i < url.length; i++) {
    const c = url.charCodeAt(i)
    if (c === 47 || c === 63 || c === 35) {
      end = i
      break
    }
  }
  const at = url.lastIndexOf('@', end - 1)
  const from = at >= start ? at + 1 : start
  if (url.charCodeAt(from) === 91) {
    const close = url.indexOf(']', from)
    return close < 0 ? '' : url.slice(from + 1, close)
  }
  const colon = url.indexOf(':', from)
  return url.slice(from, colon >= 0 && colon < end ? colon : end)
}

const isIPv4Mapped = (g: readonly number[]): boolean =>
  g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff

type Indexes = {
  v4: CidrTrie
  v6: CidrTrie
  hosts: Map<string, Mark[]>
  strings: Map<string, Mark[]>
  substrings: SubstringMark[]
  regexes: RegexEntry[]
}

const addTo = (map: Map<string, Mark[]>, key: string, mark: Mark): void => {
  const here = map.get(key)
  if (here === undefined) map.set(key, [mark])
  else if (!here.some((m) => m.listId === mark.listId)) here.push(mark)
}

const indexCidr = (ix: Indexes, listId: number, entry: string): void => {
  const slash = entry.lastIndexOf('/')
  const prefix = Number(entry.slice(slash + 1))
  const addr = entry.slice(0, slash)
  if (addr.includes(':')) {
    const g = parseIPv6(addr)
    if (!(g instanceof Invalid)) ix.v6.insert(ipv6Bits(g), prefix, { listId, entry })
    return
  }
  const n = parseIPv4(addr)
  if (!(n instanceof Invalid)) ix.v4.insert(ipv4Bits(n), prefix, { listId, entry })
}

const buildIndexes = (lists: readonly Warninglist[]): Indexes => {
  const ix: Indexes = {
    v4: createCidrTrie(),
    v6: createCidrTrie(),
    hosts: new Map(),
    strings: new Map(),
    substrings: [],
    regexes: [],
  }
  lists.forEach((list, listId) => {
    for (const entry of list.entries) {
      switch (list.type) {
        case 'cidr':
          indexCidr(ix, listId, entry)
          break
        case 'hostname':
          addTo(ix.hosts, entry, { listId, entry })
          break
        case 'string':
          addTo(ix.strings, entry, { listId, entry })
          break
        case 'substring':
          ix.substrings.push({ listId, entry })
          break
        case 'regex': {
          const v = compileSafeRegex(entry)
          if (v.ok) ix.regexes.push({ listId, entry, regex: v.regex })
          break
        }
      }
    }
  })
  return ix
}

/**
 * Build every index once: a prefix trie per address family for cidr lists, a hash map of hosts walked
 * label by label for hostname lists, a hash map for exact strings, one Aho-Corasick automaton for all
 * substring lists, and the regexes (each already proven safe, see regex-safety.ts). Lists are expected to
 * have come through parseWarninglist, which normalised their entries.
 */
export const createWarninglistMatcher = (lists: readonly Warninglist[]): WarninglistMatcher => {
  const ix = buildIndexes(lists)
  const automaton: AhoCorasick | null =
    ix.substrings.length > 0 ? createAhoCorasick(ix.substrings) : null
  // applies[listId][type]: whether the list fires for that indicator type; plans[type]: which indexes to
  // consult at all, so a hash never touches the hostname map and a domain never runs the regexes.
  const applies = lists.map((l) => new Set(l.appliesTo))
  const plans = new Map<IocType, Plan>(
    IOC_TYPES.map((t) => {
      const kinds = new Set(lists.filter((l) => l.appliesTo.includes(t)).map((l) => l.type))
      const plan: Plan = {
        any: kinds.size > 0,
        cidr: kinds.has('cidr'),
        hostname: kinds.has('hostname'),
        string: kinds.has('string'),
        substring: kinds.has('substring') && automaton !== null,
        regex: kinds.has('regex'),
      }
      return [t, plan]
    }),
  )
  const seen = new Uint8Array(lists.length)
  // The state of the match in progress, shared with one `hit` function instead of a closure per call.
  let type: IocType = 'ip'
  let hits: WarninglistHit[] | null = null
  const hit = (m: Mark): void => {
    if (seen[m.listId] === 1 || applies[m.listId]?.has(type) !== true) return
    const list = lists[m.listId]
    if (list === undefined) return
    seen[m.listId] = 1
    ;(hits ??= []).push({ list, entry: m.entry })
  }

  // A call, not a read of `hits`: control flow cannot see that `hit` assigned it.
  const takeHits = (): WarninglistHit[] | null => hits

  const match = (indicatorType: IocType, value: string): readonly WarninglistHit[] => {
    const plan = plans.get(indicatorType)
    if (plan === undefined || !plan.any) return NO_HITS
    type = indicatorType
    hits = null
    if (plan.cidr) matchCidr(ix, type, value, hit)
    if (plan.hostname) matchHostname(ix, type, value, hit)
    const lower = plan.string || plan.substring ? value.toLowerCase() : value
    if (plan.string) {
      const marks = ix.strings.get(lower)
      if (marks !== undefined) for (const m of marks) hit(m)
    }
    if (plan.substring) automaton?.scan(lower, hit)
    if (plan.regex && value.length <= REGEX_MAX_INPUT) {
      for (const r of ix.regexes) {
        if (seen[r.listId] === 1 || applies[r.listId]?.has(type) !== true) continue
        if (r.regex.test(value)) hit(r)
      }
    }
    const found = takeHits()
    if (found === null) return NO_HITS
    hits = null
    for (const h of found) seen[lists.indexOf(h.list)] = 0
    return found.length > 1
      ? found.sort((a, b) => lists.indexOf(a.list) - lists.indexOf(b.list))
      : found
  }
  return { match, lists }
}

const matchAddress = (ix: Indexes, addr: string, hit: (m: CidrMark) => void): void => {
  if (addr.includes(':')) {
    const g = parseIPv6(addr)
    if (g instanceof Invalid) return
    ix.v6.lookup(ipv6Bits(g), 128, hit)
    // ::ffff:a.b.c.d is the IPv4 host a.b.c.d, so IPv4 lists apply to it too.
    if (isIPv4Mapped(g)) ix.v4.lookup(ipv4Bits(((g[6] ?? 0) * 65536 + (g[7] ?? 0)) >>> 0), 32, hit)
    return
  }
  const n = parseIPv4(addr)
  if (!(n instanceof Invalid)) ix.v4.lookup(ipv4Bits(n), 32, hit)
}

const matchCidr = (ix: Indexes, type: IocType, value: string, hit: (m: CidrMark) => void): void => {
  switch (type) {
    case 'ip':
    case 'ipv6':
      matchAddress(ix, value, hit)
      return
    case 'cidr': {
      // A network hits a listed network that contains all of it: walk only its own prefix bits.
      const slash = value.lastIndexOf('/')
      const prefix = Number(value.slice(slash + 1))
      const addr = value.slice(0, slash)
      if (addr.includes(':')) {
        const g = parseIPv6(addr)
        if (!(g instanceof Invalid)) ix.v6.lookup(ipv6Bits(g), prefix, hit)
      } else {
        const n = parseIPv4(addr)
        if (!(n instanceof Invalid)) ix.v4.lookup(ipv4Bits(n), prefix, hit)
      }
      return
    }
    case 'url':
      matchAddress(ix, urlHost(value), hit)
      return
    default:
      return
  }
}

/** The host itself, then each parent domain: `a.b.example.com`, `b.example.com`, `example.com`, `com`. */
const matchHost = (ix: Indexes, host: string, hit: (m: Mark) => void): void => {
  if (host === '') return
  for (let from = 0; from >= 0;) {
    const marks = ix.hosts.get(from === 0 ? host : host.slice(from))
    if (marks !== undefined) for (const m of marks) hit(m)
    const dot = host.indexOf('.', from)
    from = dot < 0 ? -1 : dot + 1
  }
}

const matchHostname = (ix: Indexes, type: IocType, value: string, hit: (m: Mark) => void): void => {
  switch (type) {
    case 'domain':
      matchHost(ix, value, hit)
      return
    case 'url': {
      const host = urlHost(value)
      if (!host.includes(':')) matchHost(ix, host, hit)
      return
    }
    case 'email':
      matchHost(ix, value.slice(value.lastIndexOf('@') + 1), hit)
      return
    default:
      return
  }
}
