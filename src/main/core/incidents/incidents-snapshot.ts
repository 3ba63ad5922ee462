import { randomUUID } from 'node:crypto'
import { rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { AppError } from '#shared/contract/errors'
import {
  IncidentStatusSchema,
  type IncidentStatus,
  type SnapshotImportReport,
} from '#shared/contract/incidents.contract'
import type { ChangeCaller } from '../audit/change-caller'
import type { CoreContext } from '../core-context'
import { canonicalIncidentUrl, dedupKeyOf, mergeLists, rowToIncident } from './incident-row'
import type { IncidentRow } from './incidents.repository'
import type { IncidentsService } from './incidents.service'

/** The snapshot the core keeps current in the data directory (the seed's file, for other tools to read). */
export const SNAPSHOT_FILE = 'threats-snapshot.json'
export const SNAPSHOT_VERSION = 1

/**
 * One tracked threat in a snapshot: the seed's fields (url, severity, sources, status, first_seen) and what
 * a hand-over should not lose (tags, last_seen, occurrences). Import accepts a file with only the seed's.
 */
const TrackedThreatSchema = z.object({
  url: z.string().min(1).max(8192),
  severity: z.number().int().min(0).max(100),
  sources: z.array(z.string().trim().min(1).max(200)).max(64).default([]),
  status: IncidentStatusSchema.default('open'),
  first_seen: z.iso.datetime({ offset: true }).optional(),
  last_seen: z.iso.datetime({ offset: true }).optional(),
  occurrences: z.number().int().min(1).optional(),
  tags: z.array(z.string().trim().min(1).max(128)).max(256).default([]),
})
type TrackedThreat = z.output<typeof TrackedThreatSchema>

/** The snapshot document of the incidents that have a URL: one entry per URL (dedup_key guarantees it). */
export const buildSnapshot = (rows: readonly IncidentRow[], generatedAt: string): string => {
  const seen = new Set<string>()
  const threats: z.input<typeof TrackedThreatSchema>[] = []
  for (const row of rows) {
    const i = rowToIncident(row)
    if (i.url === null || seen.has(i.url)) continue
    seen.add(i.url)
    threats.push({
      url: i.url,
      severity: i.severity,
      sources: i.sources,
      status: i.status,
      first_seen: i.firstSeen,
      last_seen: i.lastSeen,
      occurrences: i.occurrences,
      tags: i.tags,
    })
  }
  return `${JSON.stringify(
    { version: SNAPSHOT_VERSION, generated_at: generatedAt, data: { tracked_threats: threats } },
    null,
    2,
  )}\n`
}

const STATUS_RANK: Record<IncidentStatus, number> = { resolved: 0, open: 1, escalated: 2 }

/** Two analysts' views of one threat merged: nothing either saw is lost, the graver status wins. */
const mergeThreat = (row: IncidentRow, t: TrackedThreat, now: string): IncidentRow => {
  const have = rowToIncident(row)
  const status = STATUS_RANK[t.status] > STATUS_RANK[have.status] ? t.status : have.status
  const firstSeen = t.first_seen !== undefined && t.first_seen < row.first_seen
  const lastSeen = t.last_seen !== undefined && t.last_seen > row.last_seen
  return {
    ...row,
    sources: JSON.stringify(mergeLists(have.sources, t.sources)),
    tags: JSON.stringify(mergeLists(have.tags, t.tags)),
    severity: Math.max(row.severity, t.severity),
    status,
    first_seen: firstSeen ? new Date(t.first_seen ?? now).toISOString() : row.first_seen,
    last_seen: lastSeen ? new Date(t.last_seen ?? now).toISOString() : row.last_seen,
    occurrences: Math.max(row.occurrences, t.occurrences ?? 1),
    updated_at: now,
  }
}

const newThreatRow = (url: string, key: string, t: TrackedThreat, now: string): IncidentRow => {
  const first = t.first_seen === undefined ? now : new Date(t.first_seen).toISOString()
  return {
    id: randomUUID(),
    url,
    indicator_id: null,
    dedup_key: key,
    sources: JSON.stringify(mergeLists([], t.sources)),
    severity: t.severity,
    summary: '',
    details: JSON.stringify({ importedFrom: 'snapshot' }),
    tags: JSON.stringify(mergeLists([], t.tags)),
    status: t.status,
    first_seen: first,
    last_seen: t.last_seen === undefined ? first : new Date(t.last_seen).toISOString(),
    occurrences: t.occurrences ?? 1,
    assignee: null,
    project_id: null,
    created_at: now,
    updated_at: now,
  }
}

/** The list in a snapshot text, or invalid_input naming what is wrong with the file. */
const threatList = (content: string): unknown[] => {
  let doc: unknown
  try {
    doc = JSON.parse(content)
  } catch (e) {
    throw new AppError('invalid_input', `content: not JSON (${(e as Error).message})`, {
      field: 'content',
    })
  }
  const data = z
    .object({ data: z.object({ tracked_threats: z.array(z.unknown()) }) })
    .safeParse(doc)
  if (!data.success) {
    throw new AppError(
      'invalid_input',
      'content: not a snapshot; expected { "data": { "tracked_threats": [...] } }',
      { field: 'data.tracked_threats' },
    )
  }
  return data.data.data.tracked_threats
}

/** Imports a snapshot by URL: new URLs become incidents, known ones merge. Bad entries are reported. */
export const importSnapshot = async (
  ctx: CoreContext,
  svc: IncidentsService,
  content: string,
  by: ChangeCaller,
): Promise<SnapshotImportReport> => {
  const list = threatList(content)
  const report: SnapshotImportReport = { created: 0, merged: 0, rejects: [] }
  const good: { index: number; url: string; threat: TrackedThreat }[] = []
  list.forEach((entry, index) => {
    const parsed = TrackedThreatSchema.safeParse(entry)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      const field = issue.path.join('.') || '(entry)'
      report.rejects.push({ index, field, message: issue.message })
      return
    }
    try {
      good.push({ index, url: canonicalIncidentUrl(parsed.data.url), threat: parsed.data })
    } catch (e) {
      report.rejects.push({ index, field: 'url', message: (e as Error).message })
    }
  })
  if (good.length === 0) return report
  await ctx.db.writes.run('incidents.importSnapshot', () =>
    ctx.db.sqlite.transaction(() => {
      const now = ctx.clock.now().toISOString()
      for (const { url, threat } of good) {
        const key = dedupKeyOf(url, null)
        const have = svc.repo.byKey(key)
        if (have === undefined) {
          const row = newThreatRow(url, key, threat, now)
          svc.repo.insert(row)
          report.created++
          ctx.changes.record(by, {
            entity: 'incident',
            entityId: row.id,
            operation: 'import',
            changes: { url, severity: row.severity, status: row.status, created: true },
          })
          continue
        }
        const next = mergeThreat(have, threat, now)
        svc.repo.update(next)
        report.merged++
        ctx.changes.record(by, {
          entity: 'incident',
          entityId: have.id,
          operation: 'import',
          changes: { url, severity: next.severity, status: next.status, created: false },
        })
      }
    })(),
  )
  svc.announceBulk()
  return report
}

