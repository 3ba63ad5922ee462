import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { decodeStream } from '../decode/decode'
import { FeedFetchError, formatBytes, redactUrl } from '../http/fetch-error'
import { fetchFeed } from '../http/fetcher'
import type {
  FeedAuth,
  FetchDeps,
  FetchExpect,
  FetchLimits,
  FetchRequest,
} from '../http/fetch-types'
import { expectShape, readJsonBody } from './read-json'

const MiB = 1024 * 1024
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const MD5_LINE =
  /^([0-9a-f]{32})\s*,\s*"?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"?$/i
const MAX_LINE = 4096
const HASH_BATCH = 5000

// MISP writes most scalars as strings ("timestamp": "1717236000"): accept both.
const Timestamp = z.union([z.number(), z.string().regex(/^\d+$/)]).transform(Number)
const ManifestEntrySchema = z.looseObject({
  timestamp: Timestamp,
  info: z.string().optional(),
  date: z.string().optional(),
  analysis: z.union([z.string(), z.number()]).optional(),
  threat_level_id: z.union([z.string(), z.number()]).optional(),
  Orgc: z.looseObject({ name: z.string().optional(), uuid: z.string().optional() }).optional(),
  Tag: z.array(z.looseObject({ name: z.string(), colour: z.string().optional() })).optional(),
})
const EventFileSchema = z.looseObject({ Event: z.looseObject({ uuid: z.string().optional() }) })

export type MispManifestEntry = z.infer<typeof ManifestEntrySchema>
export type MispManifest = {
  /** Valid entries by event uuid (lower-case), timestamps as epoch seconds. */
  events: Record<string, MispManifestEntry>
  /** Entries we could not use, with why (a bad uuid key, a missing timestamp). */
  rejects: Array<{ key: string; reason: string }>
}
export type MispHash = { md5: string; eventUuid: string; line: number }

export type MispFeedClientOptions = {
  deps: FetchDeps
  auth?: FeedAuth
  limits?: Partial<FetchLimits>
  maxManifestBytes?: number
  /** Bound on one event file (decompressed), default 64 MiB. */
  maxEventBytes?: number
  fetchImpl?: FetchRequest['fetchImpl']
  dispatcher?: FetchRequest['dispatcher']
}

export type MispFeedClient = {
  manifest(base: string, signal?: AbortSignal): Promise<MispManifest>
  /** Events that are new or whose manifest timestamp is newer than the one we stored, oldest first. */
  changedEvents(manifest: MispManifest, known: ReadonlyMap<string, number>): string[]
  /** `<uuid>.json` parsed: `{ Event: {...} }`. */
  event(
    base: string,
    uuid: string,
    signal?: AbortSignal,
  ): Promise<{ Event: Record<string, unknown> }>
  /** hashes.csv as batches of `{ md5, eventUuid, line }`; malformed lines are skipped and counted in the log. */
  hashes(base: string, signal?: AbortSignal): AsyncIterable<MispHash[]>
}

const isHttp = (base: string): boolean => /^https?:\/\//i.test(base)

/** A feed is an http(s) directory URL, a file: URL or a local directory path. */
const localDir = (base: string): string => (/^file:/i.test(base) ? fileURLToPath(base) : base)

