import { describe, expect, it } from 'vitest'
import { AddFeedUrlFromHttp1764780000000 } from '#core/db/migrations/0009-add-feed-url-from-http'
import { migrateTo, revert, useTempDatabaseFile, versionOf, withSqlite } from './migration-support'

const tempFile = useTempDatabaseFile()
const version = versionOf(AddFeedUrlFromHttp1764780000000)
const NOW = '2025-11-21T10:00:00.000Z'

const feedColumns = (file: string): string[] =>
  withSqlite(file, (db) =>
    (db.prepare('PRAGMA table_info(feeds)').all() as { name: string }[]).map((c) => c.name),
  )

describe('migration 0009 (where a feed URL came from)', () => {
  it('adds url_from_http, false for the feeds that exist, and goes back down keeping them', async () => {
    const file = tempFile()
    await migrateTo(file, version - 1)
    withSqlite(file, (db) =>
      db
        .prepare(
          `INSERT INTO feeds (id, name, format, url, default_tlp, reliability, created_at, updated_at)
           VALUES ('00000000-0000-4000-8000-000000000001', 'Intranet TAXII', 'taxii',
                   'http://10.0.0.5/taxii2/', 'amber', 'B', ?, ?)`,
        )
        .run(NOW, NOW),
    )
    expect(await migrateTo(file, version)).toEqual(['AddFeedUrlFromHttp1764780000000'])
    expect(
      withSqlite(file, (db) => db.prepare('SELECT name, url_from_http FROM feeds').all()),
    ).toEqual([{ name: 'Intranet TAXII', url_from_http: 0 }])
    // A new row without the column gets the default; one set over the API says so.
    withSqlite(file, (db) =>
      db
        .prepare(
          `INSERT INTO feeds (id, name, format, url, default_tlp, reliability, url_from_http, created_at, updated_at)
           VALUES ('00000000-0000-4000-8000-000000000002', 'From the API', 'text', 'http://x.example/', 'amber', 'F', 1, ?, ?)`,
        )
        .run(NOW, NOW),
    )
    await revert(file, version)
    expect(feedColumns(file)).not.toContain('url_from_http')
    expect(
      withSqlite(file, (db) => db.prepare('SELECT name FROM feeds ORDER BY name').pluck().all()),
    ).toEqual(['From the API', 'Intranet TAXII'])
  })

  it('is named VerbNoun<13-digit timestamp>', () => {
    expect(new AddFeedUrlFromHttp1764780000000().name).toMatch(/^AddFeedUrlFromHttp\d{13}$/)
  })
})
