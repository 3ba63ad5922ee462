import type { Classification, IocType, Severity, Tlp } from '#shared/domain/enums'

/** One value a source reported. `value` is raw (not yet canonical); the engine canonicalises. */
export type FeedRecord = {
  line: number // 1-based line (text/CSV) or record number (JSON/STIX/MISP) for reject reports
  value: string
  type?: IocType // when the format says it; otherwise the engine detects
  firstSeen?: string | null // ISO-8601 UTC
  lastSeen?: string | null
  confidence?: number // 0-100 as the source stated
  classification?: Classification // what the source says the thing is (a blocklist says malicious)
  severity?: Severity // the source's own severity (or the MISP threat level); never invented
  threatType?: string // e.g. malware_download, botnet_cc, phishing
  malware?: string
  tags?: string[]
  reference?: string // the source's link for this record
  description?: string
  /** A title of the report or event that carried the record (MISP event info, STIX report name). */
  eventTitle?: string
  tlp?: Tlp
  port?: number
  raw?: unknown // the source record, JSON-able; the engine bounds its size (≤ 8 KB) before storing
}

export type FeedReject = { line: number; value: string; reason: string }

/** STIX SDO/SRO, marking, MISP event/galaxy... kept for later issues (threat actors, campaigns, reports). */
export type IntelObject = {
  id: string
  type: string
  name?: string
  created?: string
  modified?: string
  sourceRef?: string
  targetRef?: string
  relationshipType?: string
  data: unknown
}

export type ParseItem =
  | { kind: 'record'; record: FeedRecord }
  | { kind: 'reject'; reject: FeedReject }
  | { kind: 'object'; object: IntelObject }
  /** A record that was kept but changed on the way in (a cut text), for the run's report. */
  | { kind: 'note'; note: FeedNote }

export type FeedNote = { line: number; message: string }

/** Parsers consume bytes and yield BATCHES (arrays) of items: per-item async iteration is too slow at 1M rows. */
export type FormatParser<O = unknown> = (
  input: AsyncIterable<Uint8Array>,
  options: O & { signal?: AbortSignal },
) => AsyncIterable<ParseItem[]>

// One list of formats, declared with the contract (main may import shared; not the other way round).
export { FEED_FORMAT_NAMES as FEED_FORMATS } from '#shared/contract/feeds.contract'
export type { FeedFormat } from '#shared/contract/feeds.contract'
