import { AppError } from '#shared/contract/errors'
import type { IocType } from '#shared/domain/enums'
import { KEYWORDS, OPERATOR_WORDS, type Tok, fail, tokenize } from './stix-pattern-lexer'
import { own } from './parse-support'

/**
 * A small tokenizer + recursive-descent parser for the STIX 2.1 patterning grammar (observation
 * expressions in brackets, AND / OR / FOLLOWEDBY, qualifiers, comparison operators with NOT, string
 * literals with \' and \\ escapes, typed literals t'' h'' b''). It does not evaluate patterns: it finds
 * the `=` comparisons on object paths we map to indicator types, and whether each one alone would make
 * the pattern match.
 */

export type StixPatternObservable = {
  type: IocType
  value: string
  /** As written, normalised: `file:hashes.'SHA-256'`. */
  objectPath: string
  /**
   * True when seeing this value alone satisfies the pattern: every operator above it is OR and its
   * observation has no qualifier. Only these become indicator records; ANDed values (an IP AND a port)
   * would overstate what the source said.
   */
  sufficient: boolean
}

export type StixPatternInfo = {
  observables: StixPatternObservable[]
  /** Number of comparisons of any kind in the pattern. */
  comparisons: number
  /** Only ORed `=` comparisons on mapped paths, no qualifiers: the pattern is fully captured by records. */
  simple: boolean
}

/** Hostile input bounds: patterns in real feeds are a few hundred characters. */
export const MAX_PATTERN_LENGTH = 64 * 1024
const MAX_NESTING = 64

type Leaf = {
  objectPath: string
  type: IocType | undefined
  op: string
  negated: boolean
  value: unknown
}

type Node =
  | { k: 'leaf'; leaf: Leaf }
  | { k: 'and' | 'or' | 'followedby'; items: Node[] }
  | { k: 'qualified'; item: Node }

class Parser {
  private pos = 0
  private depth = 0
  constructor(private readonly toks: Tok[]) {}

  private peek(): Tok {
    return this.toks[this.pos]
  }

  private next(): Tok {
    return this.toks[this.pos++]
  }

  private isWord(v: string): boolean {
    const t = this.peek()
    return t.k === 'word' && t.v.toUpperCase() === v
  }

  private isPunct(v: string): boolean {
    const t = this.peek()
    return t.k === 'punct' && t.v === v
  }

  private expectPunct(v: string): void {
    const t = this.next()
    if (t.k !== 'punct' || t.v !== v) throw fail(t.at, `expected '${v}'`)
  }

  private enter(at: number): void {
    if (++this.depth > MAX_NESTING) throw fail(at, `nesting deeper than ${MAX_NESTING}`)
  }

  parsePattern(): Node {
    const node = this.observations()
    const t = this.peek()
    if (t.k !== 'end') throw fail(t.at, 'unexpected text after the pattern')
    return node
  }

  // observationExpressions: FOLLOWEDBY < OR < AND in binding strength, as in the grammar.
  private observations(): Node {
    return this.binary('followedby', 'FOLLOWEDBY', () => this.observationOr())
  }

  private observationOr(): Node {
    return this.binary('or', 'OR', () => this.observationAnd())
  }

  private observationAnd(): Node {
    return this.binary('and', 'AND', () => this.observation())
  }

  private binary(kind: 'and' | 'or' | 'followedby', word: string, operand: () => Node): Node {
    const first = operand()
    if (!this.isWord(word)) return first
    const items = [first]
    while (this.isWord(word)) {
      this.next()
      items.push(operand())
    }
    return { k: kind, items }
  }

  private observation(): Node {
    const t = this.peek()
    this.enter(t.at)
    let node: Node
    if (this.isPunct('[')) {
      this.next()
      node = this.comparisonOr()
      this.expectPunct(']')
    } else if (this.isPunct('(')) {
      this.next()
      node = this.observations()
      this.expectPunct(')')
    } else {
      throw fail(t.at, `expected '[' or '('`)
    }
    let qualified = false
    while (this.qualifier()) qualified = true
    this.depth--
    return qualified ? { k: 'qualified', item: node } : node
  }

  private qualifier(): boolean {
    if (this.isWord('WITHIN')) {
      this.next()
      this.number()
      if (!this.isWord('SECONDS')) throw fail(this.peek().at, 'expected SECONDS')
      this.next()
      return true
    }
    if (this.isWord('REPEATS')) {
      this.next()
      this.number()
      if (!this.isWord('TIMES')) throw fail(this.peek().at, 'expected TIMES')
      this.next()
      return true
    }
    if (this.isWord('START')) {
      this.next()
      this.timestamp()
      if (!this.isWord('STOP')) throw fail(this.peek().at, 'expected STOP')
      this.next()
      this.timestamp()
      return true
    }
    return false
  }

