import type { IocType } from './enums'

/** What every parser in the domain layer answers: a canonical value, or the cleaned input and why not. */
export type ParseResult =
  | { ok: true; type: IocType; value: string }
  | { ok: false; type?: IocType; value: string; reason: string }

/** Longest value we look at. Bounding it up front keeps every parser linear on hostile feed lines. */
export const MAX_VALUE_LENGTH = 8192

/** Longest mutex / custom value: these are free text, and a kilobyte is already far past any real one. */
export const MAX_FREE_TEXT_LENGTH = 1024

/**
 * Internal failure marker. Parsers return `string | Invalid` instead of throwing because rejects are
 * common on feed data (a stack trace per bad line would dominate a 1M-line import).
 */
export class Invalid {
  readonly why: string
  constructor(why: string) {
    this.why = why
  }
}

export const invalid = (why: string): Invalid => new Invalid(why)

const QUOTE_LIMIT = 80

/** The value as reasons show it: single-quoted, cut short, control characters made visible. */
export const quote = (value: string): string => {
  const cut = value.length > QUOTE_LIMIT ? `${value.slice(0, QUOTE_LIMIT)}…` : value
  // eslint-disable-next-line no-control-regex
  return `'${cut.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}'`
}

/** A character as reasons show it. */
export const quoteChar = (c: string): string => {
  const code = c.codePointAt(0) ?? 0
  if (code < 0x20 || code === 0x7f) return `\\x${code.toString(16).padStart(2, '0')}`
  if (c === ' ') return "' ' (space)"
  return `'${c}'`
}

// Zero-width characters are invisible in the UI and in reports, and are a known trick to slip a value past
// blocklists; nothing legitimate in an indicator needs them.
const ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff\u180e]/g
const ZERO_WIDTH_TEST = /[\u200b-\u200d\u2060\ufeff\u180e]/

/** Trim surrounding whitespace (Unicode-aware) and drop zero-width characters. */
export const cleanValue = (raw: string): string => {
  const s = raw.trim()
  return ZERO_WIDTH_TEST.test(s) ? s.replace(ZERO_WIDTH, '').trim() : s
}

export const fail = (
  value: string,
  reason: string,
  type?: IocType,
): Extract<ParseResult, { ok: false }> =>
  type === undefined ? { ok: false, value, reason } : { ok: false, type, value, reason }

/** True when a character code is a C0 control, DEL or a C1 control. */
export const isControl = (code: number): boolean =>
  code < 0x20 || code === 0x7f || (code >= 0x80 && code <= 0x9f)
