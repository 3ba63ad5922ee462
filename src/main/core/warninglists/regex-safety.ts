/**
 * A warninglist regex comes from a file anyone can hand an analyst, and V8's engine backtracks: `(a+)+b`
 * takes exponential time and `.*a.*b` polynomial time on a few hundred characters. Rather than run patterns
 * under a timer (JavaScript cannot interrupt a running RegExp), a pattern is accepted only when a simple
 * analysis shows its backtracking is bounded:
 *   - no backreferences and no lookarounds (they defeat the analysis, and warninglists do not need them);
 *   - no repetition (max > 1) of a group that itself contains a quantifier or an alternation: that is where
 *     exponential blow-up comes from (`(a+)+`, `(a|aa)*`, `(\w+\.)+`);
 *   - at most one unbounded quantifier (`*`, `+`, `{n,}`) in the whole pattern, so the work per start
 *     position is linear and per value at most quadratic;
 *   - bounded quantifiers (`{n,m}`) multiply the work by m, so their product is capped.
 * Together with the matcher's cap on the length of the values it tests (REGEX_MAX_INPUT), every accepted
 * pattern answers in bounded time. Patterns use MISP's PHP form `/pattern/flags`.
 */

export const REGEX_MAX_PATTERN = 1024
export const REGEX_MAX_UNBOUNDED = 1
export const REGEX_MAX_BOUNDED_PRODUCT = 256
/** Values longer than this are not tested against regex lists (a miss: the safe answer for a benign list). */
export const REGEX_MAX_INPUT = 512

type Frame = { quantified: boolean; alternation: boolean }

export type RegexVerdict = { ok: true; regex: RegExp } | { ok: false; reason: string }

const PAIRS: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}', '<': '>' }
// PHP flags with a JavaScript equivalent; D (dollar at the very end) is already what `$` means without m.
const FLAG_MAP: Readonly<Record<string, string>> = { i: 'i', m: 'm', s: 's', u: 'u', D: '' }

/** Split MISP's PHP-delimited `/pattern/flags` (any non-alphanumeric delimiter, or a bracket pair). */
export const splitDelimited = (
  entry: string,
): { source: string; flags: string } | { reason: string } => {
  const open = entry[0] ?? ''
  if (open === '' || /[\p{L}\p{N}\\\s]/u.test(open)) {
    return { reason: `it must be delimited as MISP writes regexes, like /pattern/i` }
  }
  const close = PAIRS[open] ?? open
  const end = entry.lastIndexOf(close)
  if (end <= 0) return { reason: `it has no closing delimiter '${close}'` }
  let flags = ''
  for (const f of entry.slice(end + 1)) {
    const js = FLAG_MAP[f]
    if (js === undefined) return { reason: `flag '${f}' is not supported (use i, m, s, u or D)` }
    if (!flags.includes(js)) flags += js
  }
  return { source: entry.slice(1, end), flags }
}

const quantifierAt = (s: string, i: number): { max: number; length: number } | null => {
  const c = s[i]
  let max: number
  let length: number
  if (c === '*' || c === '+') {
    max = Infinity
    length = 1
  } else if (c === '?') {
    max = 1
    length = 1
  } else if (c === '{') {
    const m = /^\{(\d{1,6})(,(\d{0,6}))?\}/.exec(s.slice(i, i + 16))
    if (m === null) return null
    const low = Number(m[1])
    max = m[2] === undefined ? low : m[3] === '' ? Infinity : Number(m[3])
    length = m[0].length
  } else {
    return null
  }
  if (s[i + length] === '?') length++
  return { max, length }
}

/** Length of the escape at s[i] ('\\'), refusing backreferences. */
const escapeLength = (s: string, i: number): number | string => {
  const c = s[i + 1] ?? ''
  if (/[1-9]/.test(c)) return `backreference '\\${c}' is not allowed`
  if (c === 'k' && s[i + 2] === '<') return 'named backreferences are not allowed'
  if ((c === 'p' || c === 'P' || c === 'u') && s[i + 2] === '{') {
    const close = s.indexOf('}', i + 3)
    return close < 0 ? 2 : close - i + 1
  }
  return 2
}

