import {
  createReadStream,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { open, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { AppError } from '#shared/contract/errors'
import { ExportFileSchema, type ExportFile } from '#shared/contract/export.schemas'
import type { Tlp } from '#shared/domain/enums'
import type { Logger } from '../platform/logger'

/** Export files live in the data directory, private like the rest of it (0700 folder, 0600 files). */
export const exportsDirOf = (dataDir: string): string => join(dataDir, 'exports')

const SIDECAR = /^([0-9a-f-]{36})\.json$/

const slug = (s: string): string =>
  s
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '') || 'export'

/**
 * `threateye-<what>-TLP-<LEVEL>-<yyyymmdd-hhmmss>.<ext>`: the TLP is in the name, so a file copied out of
 * the app still says how it may be shared.
 */
export const exportFileName = (title: string, tlp: Tlp, at: Date, extension: string): string => {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)
  return `threateye-${slug(title)}-TLP-${tlp.toUpperCase()}-${stamp}.${extension}`
}

export type ExportStore = {
  dir: string
  /** Where a new export with this id writes; the file is private from its first byte. */
  pathFor(id: string, fileName: string): string
  save(file: ExportFile): void
  list(limit: number): ExportFile[]
  get(id: string): ExportFile
  remove(id: string): void
  read(id: string, offset: number, length: number): Promise<{ data: Buffer; size: number }>
  stream(id: string): { file: ExportFile; body: Readable }
}

/**
 * Each export is its file and a sidecar `<id>.json` holding what the list shows (format, target, TLP, rows):
 * no table, so an export folder copied elsewhere still lists, and deleting a file by hand drops it from
 * the list.
 */
export const createExportStore = (dataDir: string, logger: Logger): ExportStore => {
  const dir = exportsDirOf(dataDir)
  const ensureDir = () => mkdirSync(dir, { recursive: true, mode: 0o700 })
  const sidecar = (id: string) => join(dir, `${id}.json`)

  const readSidecar = (path: string): ExportFile | null => {
    try {
      const parsed = ExportFileSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')))
      if (parsed.success) return parsed.data
      logger.warn('export sidecar unreadable; left out of the list', { path })
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
        logger.warn('export sidecar unreadable; left out of the list', { path, error: e })
      }
    }
    return null
  }

  const get = (id: string): ExportFile => {
    const file = readSidecar(sidecar(id))
    if (file === null) {
      throw new AppError('not_found', `id: no export ${id}`, { field: 'id', id })
    }
    return file
  }

  return {
    dir,
    pathFor: (id, fileName) => {
      ensureDir()
      // The id keeps two exports of the same target in the same second apart.
      return join(dir, `${id}-${fileName}`)
    },
    save: (file) => {
      ensureDir()
      writeFileSync(sidecar(file.id), JSON.stringify(file, null, 2), { mode: 0o600 })
    },
    list: (limit) => {
      let names: string[]
      try {
        names = readdirSync(dir)
      } catch {
        return []
      }
      return names
        .filter((n) => SIDECAR.test(n))
        .map((n) => readSidecar(join(dir, n)))
        .filter((f): f is ExportFile => f !== null)
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id))
        .slice(0, limit)
    },
    get,
    remove: (id) => {
      const file = get(id)
      rmSync(file.path, { force: true })
      rmSync(sidecar(id), { force: true })
    },
    read: async (id, offset, length) => {
      const file = get(id)
      const size = (await stat(file.path)).size
      const handle = await open(file.path, 'r')
      try {
        const want = Math.max(0, Math.min(length, size - offset))
        const data = Buffer.alloc(want)
        const { bytesRead } = await handle.read(data, 0, want, offset)
        return { data: data.subarray(0, bytesRead), size }
      } finally {
        await handle.close()
      }
    },
    stream: (id) => {
      const file = get(id)
      return { file, body: createReadStream(file.path) }
    },
  }
}
