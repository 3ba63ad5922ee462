// RFC 3492 Punycode, written out here because shared code runs in the renderer and in Node alike:
// `node:punycode` is deprecated and Node-only, and WHATWG `URL` host parsing differs between Chromium and
// Node versions. Only labels are handled (the caller splits on dots and adds the `xn--` prefix).

const BASE = 36
const T_MIN = 1
const T_MAX = 26
const SKEW = 38
const DAMP = 700
const INITIAL_BIAS = 72
const INITIAL_N = 0x80

const adapt = (delta: number, numPoints: number, firstTime: boolean): number => {
  let d = firstTime ? Math.floor(delta / DAMP) : delta >> 1
  d += Math.floor(d / numPoints)
  let k = 0
  while (d > ((BASE - T_MIN) * T_MAX) >> 1) {
    d = Math.floor(d / (BASE - T_MIN))
    k += BASE
  }
  return k + Math.floor(((BASE - T_MIN + 1) * d) / (d + SKEW))
}

/** 0..25 → 'a'..'z', 26..35 → '0'..'9'. */
const digitChar = (d: number): string => String.fromCharCode(d < 26 ? d + 97 : d + 22)

/** 'a'..'z' / 'A'..'Z' → 0..25, '0'..'9' → 26..35, anything else → -1. */
const digitValue = (code: number): number => {
  if (code >= 48 && code <= 57) return code - 22
  if (code >= 65 && code <= 90) return code - 65
  if (code >= 97 && code <= 122) return code - 97
  return -1
}

const threshold = (k: number, bias: number): number =>
  k <= bias ? T_MIN : k >= bias + T_MAX ? T_MAX : k - bias

/**
 * Encode one label's code points to Punycode (without the `xn--` prefix). Callers bound the label's
 * length first (a label is at most 63 octets), so `delta` stays far below 2^53.
 */
export const punycodeEncode = (label: string): string => {
  const codePoints: number[] = []
  for (const ch of label) codePoints.push(ch.codePointAt(0) ?? 0)

  let output = ''
  for (const cp of codePoints) if (cp < 0x80) output += String.fromCharCode(cp)
  const basicCount = output.length
  let handled = basicCount
  if (basicCount > 0) output += '-'

  let n = INITIAL_N
  let delta = 0
  let bias = INITIAL_BIAS
  while (handled < codePoints.length) {
    let m = Number.MAX_SAFE_INTEGER
    for (const cp of codePoints) if (cp >= n && cp < m) m = cp
    delta += (m - n) * (handled + 1)
    n = m
    for (const cp of codePoints) {
      if (cp < n) delta++
      if (cp !== n) continue
      let q = delta
      for (let k = BASE; ; k += BASE) {
        const t = threshold(k, bias)
        if (q < t) break
        output += digitChar(t + ((q - t) % (BASE - t)))
        q = Math.floor((q - t) / (BASE - t))
      }
      output += digitChar(q)
      bias = adapt(delta, handled + 1, handled === basicCount)
      delta = 0
      handled++
    }
    delta++
    n++
  }
  return output
}

/**
 * Decode one Punycode label (without the `xn--` prefix); null when it is not valid Punycode. Used to show
 * IDN domains to people and to test the encoder both ways.
 */
export const punycodeDecode = (input: string): string | null => {
  if (input.length > 256) return null
  const basicEnd = input.lastIndexOf('-')
  const output: number[] = []
  for (let j = 0; j < Math.max(basicEnd, 0); j++) {
    const code = input.charCodeAt(j)
    if (code >= 0x80) return null
    output.push(code)
  }
  let n = INITIAL_N
  let i = 0
  let bias = INITIAL_BIAS
  for (let pos = basicEnd > 0 ? basicEnd + 1 : 0; pos < input.length;) {
    const oldI = i
    let w = 1
    for (let k = BASE; ; k += BASE) {
      if (pos >= input.length) return null
      const digit = digitValue(input.charCodeAt(pos++))
      if (digit < 0) return null
      i += digit * w
      const t = threshold(k, bias)
      if (digit < t) break
      w *= BASE - t
      if (i > 0x10ffff * (output.length + 1)) return null
    }
    bias = adapt(i - oldI, output.length + 1, oldI === 0)
    n += Math.floor(i / (output.length + 1))
    i %= output.length + 1
    if (n > 0x10ffff) return null
    output.splice(i, 0, n)
    i++
  }
  return String.fromCodePoint(...output)
}