  private number(): void {
    const t = this.next()
    if (t.k !== 'num') throw fail(t.at, 'expected a number')
  }

  private timestamp(): void {
    const t = this.next()
    if (t.k !== 'str' || t.prefix !== 't') throw fail(t.at, "expected a timestamp literal t'…'")
  }

  private comparisonOr(): Node {
    return this.binary('or', 'OR', () => this.comparisonAnd())
  }

  private comparisonAnd(): Node {
    return this.binary('and', 'AND', () => this.propTest())
  }

  private propTest(): Node {
    const t = this.peek()
    this.enter(t.at)
    try {
      if (this.isPunct('(')) {
        this.next()
        const inner = this.comparisonOr()
        this.expectPunct(')')
        return inner
      }
      let negated = false
      if (this.isWord('NOT')) {
        this.next()
        negated = true
      }
      if (this.isWord('EXISTS')) {
        this.next()
        const path = this.objectPath()
        return { k: 'leaf', leaf: { ...path, op: 'EXISTS', negated, value: undefined } }
      }
      if (negated) throw fail(this.peek().at, 'NOT must come before EXISTS or an operator')
      const path = this.objectPath()
      if (this.isWord('NOT')) {
        this.next()
        negated = true
      }
      const op = this.operator()
      const value = op === 'IN' ? this.set() : this.literal()
      return { k: 'leaf', leaf: { ...path, op, negated, value } }
    } finally {
      this.depth--
    }
  }

  private operator(): string {
    const t = this.next()
    if (t.k === 'punct' && ['=', '!=', '<', '<=', '>', '>='].includes(t.v)) return t.v
    if (t.k === 'word' && OPERATOR_WORDS.has(t.v.toUpperCase())) return t.v.toUpperCase()
    throw fail(t.at, 'expected a comparison operator')
  }

  private literal(): unknown {
    const t = this.next()
    if (t.k === 'str') return t.prefix === '' ? t.v : { [t.prefix]: t.v }
    if (t.k === 'num') return Number(t.v)
    if (t.k === 'word' && (t.v === 'true' || t.v === 'false')) return t.v === 'true'
    throw fail(t.at, 'expected a literal value')
  }

  private set(): unknown[] {
    this.expectPunct('(')
    const out = [this.literal()]
    while (this.isPunct(',')) {
      this.next()
      out.push(this.literal())
    }
    this.expectPunct(')')
    return out
  }

  private objectPath(): { objectPath: string; type: IocType | undefined } {
    const t = this.next()
    if (t.k !== 'word' || KEYWORDS.has(t.v)) {
      throw fail(t.at, 'expected an object path like ipv4-addr:value')
    }
    this.expectPunct(':')
    const parts: string[] = [this.pathComponent()]
    let written = `${t.v}:${displayPart(parts[0])}`
    for (;;) {
      if (this.isPunct('.')) {
        this.next()
        const p = this.pathComponent()
        parts.push(p)
        written += `.${displayPart(p)}`
        continue
      }
      if (this.isPunct('[')) {
        // A list index: [0] or [*]. Tell it apart from the ']' that closes the observation.
        const idx = this.toks[this.pos + 1]
        if (idx === undefined || !(idx.k === 'num' || (idx.k === 'punct' && idx.v === '*'))) break
        this.next()
        this.next()
        this.expectPunct(']')
        written += `[${idx.k === 'num' ? idx.v : '*'}]`
        parts.push('[]')
        continue
      }
      break
    }
    return { objectPath: written, type: mapPath(t.v.toLowerCase(), parts) }
  }

  private pathComponent(): string {
    const t = this.next()
    if (t.k === 'word') return t.v
    if (t.k === 'str' && t.prefix === '') return t.v
    throw fail(t.at, 'expected a property name')
  }
}

const displayPart = (p: string): string => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(p) ? p : `'${p}'`)

const HASH_TYPES: Readonly<Record<string, IocType>> = {
  MD5: 'md5',
  SHA1: 'sha1',
  SHA256: 'sha256',
  SHA512: 'sha512',
}

const VALUE_TYPES: Readonly<Record<string, IocType>> = {
  'ipv4-addr': 'ip',
  'ipv6-addr': 'ipv6',
  'domain-name': 'domain',
  url: 'url',
  'email-addr': 'email',
}