export const createMispFeedClient = (options: MispFeedClientOptions): MispFeedClient => {
  const maxManifest = options.maxManifestBytes ?? 64 * MiB
  const maxEvent = options.maxEventBytes ?? 64 * MiB
  const log = options.deps.logger

  /** The decompressed bytes of one file of the feed, capped, over HTTP or from disk. */
  const open = async (
    base: string,
    name: string,
    expect: FetchExpect,
    cap: number,
    signal?: AbortSignal,
  ) => {
    if (isHttp(base)) {
      const url = new URL(name, base.endsWith('/') ? base : `${base}/`).toString()
      const r = await fetchFeed(
        {
          url,
          expect,
          auth: options.auth,
          limits: { maxDecompressedBytes: cap, ...options.limits },
          signal,
          fetchImpl: options.fetchImpl,
          dispatcher: options.dispatcher,
        },
        options.deps,
      )
      if (r.status !== 'ok')
        throw new FeedFetchError(
          'http-status',
          `${redactUrl(url)} answered 304 to an unconditional request.`,
        )
      return { body: r.body, label: r.url }
    }
    const path = join(localDir(base), name)
    try {
      const s = await stat(path)
      if (!s.isFile())
        throw new FeedFetchError('http-status', `${path} is not a file.`, { status: 404 })
    } catch (e) {
      if (e instanceof FeedFetchError) throw e
      // Same shape as an HTTP 404 so callers treat an absent optional file (hashes.csv) alike for both.
      throw new FeedFetchError('http-status', `${path} does not exist or cannot be read.`, {
        status: 404,
      })
    }
    return {
      body: decodeStream(createReadStream(path, { signal }), {
        maxDecompressedBytes: cap,
        label: path,
      }),
      label: path,
    }
  }

  const manifest = async (base: string, signal?: AbortSignal): Promise<MispManifest> => {
    const { body, label } = await open(base, 'manifest.json', 'json', maxManifest, signal)
    const json = await readJsonBody(body, maxManifest, label)
    const all = expectShape(
      z.record(z.string(), z.unknown()),
      json,
      'MISP feed manifest (object keyed by event uuid)',
      label,
    )
    const events: Record<string, MispManifestEntry> = {}
    const rejects: MispManifest['rejects'] = []
    for (const [key, value] of Object.entries(all)) {
      if (!UUID.test(key)) {
        rejects.push({ key, reason: 'manifest key is not an event uuid' })
        continue
      }
      const entry = ManifestEntrySchema.safeParse(value)
      if (!entry.success) {
        const issue = entry.error.issues[0]
        rejects.push({
          key,
          reason: `${issue?.path.join('.') || 'entry'}: ${issue?.message ?? 'invalid'}`,
        })
        continue
      }
      events[key.toLowerCase()] = entry.data
    }
    if (rejects.length)
      log.warn('MISP manifest entries rejected', { feed: label, rejected: rejects.length })
    return { events, rejects }
  }

  const changedEvents = (m: MispManifest, known: ReadonlyMap<string, number>): string[] =>
    Object.entries(m.events)
      .filter(([uuid, e]) => {
        const seen = known.get(uuid)
        return seen === undefined || e.timestamp > seen
      })
      .sort(([ua, a], [ub, b]) => a.timestamp - b.timestamp || ua.localeCompare(ub))
      .map(([uuid]) => uuid)

  const event = async (
    base: string,
    uuid: string,
    signal?: AbortSignal,
  ): Promise<{ Event: Record<string, unknown> }> => {
    // The uuid becomes a file name: anything else could walk out of a local feed directory.
    if (!UUID.test(uuid))
      throw new FeedFetchError(
        'content-type',
        `${JSON.stringify(uuid.slice(0, 80))} is not a MISP event uuid.`,
      )
    const { body, label } = await open(base, `${uuid.toLowerCase()}.json`, 'json', maxEvent, signal)
    const json = await readJsonBody(body, maxEvent, label)
    const file = expectShape(EventFileSchema, json, 'MISP event file ({"Event": {...}})', label)
    const inner = file.Event.uuid
    if (inner !== undefined && inner.toLowerCase() !== uuid.toLowerCase())
      throw new FeedFetchError(
        'content-type',
        `${label} holds event ${JSON.stringify(inner.slice(0, 80))}, not ${uuid}.`,
      )
    return file
  }

  async function* hashes(base: string, signal?: AbortSignal): AsyncGenerator<MispHash[]> {
    const { body, label } = await open(
      base,
      'hashes.csv',
      'csv',
      options.limits?.maxDecompressedBytes ?? 2048 * MiB,
      signal,
    )
    const decoder = new TextDecoder('utf-8')
    let pending = ''
    let lineNo = 0
    let skipped = 0
    let batch: MispHash[] = []
    const take = (raw: string): void => {
      lineNo += 1
      const line = raw.replace(/\r$/, '').trim()
      if (!line || line.startsWith('#')) return
      const m = MD5_LINE.exec(line)
      if (!m) {
        skipped += 1
        return
      }
      batch.push({ md5: m[1].toLowerCase(), eventUuid: m[2].toLowerCase(), line: lineNo })
    }
    for await (const chunk of body) {
      const lines = (pending + decoder.decode(chunk, { stream: true })).split('\n')
      pending = lines.pop() ?? ''
      for (const l of lines) take(l)
      // A "line" without end is not a hash line: fail instead of buffering without bound.
      if (pending.length > MAX_LINE) {
        throw new FeedFetchError(
          'content-type',
          `${label} has a line longer than ${formatBytes(MAX_LINE)} near line ${lineNo + 1}; not a MISP hashes.csv.`,
        )
      }
      if (batch.length >= HASH_BATCH) {
        yield batch
        batch = []
      }
    }
    pending += decoder.decode()
    if (pending) take(pending)
    if (batch.length) yield batch
    if (skipped) log.warn('MISP hashes.csv lines skipped', { feed: label, skipped })
  }

  return { manifest, changedEvents, event, hashes }
}
