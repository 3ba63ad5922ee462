import { randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { rename, rm, stat } from 'node:fs/promises'
import type { Writable } from 'node:stream'
import { finished } from 'node:stream/promises'
import { AppError } from '#shared/contract/errors'
import {
  CONFIRM_TLPS,
  type ExportCheck,
  type ExportFile,
  type ExportFormat,
  type ExportTarget,
} from '#shared/contract/export.schemas'
import type { Job } from '#shared/contract/jobs.contract'
import type { Tlp } from '#shared/domain/enums'
import type { ChangeCaller } from '../audit/change-caller'
import type { CoreContext } from '../core-context'
import type { JobRegistry } from '../jobs/job-registry'
import type { ExportSet } from './export-set'
import { createExportStore, exportFileName, type ExportStore } from './export-store'
import { FORMAT_FILES, availableFormats, writerOf } from './export-writers'
import { buildExportSet, strictestTlp, tlpCountsOf } from './sources/build-export-set'
import { tlpCountsOfScope } from './sources/indicator-scope'
import { resolveTarget } from './sources/resolve-target'

export type ExportRequest = {
  format: ExportFormat
  target: ExportTarget
  defang: boolean
  confirmTlp: boolean
}

/** An export ready to stream (a REST response, the CLI's file): the TLP rule has passed. */
export type PreparedExport = {
  set: ExportSet
  targetText: string
  tlp: Tlp
  fileName: string
  mediaType: string
  write(
    out: Writable,
    signal: AbortSignal,
    progress?: (done: number, total: number | null) => void,
  ): Promise<{ rows: number }>
}

const needsConfirm = (tlp: Tlp): boolean => (CONFIRM_TLPS as readonly string[]).includes(tlp)

const countsText = (counts: Partial<Record<Tlp, number>>): string =>
  Object.entries(counts)
    .filter(([, n]) => (n ?? 0) > 0)
    .map(([t, n]) => `${n} ${t.toUpperCase()}`)
    .join(', ')

export const tlpWarning = (tlp: Tlp, counts: Partial<Record<Tlp, number>>): string | null =>
  needsConfirm(tlp)
    ? `Contains TLP:${tlp.toUpperCase()} material (${countsText(counts)}): share it only as its TLP allows`
    : null

const refuse = (tlp: Tlp, counts: Partial<Record<Tlp, number>>): AppError =>
  new AppError(
    'forbidden',
    `confirmTlp: the export contains TLP:${tlp.toUpperCase()} material (${countsText(counts)}); confirm to export it`,
    { field: 'confirmTlp', tlp, tlpCounts: counts },
  )

export type ExportService = ReturnType<typeof createExportService>

/**
 * Exports: a target resolved into an ExportSet, written by its format's writer into the exports folder as a
 * job, or straight into a stream. The TLP rule is checked twice: when the export is asked for (so the caller
 * hears it at once) and on the set as written (the data may have changed in between).
 */
export const createExportService = (
  ctx: Pick<CoreContext, 'db' | 'clock' | 'dataDir' | 'logger' | 'changes'>,
  jobs: JobRegistry,
) => {
  const sqlite = ctx.db.sqlite
  const store: ExportStore = createExportStore(ctx.dataDir, ctx.logger)

  const check = (target: ExportTarget): ExportCheck => {
    const resolved = resolveTarget(sqlite, target)
    const scopeCounts = resolved.scope === null ? {} : tlpCountsOfScope(sqlite, resolved.scope)
    const tlpCounts = tlpCountsOf(resolved, scopeCounts)
    const tlp = strictestTlp(tlpCounts)
    return {
      tlp,
      tlpCounts,
      indicatorCount: Object.values(scopeCounts).reduce((a, n) => a + (n ?? 0), 0),
      entityCount: resolved.entities.length,
      targetText: resolved.targetText,
      warning: tlpWarning(tlp, tlpCounts),
      needsConfirm: needsConfirm(tlp),
      formats: availableFormats(),
    }
  }

  const setOf = (req: ExportRequest): { set: ExportSet; targetText: string } => {
    const resolved = resolveTarget(sqlite, req.target)
    const set = buildExportSet(sqlite, resolved, ctx.clock.now())
    if (needsConfirm(set.tlp) && !req.confirmTlp) throw refuse(set.tlp, set.tlpCounts)
    return { set, targetText: resolved.targetText }
  }

  /**
   * Resolves the target and checks the TLP rule without writing anything, so a caller that streams (a REST
   * response) can still answer with an error; `write` then writes into `out` without ending it.
   */
  const prepare = (req: ExportRequest): PreparedExport => {
    const write = writerOf(req.format)
    const { set, targetText } = setOf(req)
    const rows = req.target.kind === 'entities' ? 'entities' : 'indicators'
    const { extension, mediaType } = FORMAT_FILES[req.format]
    return {
      set,
      targetText,
      tlp: set.tlp,
      mediaType,
      fileName: exportFileName(set.title, set.tlp, ctx.clock.now(), extension),
      write: (out, signal, progress = () => {}) =>
        write(set, out, { defang: req.defang, rows, signal, progress }),
    }
  }

  /** The job's work: the file is written under a temporary name and listed once it is whole. */
  // Who exported what, at which TLP: the change log keeps it like any other change.
  const record = (
    by: ChangeCaller,
    id: string,
    operation: 'create' | 'delete',
    changes: Record<string, unknown>,
  ) =>
    ctx.db.writes.run('export.record', () => {
      // The change is a file, not a row: the entry is the transaction's only write.
      ctx.db.sqlite.transaction(() => {
        ctx.changes.record(by, { entity: 'export', entityId: id, operation, changes })
      })()
    })

  const run = async (
    req: ExportRequest,
    by: ChangeCaller,
    signal: AbortSignal,
    progress: (done: number, total: number | null) => void,
  ): Promise<ExportFile> => {
    const id = randomUUID()
    const createdAt = ctx.clock.now()
    const partial = store.pathFor(id, `export.part`)
    const out = createWriteStream(partial, { mode: 0o600, flags: 'wx' })
    let prepared: PreparedExport
    let rows: number
    try {
      prepared = prepare(req)
      rows = (await prepared.write(out, signal, progress)).rows
      out.end()
      await finished(out)
    } catch (e) {
      out.destroy()
      await rm(partial, { force: true })
      throw e
    }
    const fileName = exportFileName(
      prepared.set.title,
      prepared.tlp,
      createdAt,
      FORMAT_FILES[req.format].extension,
    )
    const path = store.pathFor(id, fileName)
    await rename(partial, path)
    const file: ExportFile = {
      id,
      format: req.format,
      target: req.target,
      targetText: prepared.targetText,
      tlp: prepared.tlp,
      defang: req.defang,
      fileName,
      path,
      mediaType: prepared.mediaType,
      size: (await stat(path)).size,
      rows,
      createdAt: createdAt.toISOString(),
    }
    store.save(file)
    await record(by, file.id, 'create', {
      format: file.format,
      target: file.targetText,
      tlp: file.tlp,
      rows: file.rows,
      defang: file.defang,
      fileName: file.fileName,
    })
    return file
  }

  return {
    check,
    prepare,
    /** Refuses at once what the job would refuse (TLP, a format this build lacks, a missing target). */
    start: (req: ExportRequest, by: ChangeCaller): Job => {
      writerOf(req.format)
      const c = check(req.target)
      if (c.needsConfirm && !req.confirmTlp) throw refuse(c.tlp, c.tlpCounts)
      return jobs.start('export.start', by.actor, (job) => run(req, by, job.signal, job.progress))
    },
    run,
    list: (limit: number) => store.list(limit),
    get: (id: string) => store.get(id),
    remove: async (id: string, by: ChangeCaller) => {
      const file = store.get(id)
      store.remove(id)
      await record(by, id, 'delete', { fileName: file.fileName, tlp: file.tlp })
    },
    read: (id: string, offset: number, length: number) => store.read(id, offset, length),
    stream: (id: string) => store.stream(id),
  }
}
