import type { FeedRun, RELIABILITIES, RUN_PHASES } from '#shared/contract/feeds.contract'
import type { FEED_FORMAT_NAMES } from '#shared/contract/feeds.contract'
import { formatCount } from '../indicators/format'

export type FeedFormat = (typeof FEED_FORMAT_NAMES)[number]
export type Reliability = (typeof RELIABILITIES)[number]
export type RunPhase = (typeof RUN_PHASES)[number]
export type RunStatus = FeedRun['status']

export const FORMAT_LABELS: Record<FeedFormat, string> = {
  'urlhaus-csv': 'URLhaus CSV',
  'threatfox-csv': 'ThreatFox CSV',
  'threatfox-json': 'ThreatFox JSON',
  'feodo-csv': 'Feodo Tracker CSV',
  'feodo-json': 'Feodo Tracker JSON',
  'openphish-txt': 'OpenPhish text',
  'phishtank-csv': 'PhishTank CSV',
  'phishtank-json': 'PhishTank JSON',
  'spamhaus-drop': 'Spamhaus DROP',
  'generic-csv': 'Generic CSV (column mapping)',
  text: 'Plain text or list',
  'misp-event': 'MISP event JSON',
  'misp-feed': 'MISP feed (manifest)',
  'stix-bundle': 'STIX 2.1 bundle',
  taxii: 'TAXII 2.1 server',
}

/** A label for any format string a run reports (runs keep what they were given, e.g. 'auto'). */
export const formatLabel = (format: string): string =>
  Object.hasOwn(FORMAT_LABELS, format) ? FORMAT_LABELS[format as FeedFormat] : format

/** Admiralty scale, as analysts read it. */
export const RELIABILITY_LABELS: Record<Reliability, string> = {
  A: 'A — completely reliable',
  B: 'B — usually reliable',
  C: 'C — fairly reliable',
  D: 'D — not usually reliable',
  E: 'E — unreliable',
  F: 'F — cannot be judged',
}

export const PHASE_LABELS: Record<RunPhase, string> = {
  connecting: 'Connecting',
  reading: 'Reading',
  staging: 'Staging',
  committing: 'Committing',
  finishing: 'Finishing',
}

export const STATUS_LABELS: Record<RunStatus, string> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Succeeded',
  unchanged: 'Not modified',
  failed: 'Failed',
  cancelled: 'Cancelled',
}

const UNITS = ['B', 'KB', 'MB', 'GB'] as const

/** 1,234 B / 12.3 KB / 4.5 MB: binary multiples, one decimal below 100. */
export const formatBytes = (n: number): string => {
  let value = n
  let unit = 0
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024
    unit++
  }
  const text = unit === 0 || value >= 100 ? String(Math.round(value)) : value.toFixed(1)
  return `${text} ${UNITS[unit] ?? 'B'}`
}

const pad = (n: number) => String(n).padStart(2, '0')

/** Local date and time to the second: runs minutes apart must still read in order. */
export const formatDateTimeSeconds = (iso: string | null): string => {
  if (!iso) return '—'
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return '—'
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
}

export const formatDuration = (ms: number | null): string => {
  if (ms === null) return '—'
  if (ms < 1000) return `${ms} ms`
  const s = ms / 1000
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`
  const m = Math.floor(s / 60)
  return `${m} min ${Math.round(s - m * 60)} s`
}

export const plural = (n: number, one: string, many = `${one}s`): string =>
  `${formatCount(n)} ${n === 1 ? one : many}`

/** Comma-separated tags as typed → the list the contract takes. */
export const parseTags = (text: string): string[] => [
  ...new Set(
    text
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t.length > 0),
  ),
]

/**
 * Feed data shown in the UI is cut to a length a human can read: a 100 KB "URL" would otherwise stall
 * layout. Rendered as text either way (React escapes it).
 */
export const clip = (text: string, max = 2000): string =>
  text.length > max
    ? `${text.slice(0, max)}… (${formatCount(text.length - max)} more characters)`
    : text
