import { AppError } from '#shared/contract/errors'
import type { FeedReject, ParseItem } from '../feed-types'
import { MAX_REJECT_VALUE } from '#core/ingest/ingest-counts'

/** Items per yielded batch: big enough that per-batch overhead vanishes, small enough for one transaction. */
export const BATCH_SIZE = 2000

/**
 * Input is fed to the readers in slices of at most this many bytes, so one huge chunk from a file read can
 * never turn into one huge batch (batches stay near BATCH_SIZE whatever the chunking).
 */
export const SLICE_BYTES = 64 * 1024

/** A line (or CSV record) longer than this is rejected with its line number and skipped, never buffered. */
export const DEFAULT_MAX_LINE_LENGTH = 64 * 1024

/** One JSON element (STIX object, feed record) larger than this is rejected and skipped. */
export const DEFAULT_MAX_ELEMENT_BYTES = 1024 * 1024

/**
 * Whole-document formats (a MISP event) are read into memory up to this size, then refused. Parsing
 * costs about 4x the size (bytes, string, objects), so this keeps the worst case near the RSS budget.
 */
export const DEFAULT_MAX_DOCUMENT_BYTES = 64 * 1024 * 1024

/** Hostile feeds put thousands of tags on a row; the tail carries no information. */
export const MAX_TAGS = 64
export const MAX_TAG_LENGTH = 256

/**
 * Counters a parser fills in when the caller passes `options.stats`. Rows dropped ON PURPOSE are not
 * rejects (a PhishTank row that is not verified+online, a MISP `comment` attribute): they go to `filtered`
 * so the run report can still explain every line.
 */
export type ParseStats = {
  /** Rows or records the format's rules drop (PhishTank not verified/online, MISP types we do not map). */
  filtered: number
  /** Comment and blank lines (text and CSV formats). */
  skipped: number
}

export const createParseStats = (): ParseStats => ({ filtered: 0, skipped: 0 })

/** Options every parser understands, on top of its own. */
export type CommonParseOptions = {
  signal?: AbortSignal
  stats?: ParseStats
  /** Override DEFAULT_MAX_LINE_LENGTH (tests use small values). */
  maxLineLength?: number
}

export const throwIfCancelled = (signal: AbortSignal | undefined): void => {
  if (signal?.aborted === true) throw new AppError('cancelled', 'Parsing was cancelled')
}

/**
 * Re-chunks the byte stream into slices of at most SLICE_BYTES (no copies: subarray views), checking the
 * abort signal between slices.
 */
export async function* slices(
  input: AsyncIterable<Uint8Array>,
  signal: AbortSignal | undefined,
): AsyncGenerator<Uint8Array> {
  for await (const chunk of input) {
    throwIfCancelled(signal)
    if (chunk.byteLength <= SLICE_BYTES) {
      yield chunk
      continue
    }
    for (let at = 0; at < chunk.byteLength; at += SLICE_BYTES) {
      yield chunk.subarray(at, Math.min(at + SLICE_BYTES, chunk.byteLength))
      throwIfCancelled(signal)
    }
  }
}

export const rejectItem = (line: number, value: string, reason: string): ParseItem => ({
  kind: 'reject',
  reject: { line, value: clip(value), reason } satisfies FeedReject,
})

/** Reject reports quote the offending value; a 64 KB line must not be copied into the run history. */
export const clip = (s: string, max = MAX_REJECT_VALUE): string =>
  s.length > max ? `${s.slice(0, max)}…` : s

/**
 * Splits a tag field (comma-separated unless told otherwise), trims, drops empties and `None`, bounds
 * count and length. A string separator takes the fast native split; a RegExp allows several.
 */
export const splitTags = (
  field: string | null | undefined,
  separators: string | RegExp = /[,;|]/,
): string[] => {
  if (field === null || field === undefined || field === '' || field === 'None') return []
  const out: string[] = []
  for (const part of field.split(separators)) {
    const t = part.trim()
    if (t === '' || t === 'None' || out.includes(t)) continue
    out.push(t.length > MAX_TAG_LENGTH ? t.slice(0, MAX_TAG_LENGTH) : t)
    if (out.length >= MAX_TAGS) break
  }
  return out
}

/** Adds tags without duplicates, keeping the MAX_TAGS bound. */
export const mergeTags = (into: string[], more: readonly string[]): string[] => {
  for (const t of more) {
    if (into.length >= MAX_TAGS) break
    if (t !== '' && !into.includes(t))
      into.push(t.length > MAX_TAG_LENGTH ? t.slice(0, MAX_TAG_LENGTH) : t)
  }
  return into
}

/** abuse.ch and ThreatFox write `None` (and sometimes an empty field) for null. */
export const noneToNull = (s: string | null | undefined): string | null => {
  if (s === null || s === undefined) return null
  const t = s.trim()
  return t === '' || t === 'None' || t === 'null' ? null : t
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/

const digits = (s: string, from: number, n: number): number => {
  let v = 0
  for (let i = from; i < from + n; i++) {
    const c = s.charCodeAt(i) - 48
    if (c < 0 || c > 9) return -1
    v = v * 10 + c
  }
  return v
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

/** `YYYY-MM-DD[ T]HH:MM:SS` with every field in range (Feb 29 allowed in any year: cheap, harmless). */
const fastUtc = (t: string): string | null => {
  if (t.length < 19 || t.charCodeAt(4) !== 45 || t.charCodeAt(7) !== 45) return null
  const sep = t.charCodeAt(10)
  if ((sep !== 32 && sep !== 84) || t.charCodeAt(13) !== 58 || t.charCodeAt(16) !== 58) return null
  const rest = t.length === 19 ? '' : t.slice(19).trim()
  if (rest !== '' && rest !== 'UTC' && rest !== 'Z') return null
  const y = digits(t, 0, 4)
  const mo = digits(t, 5, 2)
  const d = digits(t, 8, 2)
  const h = digits(t, 11, 2)
  const mi = digits(t, 14, 2)
  const se = digits(t, 17, 2)
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > DAYS_IN_MONTH[mo - 1]) return null
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 59) return null
  return `${t.slice(0, 10)}T${t.slice(11, 19)}.000Z`
}

