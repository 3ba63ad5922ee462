import type BetterSqlite3 from 'better-sqlite3'
import { ENRICHMENT_PROVIDERS, type ProviderId } from '#shared/contract/enrichment.schemas'
import type { Out, ParsedIn } from '#shared/contract'
import { rowToResult, type ResultRow } from '../enrichment.repository'

type QueueOut = Out<'enrichment.queue'>
type Counts = QueueOut['counts']

const COLUMNS = `r.indicator_id, r.provider, r.status, r.level, r.summary, r.tags, r.facts, r.reliability, r.source,
  r.skip_reason, r.message, r.raw_truncated, (r.raw IS NOT NULL) AS has_raw, r.cached, r.tlp_override,
  r.attempts, r.scan_job_id, r.requested_at, r.fetched_at, r.expires_at, r.next_attempt_at`

type Row = ResultRow & {
  i_type: string
  i_value: string
  i_score: number
  i_risk: string
  i_tlp: string
}

/** The queue view: counts per provider and status, and a page of entries with their indicators. */
export const createQueueReads = (sqlite: BetterSqlite3.Database) => {
  const counts = sqlite.prepare<
    [],
    { provider: ProviderId; status: string; skip_reason: string | null; n: number }
  >(
    'SELECT provider, status, skip_reason, count(*) AS n FROM enrichment_results GROUP BY provider, status, skip_reason',
  )
  const where = `WHERE (@provider IS NULL OR r.provider = @provider) AND (@status IS NULL OR r.status = @status)
    AND (@skip IS NULL OR r.skip_reason = @skip)`
  const page = sqlite.prepare<Record<string, unknown>, Row>(
    `SELECT ${COLUMNS}, i.type AS i_type, i.value AS i_value, i.score AS i_score, i.risk_level AS i_risk,
       i.tlp AS i_tlp
     FROM enrichment_results r JOIN indicators i ON i.id = r.indicator_id ${where}
     ORDER BY r.updated_at DESC, r.indicator_id, r.provider LIMIT @limit OFFSET @offset`,
  )
  const total = sqlite
    .prepare<Record<string, unknown>, number>(`SELECT count(*) FROM enrichment_results r ${where}`)
    .pluck()
  return (q: ParsedIn<'enrichment.queue'>): Omit<QueueOut, 'offline'> => {
    const c = Object.fromEntries(ENRICHMENT_PROVIDERS.map((p) => [p, {}])) as Counts
    for (const r of counts.all()) {
      const mine = c[r.provider] ?? {}
      const status = r.status as keyof Counts[ProviderId]
      mine[status] = (mine[status] ?? 0) + r.n
      if (r.status === 'skipped' && (r.skip_reason === 'tlp' || r.skip_reason === 'budget')) {
        const k = `skipped:${r.skip_reason}` as const
        mine[k] = (mine[k] ?? 0) + r.n
      }
      c[r.provider] = mine
    }
    const params = {
      provider: q.provider ?? null,
      status: q.status ?? null,
      skip: q.skipReason ?? null,
    }
    return {
      counts: c,
      items: page.all({ ...params, limit: q.limit, offset: q.offset }).map((r) => ({
        ...rowToResult(r),
        indicator: {
          id: r.indicator_id,
          type: r.i_type as never,
          value: r.i_value,
          score: r.i_score,
          riskLevel: r.i_risk as never,
          tlp: r.i_tlp as never,
        },
      })),
      total: total.get(params) ?? 0,
    }
  }
}
