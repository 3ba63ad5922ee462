import { Invalid, invalid, quoteChar } from './parse-result'
import { punycodeDecode, punycodeEncode } from './punycode'

const show = (s: string): string => (s.length > 40 ? `${s.slice(0, 40)}…` : s)
const labelAt = (s: string, from: number, to: number): string => show(s.slice(from, to))

// UTS #46 maps these full-width and ideographic full stops to '.', and phishing domains use them.
const IDEOGRAPHIC_DOTS = /[\u3002\uff0e\uff61]/g
// IDNA2008 allows letters, marks and digits in a U-label; everything else (symbols, spaces, emoji) is
// refused by registries and browsers alike.
const U_LABEL_CHAR = /^[\p{L}\p{M}\p{N}_-]$/u
// Every Punycode output character is at least one octet, so 59 code points is the most a label can hold
// once `xn--` is added. Checking first also bounds the encoder's work.
const MAX_U_LABEL_CODE_POINTS = 59

const labelToAscii = (label: string): string | Invalid => {
  let ascii = true
  for (let i = 0; i < label.length; i++) {
    if (label.charCodeAt(i) >= 0x80) {
      ascii = false
      break
    }
  }
  if (ascii) return label
  let count = 0
  for (const ch of label) {
    count++
    if (count > MAX_U_LABEL_CODE_POINTS) {
      return invalid(
        `label '${show(label)}' is too long for a label once encoded (more than 63 characters)`,
      )
    }
    if (ch.charCodeAt(0) >= 0x80 && !U_LABEL_CHAR.test(ch)) {
      return invalid(`character ${quoteChar(ch)} is not allowed in a domain label`)
    }
  }
  return `xn--${punycodeEncode(label)}`
}

/** Lower-case and IDN-encode (NFC, UTS #46 dots, Punycode) a host that has non-ASCII characters. */
const toAscii = (input: string): string | Invalid => {
  const mapped = input.normalize('NFC').toLowerCase().replace(IDEOGRAPHIC_DOTS, '.')
  const labels = mapped.split('.')
  const out: string[] = []
  for (const label of labels) {
    const a = labelToAscii(label)
    if (a instanceof Invalid) return a
    out.push(a)
  }
  return out.join('.')
}

/**
 * Canonical DNS name: lower-case, IDN as Punycode, no trailing dot. Labels are 1-63 characters of
 * [a-z0-9-_] (underscore because real feeds carry `_dmarc`-style and Windows host names) and do not
 * start or end with '-'; at most 253 characters. Any TLD is accepted, since new gTLDs and special-use
 * names (.onion, .local, .internal) are all seen in intel. `minLabels` is 2 for a domain indicator and
 * 1 for a URL host (`http://intranet/`).
 */
export const canonicalHost = (input: string, minLabels: number): string | Invalid => {
  // Punycode never makes a name shorter than its code points, so this bounds the work early.
  if (input.length > 600) return invalid(`it is ${input.length} characters long, more than 253`)
  let s = input
  let ascii = true
  let upper = false
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0x80) {
      ascii = false
      break
    }
    if (c >= 65 && c <= 90) upper = true
  }
  if (!ascii) {
    const a = toAscii(s)
    if (a instanceof Invalid) return a
    s = a
  } else if (upper) {
    s = s.toLowerCase()
  }
  if (s.endsWith('.')) s = s.slice(0, -1)
  if (s.length === 0) return invalid('it is empty')
  if (s.length > 253) return invalid(`it is ${s.length} characters long, more than 253`)

  let labels = 0
  let labelStart = 0
  let labelDigits = true
  let everyLabelDigits = true
  let lastLabelDigits = false
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 46
    if (c === 46) {
      const len = i - labelStart
      if (len === 0) return invalid(i === 0 ? `it starts with '.'` : `it has an empty label ('..')`)
      if (len > 63)
        return invalid(
          `label '${labelAt(s, labelStart, i)}' is ${len} characters long, more than 63`,
        )
      if (s.charCodeAt(labelStart) === 45)
        return invalid(`label '${labelAt(s, labelStart, i)}' starts with '-'`)
      if (s.charCodeAt(i - 1) === 45)
        return invalid(`label '${labelAt(s, labelStart, i)}' ends with '-'`)
      if (
        len > 4 &&
        s.charCodeAt(labelStart) === 120 &&
        s.charCodeAt(labelStart + 1) === 110 &&
        s.charCodeAt(labelStart + 2) === 45 &&
        s.charCodeAt(labelStart + 3) === 45 &&
        punycodeDecode(s.slice(labelStart + 4, i)) === null
      ) {
        return invalid(`label '${labelAt(s, labelStart, i)}' is not valid Punycode`)
      }
      labels++
      lastLabelDigits = labelDigits
      if (!labelDigits) everyLabelDigits = false
      labelDigits = true
      labelStart = i + 1
      continue
    }
    if ((c >= 97 && c <= 122) || c === 45 || c === 95) {
      labelDigits = false
      continue
    }
    if (c >= 48 && c <= 57) continue
    if (c === 42) return invalid(`wildcards ('*') are patterns, not domains`)
    return invalid(`character ${quoteChar(s[i] ?? '')} is not allowed`)
  }
  if (everyLabelDigits && labels === 4)
    return invalid('it is an IPv4 address, not a domain (use type ip)')
  if (labels < minLabels) return invalid('it needs at least two labels (like example.com)')
  if (lastLabelDigits) {
    return invalid(`top-level label '${show(s.slice(s.lastIndexOf('.') + 1))}' is all digits`)
  }
  return s
}