// Feeds repeat timestamps row after row (dateadded = last_online, batches added in the same second).
let lastIn = ''
let lastOut: string | null = null

/**
 * A feed timestamp as ISO-8601 UTC (`2024-05-01T10:02:07.000Z`, the form `Date#toISOString` gives, so
 * string comparison orders them). abuse.ch's `YYYY-MM-DD HH:MM:SS` (UTC by their docs) takes a fast path
 * of character checks (this runs twice per row at 1M rows); anything else goes through Date.parse.
 * Unparseable or out of range → null: a bad timestamp loses the timestamp, not the indicator.
 */
export const toIsoUtc = (s: string | null | undefined): string | null => {
  if (s === null || s === undefined) return null
  if (s === lastIn) return lastOut
  const out = isoOf(s)
  lastIn = s
  lastOut = out
  return out
}

const isoOf = (s: string): string | null => {
  const t = s.trim()
  if (t === '' || t === 'None' || t === 'null') return null
  const fast = fastUtc(t)
  if (fast !== null) return fast
  if (DATE_ONLY.test(t)) return fastUtc(`${t} 00:00:00`)
  const ms = Date.parse(t)
  if (Number.isNaN(ms)) return null
  return new Date(ms).toISOString()
}

/** Epoch seconds (number or digit string, as MISP writes them) → ISO; null when absent or absurd. */
export const epochToIso = (v: unknown): string | null => {
  const n =
    typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,12}$/.test(v) ? Number(v) : NaN
  if (!Number.isFinite(n) || n <= 0 || n > 32503680000) return null
  return new Date(n * 1000).toISOString()
}

/** 0-100 integer confidence, or undefined when the source gave nothing usable. */
export const toConfidence = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN
  if (!Number.isFinite(n)) return undefined
  return Math.min(100, Math.max(0, Math.round(n)))
}

/** A TCP/UDP port, or undefined. */
export const toPort = (v: unknown): number | undefined => {
  const n =
    typeof v === 'number'
      ? v
      : typeof v === 'string' && /^\d{1,5}$/.test(v.trim())
        ? Number(v)
        : NaN
  return Number.isInteger(n) && n >= 0 && n <= 65535 ? n : undefined
}

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

export const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined

/**
 * Collects items and hands out full batches. Parsers push synchronously while scanning a slice and take
 * the batch between slices, so a generator yields ~BATCH_SIZE items without per-item async overhead.
 */
export class Batcher {
  private items: ParseItem[] = []

  push(item: ParseItem): void {
    this.items.push(item)
  }

  get full(): boolean {
    return this.items.length >= BATCH_SIZE
  }

  get size(): number {
    return this.items.length
  }

  /** Whether a reject was pushed since the batch had `at` items (what the last element came to). */
  rejectedSince(at: number): boolean {
    for (let i = at; i < this.items.length; i++) if (this.items[i].kind === 'reject') return true
    return false
  }

  take(): ParseItem[] {
    const out = this.items
    this.items = []
    return out
  }
}

/** Descriptions and comments from feeds are free text; anything past this is cut (with an ellipsis). */
export const MAX_DESCRIPTION_LENGTH = 4096

/** A free-text field as a plain, bounded string (never interpreted as markup anywhere downstream). */
export const text = (v: unknown, max = MAX_DESCRIPTION_LENGTH): string | undefined => {
  if (typeof v !== 'string') return undefined
  const t = v.trim()
  if (t === '') return undefined
  return t.length > max ? `${t.slice(0, max)}…` : t
}

export const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e))

const isStats = (v: unknown): v is ParseStats =>
  isRecord(v) && typeof v.filtered === 'number' && typeof v.skipped === 'number'

/** Positive integer option, or undefined when absent or not one. */
export const positiveInt = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined

/**
 * Options arrive from a feed row's JSON (untyped): read only what has the right shape. Unknown keys are
 * ignored, so a feed keeps working when an option is renamed.
 */
export const readCommonOptions = (raw: unknown): CommonParseOptions => {
  if (!isRecord(raw)) return {}
  const out: CommonParseOptions = {}
  if (raw.signal instanceof AbortSignal) out.signal = raw.signal
  if (isStats(raw.stats)) out.stats = raw.stats
  const max = positiveInt(raw.maxLineLength)
  if (max !== undefined) out.maxLineLength = max
  return out
}

/**
 * A table lookup that only sees the table's own keys: feed data decides the key, and `table['constructor']`
 * or `table['__proto__']` must not come back as a function or an object.
 */
export const own = <T>(table: Readonly<Record<string, T>>, key: string): T | undefined =>
  Object.hasOwn(table, key) ? table[key] : undefined