export type SnapshotWriter = {
  /** Writes now if a change is waiting (waitForIdle and stop call it). */
  flush(): Promise<void>
  stop(): Promise<void>
}

/**
 * Keeps `<dataDir>/threats-snapshot.json` current: rewritten a moment after incidents change (a burst of
 * changes is one write), through a temporary file and a rename so a reader never sees half a file, private
 * like every data file. A failure is logged and retried on the next change; it never reaches the caller
 * whose change triggered it.
 */
export const startSnapshotWriter = (
  ctx: CoreContext,
  svc: IncidentsService,
  debounceMs = 250,
): SnapshotWriter => {
  const file = join(ctx.dataDir, SNAPSHOT_FILE)
  let timer: ReturnType<typeof setTimeout> | null = null
  let pending = false
  let writing: Promise<void> = Promise.resolve()

  const write = async (): Promise<void> => {
    pending = false
    const tmp = `${file}.${process.pid}.tmp`
    try {
      const content = buildSnapshot(svc.repo.withUrl(), ctx.clock.now().toISOString())
      await writeFile(tmp, content, { mode: 0o600 })
      await rename(tmp, file)
    } catch (e) {
      ctx.logger.warn('threat snapshot not written', { file, error: e })
      await rm(tmp, { force: true }).catch(() => undefined)
    }
  }
  const flush = async (): Promise<void> => {
    if (timer !== null) clearTimeout(timer)
    timer = null
    await writing
    if (pending) {
      writing = write()
      await writing
    }
  }
  const off = ctx.events.on('incidents.onDidChange', () => {
    pending = true
    if (timer !== null) clearTimeout(timer)
    timer = setTimeout(() => {
      timer = null
      void flush()
    }, debounceMs)
  })
  return {
    flush,
    stop: async () => {
      off()
      await flush()
    },
  }
}
