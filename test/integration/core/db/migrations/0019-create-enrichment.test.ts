import { describe, expect, it } from 'vitest'
import { CreateEnrichment1764801900000 } from '#core/db/migrations/0019-create-enrichment'
import {
  migrateTo,
  namesOf,
  planOf,
  revert,
  useTempDatabaseFile,
  versionOf,
  withSqlite,
} from './migration-support'

const tempFile = useTempDatabaseFile()
const version = versionOf(CreateEnrichment1764801900000)

const NOW = '2026-12-03T23:00:00.000Z'
const IND = '00000000-0000-4000-8000-000000000191'
const JOB = '00000000-0000-4000-8000-000000000192'

describe('migration 0019 (enrichment)', () => {
  it('adds results and queue, cache, usage, pivot keys, scan jobs and the signal column, and goes back down', async () => {
    const file = tempFile()
    await migrateTo(file, version - 1)
    expect(await migrateTo(file, version)).toEqual(['CreateEnrichment1764801900000'])
    expect(namesOf(file, 'table')).toEqual(
      expect.arrayContaining([
        'enrichment_results',
        'enrichment_cache',
        'enrichment_usage',
        'enrichment_keys',
        'scan_jobs',
      ]),
    )
    expect(namesOf(file, 'index')).toEqual(
      expect.arrayContaining([
        'IDX_enrichment_results_queue',
        'IDX_enrichment_results_job',
        'IDX_enrichment_cache_expires',
        'IDX_enrichment_keys_value',
        'IDX_scan_jobs_created',
        'IDX_scan_jobs_status',
      ]),
    )
    withSqlite(file, (db) => {
      db.pragma('foreign_keys = ON')
      db.prepare(
        `INSERT INTO indicators (id, type, value, created_at, updated_at) VALUES (?, 'ip', '45.155.205.233', ?, ?)`,
      ).run(IND, NOW, NOW)
      const insert = db.prepare(
        `INSERT INTO enrichment_results (indicator_id, provider, status, reliability, requested_at, updated_at)
         VALUES (?, ?, 'queued', 'C', ?, ?)`,
      )
      insert.run(IND, 'virustotal', NOW, NOW)
      // One row per (indicator, provider).
      expect(() => insert.run(IND, 'virustotal', NOW, NOW)).toThrow(/UNIQUE|PRIMARY/)
      expect(() =>
        insert.run('00000000-0000-4000-8000-0000000001ff', 'virustotal', NOW, NOW),
      ).toThrow(/FOREIGN KEY/)
      expect(
        db
          .prepare(
            `SELECT raw_truncated, cached, tlp_override, attempts, scan_job_id, next_attempt_at
             FROM enrichment_results`,
          )
          .get(),
      ).toEqual({
        raw_truncated: 0,
        cached: 0,
        tlp_override: 0,
        attempts: 0,
        scan_job_id: null,
        next_attempt_at: null,
      })
      db.prepare(
        `INSERT INTO enrichment_keys (indicator_id, kind, value, provider) VALUES (?, 'asn', '9009', 'asn')`,
      ).run(IND)
      db.prepare(
        `INSERT INTO scan_jobs (id, type, target, actor, created_at) VALUES (?, 'enrichment', '1 indicator', 'a', ?)`,
      ).run(JOB, NOW)
      expect(
        db.prepare('SELECT status, indicators_processed, new_threats, errors FROM scan_jobs').get(),
      ).toEqual({ status: 'queued', indicators_processed: 0, new_threats: 0, errors: 0 })
      db.prepare('UPDATE indicators SET enrichment_signal = ? WHERE id = ?').run('{}', IND)
      // Deleting the indicator deletes its results and keys.
      db.prepare('DELETE FROM indicators WHERE id = ?').run(IND)
      expect(db.prepare('SELECT count(*) AS n FROM enrichment_results').get()).toEqual({ n: 0 })
      expect(db.prepare('SELECT count(*) AS n FROM enrichment_keys').get()).toEqual({ n: 0 })
    })
    // The worker's pick, a job's open rows, pivots and job lists walk their indexes.
    expect(
      planOf(
        file,
        `SELECT indicator_id FROM enrichment_results WHERE status = 'queued' AND provider = ?
         AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY next_attempt_at LIMIT 20`,
        'virustotal',
        NOW,
      ).join(' '),
    ).toMatch(/IDX_enrichment_results_queue/)
    expect(
      planOf(
        file,
        `SELECT count(*) FROM enrichment_results WHERE scan_job_id = ? AND status = 'running'`,
        JOB,
      ).join(' '),
    ).toMatch(/IDX_enrichment_results_job/)
    expect(
      planOf(
        file,
        `SELECT indicator_id FROM enrichment_keys WHERE kind = 'asn' AND value = ?`,
        '9009',
      ).join(' '),
    ).toMatch(/IDX_enrichment_keys_value/)
    expect(
      planOf(file, 'SELECT * FROM scan_jobs ORDER BY created_at DESC, id DESC LIMIT 50').join(' '),
    ).toMatch(/IDX_scan_jobs_created/)

    await revert(file, version)
    expect(namesOf(file, 'table')).not.toContain('enrichment_results')
    expect(namesOf(file, 'table')).not.toContain('scan_jobs')
    withSqlite(file, (db) => {
      const cols = db.prepare('PRAGMA table_info(indicators)').all() as { name: string }[]
      expect(cols.map((c) => c.name)).not.toContain('enrichment_signal')
    })
  })
})