const classLength = (s: string, i: number): number | string => {
  let j = i + 1
  if (s[j] === '^') j++
  if (s[j] === ']') j++
  for (; j < s.length; j++) {
    if (s[j] === '\\') j++
    else if (s[j] === ']') return j - i + 1
  }
  return `character class at position ${i + 1} is not closed`
}

/** Walk the pattern once; a string is the reason it is refused. */
export const analyseRegexSource = (s: string): string | null => {
  const stack: Frame[] = [{ quantified: false, alternation: false }]
  let unbounded = 0
  let product = 1
  // What the last atom was: a group frame (for nesting checks), 'atom', or null (nothing to repeat).
  let last: Frame | 'atom' | null = null
  let i = 0
  while (i < s.length) {
    const c = s[i]
    const top = stack[stack.length - 1] ?? { quantified: false, alternation: false }
    const q = quantifierAt(s, i)
    if (q !== null && last !== null) {
      if (q.max > 1 && last !== 'atom' && (last.quantified || last.alternation)) {
        return last.quantified
          ? `a repeated group contains another quantifier at position ${i + 1} (nested quantifiers backtrack exponentially)`
          : `a repeated group contains an alternation at position ${i + 1} (it can backtrack exponentially)`
      }
      if (q.max === Infinity) unbounded++
      else if (q.max > 1) product *= q.max
      if (unbounded > REGEX_MAX_UNBOUNDED) {
        return `it has more than ${REGEX_MAX_UNBOUNDED} unbounded quantifier (*, + or {n,}); each one multiplies the backtracking`
      }
      if (product > REGEX_MAX_BOUNDED_PRODUCT) {
        return `its bounded quantifiers allow more than ${REGEX_MAX_BOUNDED_PRODUCT} combinations`
      }
      top.quantified = true
      last = null
      i += q.length
      continue
    }
    if (c === '\\') {
      const n = escapeLength(s, i)
      if (typeof n === 'string') return n
      last = 'atom'
      i += n
    } else if (c === '[') {
      const n = classLength(s, i)
      if (typeof n === 'string') return n
      last = 'atom'
      i += n
    } else if (c === '(') {
      if (
        s.startsWith('(?=', i) ||
        s.startsWith('(?!', i) ||
        s.startsWith('(?<=', i) ||
        s.startsWith('(?<!', i)
      ) {
        return `lookaround at position ${i + 1} is not allowed`
      }
      stack.push({ quantified: false, alternation: false })
      last = null
      if (s.startsWith('(?:', i)) i += 3
      else if (s.startsWith('(?<', i)) i = s.indexOf('>', i) < 0 ? s.length : s.indexOf('>', i) + 1
      else i++
    } else if (c === ')') {
      if (stack.length === 1) return `unbalanced ')' at position ${i + 1}`
      const frame = stack.pop() ?? top
      const parent = stack[stack.length - 1]
      if (parent !== undefined) {
        if (frame.quantified) parent.quantified = true
        if (frame.alternation) parent.alternation = true
      }
      last = frame
      i++
    } else if (c === '|') {
      top.alternation = true
      last = null
      i++
    } else {
      last = c === '^' || c === '$' ? null : 'atom'
      i++
    }
  }
  if (stack.length > 1) return `a group is not closed`
  return null
}

/** Parse, analyse and compile one MISP regex entry. */
export const compileSafeRegex = (entry: string): RegexVerdict => {
  if (entry.length > REGEX_MAX_PATTERN) {
    return {
      ok: false,
      reason: `it is ${entry.length} characters long, more than ${REGEX_MAX_PATTERN}`,
    }
  }
  const split = splitDelimited(entry)
  if ('reason' in split) return { ok: false, reason: split.reason }
  const refused = analyseRegexSource(split.source)
  if (refused !== null) return { ok: false, reason: refused }
  try {
    return { ok: true, regex: new RegExp(split.source, split.flags) }
  } catch (e) {
    return {
      ok: false,
      reason: `it is not a valid JavaScript regex: ${e instanceof Error ? e.message : String(e)}`,
    }
  }
}
