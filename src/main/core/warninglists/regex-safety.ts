/**
 * A warninglist regex comes from a file anyone can hand an analyst, and V8's engine backtracks: `(a+)+b`
 * takes exponential time and `.*a.*b` polynomial time on a few hundred characters. JavaScript cannot
 * interrupt a running RegExp, so instead of a timer a pattern is accepted only when a simple analysis bounds
 * its backtracking:
 *   - no backreferences and no lookarounds (they defeat the analysis, and warninglists do not need them);
 *   - no repetition (max > 1) of a group that itself contains a quantifier or an alternation: that is where
 *     exponential blow-up comes from (`(a+)+`, `(a|aa)*`, `(\w+\.)+`);
 *   - a work estimate: each quantifier can try (max - min + 1) lengths, an open-ended one up to the input
 *     cap, and an unanchored pattern is tried at every start position; the product must stay under
 *     REGEX_MAX_WORK. One `.*` is fine, `^.*\.[a-z]{2,6}$` is fine, `.*a.*b` is not.
 * With the matcher's cap on the length of the values it tests (REGEX_MAX_INPUT), every accepted pattern
 * answers in bounded time. Patterns use MISP's PHP form `/pattern/flags`.
 */

export const REGEX_MAX_PATTERN = 1024
/** Values longer than this are not tested against regex lists (a miss: the safe answer for a benign list). */
export const REGEX_MAX_INPUT = 512
/** Backtracking steps a pattern may need per value, by the estimate above: one open-ended scan from every start. */
export const REGEX_MAX_WORK = REGEX_MAX_INPUT * REGEX_MAX_INPUT

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
  if (end <= 0) {
    return {
      reason: `it has no closing delimiter '${close}' (MISP writes regexes as /pattern/flags)`,
    }
  }
  let flags = ''
  for (const f of entry.slice(end + 1)) {
    const js = FLAG_MAP[f]
    if (js === undefined) return { reason: `flag '${f}' is not supported (use i, m, s, u or D)` }
    if (!flags.includes(js)) flags += js
  }
  return { source: entry.slice(1, end), flags }
}

type Quantifier = { min: number; max: number; length: number }

const quantifierAt = (s: string, i: number): Quantifier | null => {
  const c = s[i]
  let q: Quantifier
  if (c === '*' || c === '+') q = { min: c === '*' ? 0 : 1, max: Infinity, length: 1 }
  else if (c === '?') q = { min: 0, max: 1, length: 1 }
  else if (c === '{') {
    const m = /^\{(\d{1,6})(,(\d{0,6}))?\}/.exec(s.slice(i, i + 16))
    if (m === null) return null
    const min = Number(m[1])
    const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3])
    q = { min, max, length: m[0].length }
  } else {
    return null
  }
  if (s[i + q.length] === '?') q.length++
  return q
}

/** How many lengths a quantifier can try, capped at the input length the matcher allows. */
const choices = (q: Quantifier): number =>
  Math.min(REGEX_MAX_INPUT, q.max === Infinity ? REGEX_MAX_INPUT : Math.max(1, q.max - q.min + 1))

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
  let work = s.startsWith('^') ? 1 : REGEX_MAX_INPUT
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
      work *= choices(q)
      if (work > REGEX_MAX_WORK) {
        return `its quantifiers could backtrack too much (the one at position ${i + 1} is one too many); anchor it with ^ or use fewer open-ended quantifiers`
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
  // `^a|b.*` is anchored only in its first branch: every branch can start anywhere.
  if (work <= REGEX_MAX_WORK && s.startsWith('^') && stack[0]?.alternation === true) {
    return analyseRegexSource(`(?:${s})`)
  }
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