/**
 * STIX 2.1 has no cryptocurrency SCO. OpenCTI's custom observable is `cryptocurrency-wallet` with a `value`,
 * and a strictly custom one would be `x-` prefixed: both are read, the chain told by the value.
 */
export const CRYPTO_WALLET_OBJECTS: ReadonlySet<string> = new Set([
  'cryptocurrency-wallet',
  'x-cryptocurrency-wallet',
])

/** The object paths we turn into indicators; anything else (x509, network-traffic…) is not mapped. */
const mapPath = (objectType: string, parts: string[]): IocType | undefined => {
  if (parts.length === 1) {
    const p = parts[0]
    if (p === 'value') {
      return CRYPTO_WALLET_OBJECTS.has(objectType)
        ? 'bitcoin-address'
        : own(VALUE_TYPES, objectType)
    }
    if (objectType === 'windows-registry-key' && p === 'key') return 'registry-key'
    if (objectType === 'mutex' && p === 'name') return 'mutex'
    if (objectType === 'file' && p === 'name') return 'file-name'
    return undefined
  }
  if (objectType === 'file' && parts.length === 2 && parts[0] === 'hashes') {
    return own(HASH_TYPES, parts[1].toUpperCase().replace(/-/g, ''))
  }
  return undefined
}

/**
 * ipv4-addr / ipv6-addr values may be CIDR ranges; those are cidr indicators. A wallet's value says its
 * chain: 0x and hex is Ethereum, anything else is read as bitcoin (and rejected with the checksum's reason).
 */
export const refineType = (type: IocType, value: string): IocType => {
  if ((type === 'ip' || type === 'ipv6') && value.includes('/')) return 'cidr'
  if (type === 'bitcoin-address' && /^0x/i.test(value)) return 'ethereum-address'
  return type
}

// `[type:path = 'value']`, the shape of nearly every indicator in bulk feeds. Matching it with one regex
// is ~10x faster than the general parser (measured: 120k/s → 1.5M/s), which matters at 1M indicators.
// Anything this does not match exactly goes to the parser; tests check both give the same answer.
const SIMPLE =
  /^\s*\[\s*([a-z0-9-]+):([A-Za-z_][A-Za-z0-9_]*(?:\.(?:[A-Za-z_][A-Za-z0-9_]*|'[A-Za-z0-9_-]+'))?)\s*={1,2}\s*'((?:[^'\\]|\\['\\])*)'\s*\]\s*$/

const simpleComparison = (pattern: string): StixPatternInfo | null => {
  const m = SIMPLE.exec(pattern)
  if (m === null) return null
  const objectType = m[1]
  const rawPath = m[2]
  const dot = rawPath.indexOf('.')
  const parts =
    dot < 0 ? [rawPath] : [rawPath.slice(0, dot), rawPath.slice(dot + 1).replace(/^'(.*)'$/, '$1')]
  const type = mapPath(objectType, parts)
  if (type === undefined) return null
  const written = m[3]
  const value = written.includes('\\') ? written.replace(/\\(['\\])/g, '$1') : written
  const objectPath = `${objectType}:${parts.map(displayPart).join('.')}`
  return {
    observables: [{ type: refineType(type, value), value, objectPath, sufficient: true }],
    comparisons: 1,
    simple: true,
  }
}

/**
 * Parses a STIX pattern. Throws AppError('invalid_input') naming the position on a syntax error.
 */
export const parseStixPattern = (pattern: string): StixPatternInfo => {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new AppError(
      'invalid_input',
      `STIX pattern is longer than ${MAX_PATTERN_LENGTH} characters`,
    )
  }
  const fast = simpleComparison(pattern)
  if (fast !== null) return fast
  const root = new Parser(tokenize(pattern)).parsePattern()
  const observables: StixPatternObservable[] = []
  let comparisons = 0
  let simple = true
  const walk = (node: Node, sufficient: boolean): void => {
    switch (node.k) {
      case 'leaf': {
        comparisons++
        const { leaf } = node
        const { type, value } = leaf
        if (type !== undefined && leaf.op === '=' && !leaf.negated && typeof value === 'string') {
          observables.push({
            type: refineType(type, value),
            value,
            objectPath: leaf.objectPath,
            sufficient,
          })
          if (!sufficient) simple = false
        } else {
          simple = false
        }
        return
      }
      case 'or':
        for (const item of node.items) walk(item, sufficient)
        return
      case 'and':
      case 'followedby':
        for (const item of node.items) walk(item, false)
        return
      case 'qualified':
        walk(node.item, false)
    }
  }
  walk(root, true)
  return { observables, comparisons, simple }
}
