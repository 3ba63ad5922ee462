import { describe, expect, it } from 'vitest'
import { CreateSummaryReports1764801800000 } from '#core/db/migrations/0018-create-summary-reports'
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
const version = versionOf(CreateSummaryReports1764801800000)

const NOW = '2026-12-03T06:00:00.000Z'

describe('migration 0018 (summary reports)', () => {
  it('adds summary_reports, one row per type and period, the arrivals index, and goes back down', async () => {
    const file = tempFile()
    await migrateTo(file, version - 1)
    expect(await migrateTo(file, version)).toEqual(['CreateSummaryReports1764801800000'])
    expect(namesOf(file, 'table')).toContain('summary_reports')
    expect(namesOf(file, 'index')).toEqual(
      expect.arrayContaining([
        'UQ_summary_reports_period',
        'IDX_summary_reports_created',
        'IDX_indicators_created_at',
      ]),
    )
    withSqlite(file, (db) => {
      const insert = db.prepare(
        `INSERT INTO summary_reports (id, type, range_start, range_end, format, created_at)
         VALUES (?, ?, '2026-12-02T00:00:00.000Z', '2026-12-03T00:00:00.000Z', 'md', ?)`,
      )
      insert.run('00000000-0000-4000-8000-000000000001', 'daily', NOW)
      expect(() => insert.run('00000000-0000-4000-8000-000000000002', 'daily', NOW)).toThrow(
        /UNIQUE/,
      )
      // The same period as a custom range is another report.
      insert.run('00000000-0000-4000-8000-000000000003', 'custom', NOW)
      expect(
        db
          .prepare(
            `SELECT status, "trigger", stats, file_path, file_size, error, finished_at
             FROM summary_reports WHERE type = 'daily'`,
          )
          .get(),
      ).toEqual({
        status: 'queued',
        trigger: 'manual',
        stats: null,
        file_path: null,
        file_size: null,
        error: null,
        finished_at: null,
      })
    })
    // What arrived in a range is a walk of the index, not a scan of every indicator.
    expect(
      planOf(
        file,
        `SELECT count(*) FROM indicators WHERE created_at >= ? AND created_at < ?`,
        NOW,
        NOW,
      ).join(' '),
    ).toMatch(/USING COVERING INDEX IDX_indicators_created_at/)
    expect(
      planOf(
        file,
        `SELECT id FROM summary_reports ORDER BY created_at DESC, id DESC LIMIT 50`,
      ).join(' '),
    ).toMatch(/IDX_summary_reports_created/)

    await revert(file, version)
    expect(namesOf(file, 'table')).not.toContain('summary_reports')
    expect(namesOf(file, 'index')).not.toContain('IDX_indicators_created_at')
  })
})
