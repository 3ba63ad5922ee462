import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { countRows, openTestCore, writeFile, type TestCore } from './engine-support'

/** The plan's detail lines, e.g. "SEARCH o USING INDEX UQ_observations_indicator_source (...)". */
const plan = (t: TestCore, sql: string, ...params: unknown[]): string =>
  (t.core.db.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[])
    .map((r) => r.detail)
    .join('\n')

describe('migration 0002 and the engine’s statements', () => {
  let t: TestCore
  beforeEach(async () => {
    t = await openTestCore()
  })
  afterEach(async () => {
    await t.close()
  })

  it('creates the feed tables, keyed for appending imports', () => {
    const names = (type: string) =>
      t.core.db.sqlite
        .prepare('SELECT name FROM sqlite_master WHERE type = ? ORDER BY name')
        .pluck()
        .all(type)
    expect(names('table')).toEqual(
      expect.arrayContaining([
        'feeds',
        'feed_runs',
        'feed_run_rejects',
        'observations',
        'intel_objects',
      ]),
    )
    expect(names('index')).toEqual(
      expect.arrayContaining([
        'UQ_feeds_name',
        'IDX_feed_runs_feed_started',
        'IDX_feed_run_rejects_run',
        'UQ_observations_indicator_source',
        'IDX_observations_feed',
        'IDX_intel_objects_type',
      ]),
    )
    const key = t.core.db.sqlite
      .prepare("PRAGMA index_info('UQ_observations_indicator_source')")
      .all() as {
      name: string
    }[]
    expect(key.map((c) => c.name)).toEqual(['indicator_rowid', 'source_key'])
  })

  it('uses the intended index for every hot statement', () => {
    expect(
      plan(
        t,
        `SELECT count(*) FROM observations WHERE indicator_rowid = (SELECT rowid FROM indicators WHERE id = ?)`,
        'x',
      ),
    ).toMatch(/USING COVERING INDEX UQ_observations_indicator_source \(indicator_rowid=\?\)/)
    expect(plan(t, 'SELECT rowid FROM indicators WHERE id = ?', 'x')).toMatch(
      /USING (COVERING )?INDEX sqlite_autoindex_indicators/,
    )
    expect(
      plan(
        t,
        'SELECT * FROM feed_runs WHERE feed_id = ? ORDER BY started_at DESC, id DESC LIMIT 5',
        'x',
      ),
    ).toMatch(/USING INDEX IDX_feed_runs_feed_started \(feed_id=\?\)/)
    expect(
      plan(
        t,
        'SELECT line, value, reason FROM feed_run_rejects WHERE run_id = ? ORDER BY line, id',
        'x',
      ),
    ).toMatch(/USING INDEX IDX_feed_run_rejects_run \(run_id=\?\)/)
    expect(plan(t, 'DELETE FROM observations WHERE feed_id = ?', 'x')).toMatch(
      /USING (COVERING )?INDEX IDX_observations_feed/,
    )
    expect(plan(t, 'SELECT * FROM feed_runs ORDER BY started_at DESC, id DESC LIMIT 5')).toMatch(
      /IDX_feed_runs_started/,
    )
  })

  it('deleting an indicator deletes what sources said about it', async () => {
    const path = writeFile(t.dataDir, 'list.txt', '198.51.100.1\n198.51.100.2\n')
    await t.core.call('feeds.importFile', { path, format: 'text', name: 'one' })
    await t.core.call('feeds.importFile', { path, format: 'text', name: 'two' })
    expect(countRows(t.core, 'observations')).toBe(4)
    const ip = await t.core.call('indicators.lookup', { type: 'ip', value: '198.51.100.1' })
    if (!ip) throw new Error('not imported')
    expect((await t.core.call('observations.list', { indicatorId: ip.id })).total).toBe(2)
    await t.core.call('indicators.delete', { id: ip.id })
    expect(countRows(t.core, 'observations')).toBe(2)
    expect((await t.core.call('observations.list', { indicatorId: ip.id })).total).toBe(0)
  })

  it('uses 16 KiB pages and checkpoints every 64 MiB of WAL, on every connection, during runs and after', async () => {
    const sqlite = t.core.db.sqlite
    const pragma = (name: string) => sqlite.pragma(name, { simple: true }) as number
    expect(pragma('page_size')).toBe(16_384)
    const autocheckpoint = () => pragma('wal_autocheckpoint') * pragma('page_size')
    const seen: number[] = []
    const off = t.core.events.on('feeds.onDidProgress', () => seen.push(autocheckpoint()))
    const path = writeFile(t.dataDir, 'list.txt', '198.51.100.1\n')
    await t.core.call('feeds.importFile', { path, format: 'text' })
    off()
    expect(seen.length).toBeGreaterThan(0)
    expect(new Set([...seen, autocheckpoint()])).toEqual(new Set([64 * 1024 * 1024]))
  })

  it('fails runs a crash left open when the core starts again', async () => {
    const path = writeFile(t.dataDir, 'list.txt', '198.51.100.1\n')
    const run = await t.core.call('feeds.importFile', { path, format: 'text' })
    // What a killed process leaves behind: a run still marked running.
    t.core.db.sqlite
      .prepare("UPDATE feed_runs SET status = 'running', finished_at = NULL WHERE id = ?")
      .run(run.id)
    await t.core.start()
    const after = await t.core.call('feeds.getRun', { id: run.id })
    expect(after.status).toBe('failed')
    expect(after.error).toMatch(/Interrupted/)
    // The change log says how the run ended, as it does for a run that finished on its own.
    const finishes = await t.core.call('audit.list', {
      entity: 'feed_run',
      entityId: run.id,
      operation: 'run_finish',
      limit: 10,
    })
    expect(finishes.items[0]?.changes).toMatchObject({ status: 'failed' })
    expect(finishes.items[0]?.changes.error).toMatch(/Interrupted/)
  })
})
