import type BetterSqlite3 from 'better-sqlite3'
import type { ProviderId, ScanJob } from '#shared/contract/enrichment.schemas'

export type ScanJobRow = {
  id: string
  type: ScanJob['type']
  status: ScanJob['status']
  target: string
  input: string | null
  providers: string | null
  actor: string
  indicators_total: number | null
  indicators_processed: number
  new_threats: number
  alerts_triggered: number
  errors: number
  error_samples: string | null
  created_at: string
  started_at: string | null
  finished_at: string | null
  duration_ms: number | null
}

/** The first errors a job keeps for its detail. */
export const ERROR_SAMPLES_MAX = 20

export const rowToScanJob = (r: ScanJobRow): ScanJob => ({
  id: r.id,
  type: r.type,
  status: r.status,
  target: r.target,
  providers: r.providers === null ? [] : (JSON.parse(r.providers) as ProviderId[]),
  actor: r.actor,
  indicatorsTotal: r.indicators_total,
  indicatorsProcessed: r.indicators_processed,
  newThreats: r.new_threats,
  alertsTriggered: r.alerts_triggered,
  errors: r.errors,
  errorSamples: r.error_samples === null ? [] : (JSON.parse(r.error_samples) as string[]),
  createdAt: r.created_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  durationMs: r.duration_ms,
})

export type JobDelta = {
  processed?: number
  newThreats?: number
  alerts?: number
  errors?: string[]
}

/** scan_jobs: the persisted enrichment jobs and their metrics. */
export const createScanJobsRepository = (db: BetterSqlite3.Database) => {
  const insert =
    db.prepare(`INSERT INTO scan_jobs (id, type, status, target, input, providers, actor,
      indicators_total, indicators_processed, new_threats, alerts_triggered, errors, error_samples, created_at)
    VALUES (@id, @type, 'queued', @target, @input, @providers, @actor, NULL, 0, 0, 0, 0, '[]', @created_at)`)
  const get = db.prepare<[string], ScanJobRow>('SELECT * FROM scan_jobs WHERE id = ?')
  const list = db.prepare<[string | null, string | null, number], ScanJobRow>(
    'SELECT * FROM scan_jobs WHERE (? IS NULL OR status = ?) ORDER BY created_at DESC, id DESC LIMIT ?',
  )
  const open = db.prepare<[], ScanJobRow>(
    "SELECT * FROM scan_jobs WHERE status IN ('queued', 'running') ORDER BY created_at, id",
  )
  const start = db.prepare(
    "UPDATE scan_jobs SET status = 'running', started_at = coalesce(started_at, ?) WHERE id = ?",
  )
  const total = db.prepare('UPDATE scan_jobs SET indicators_total = ? WHERE id = ?')
  const bump = db.prepare(`UPDATE scan_jobs SET indicators_processed = indicators_processed + ?,
      new_threats = new_threats + ?, alerts_triggered = alerts_triggered + ?, errors = errors + ?,
      error_samples = ? WHERE id = ?`)
  const finish = db.prepare(
    'UPDATE scan_jobs SET status = ?, finished_at = ?, duration_ms = ?, error_samples = coalesce(?, error_samples) WHERE id = ?',
  )
  return {
    insert: (r: {
      id: string
      type: ScanJob['type']
      target: string
      input: string
      providers: ProviderId[]
      actor: string
      created_at: string
    }) => insert.run({ ...r, providers: JSON.stringify(r.providers) }),
    get: (id: string) => get.get(id),
    list: (status: ScanJob['status'] | undefined, limit: number) =>
      list.all(status ?? null, status ?? null, limit),
    open: () => open.all(),
    start: (id: string, now: string) => start.run(now, id),
    setTotal: (id: string, n: number) => total.run(n, id),
    bump: (id: string, d: JobDelta): void => {
      const row = get.get(id)
      if (row === undefined) return
      const samples = row.error_samples === null ? [] : (JSON.parse(row.error_samples) as string[])
      for (const e of d.errors ?? [])
        if (samples.length < ERROR_SAMPLES_MAX) samples.push(e.slice(0, 500))
      bump.run(
        d.processed ?? 0,
        d.newThreats ?? 0,
        d.alerts ?? 0,
        d.errors?.length ?? 0,
        JSON.stringify(samples),
        id,
      )
    },
    finish: (id: string, status: ScanJob['status'], now: Date, message?: string) => {
      const row = get.get(id)
      if (row === undefined) return
      const started = row.started_at === null ? null : new Date(row.started_at).getTime()
      let samples: string | null = null
      if (message !== undefined) {
        const all = row.error_samples === null ? [] : (JSON.parse(row.error_samples) as string[])
        if (all.length < ERROR_SAMPLES_MAX) all.push(message.slice(0, 500))
        samples = JSON.stringify(all)
      }
      finish.run(
        status,
        now.toISOString(),
        started === null ? null : Math.max(0, now.getTime() - started),
        samples,
        id,
      )
    },
  }
}
export type ScanJobsRepository = ReturnType<typeof createScanJobsRepository>
