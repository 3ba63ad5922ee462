import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  createIndicatorBulkWriter,
  type IndicatorBulkWriter,
  type IndicatorUpsertRow,
} from '#core/db/bulk/indicator-bulk'
import { createSearchIndexWriter } from '#core/db/bulk/indicator-search-index'
import { indicatorId } from '#core/indicators/indicator-id.node'
import { openTestCore, type TestCore } from './core-fixture'

const NOW = '2025-11-21T10:00:00.000Z'
const LATER = '2025-11-22T10:00:00.000Z'

let t: TestCore
let w: IndicatorBulkWriter
beforeEach(async () => {
  t = await openTestCore()
  w = createIndicatorBulkWriter(t.core.db.sqlite)
})
afterEach(() => t.dispose())

const row = (id: string) =>
  t.core.db.sqlite.prepare('SELECT rowid, * FROM indicators WHERE id = ?').get(id) as Record<
    string,
    unknown
  >

/** What the search index (search.sqlite, built by the indexer worker) matches, once it has caught up. */
const ftsRowids = async (match: string): Promise<number[]> => {
  expect(await t.core.search.catchUp(30_000)).toBe(true)
  return t.core.db.sqlite
    .prepare('SELECT rowid FROM search.indicators_fts WHERE indicators_fts MATCH ? ORDER BY rowid')
    .pluck()
    .all(match) as number[]
}

/** Rebuilds the index from the table and waits for it. */
const rebuildIndex = async () => {
  createSearchIndexWriter(t.core.db.sqlite).rebuild()
  expect(await t.core.search.catchUp(30_000)).toBe(true)
}

describe('indicator bulk writer', () => {
  it('creates rows with deterministic ids and reports outcomes in input order', () => {
    const rows: IndicatorUpsertRow[] = [
      { type: 'ip', value: '203.0.113.5', tags: ['c2'] },
      { type: 'domain', value: 'evil-corp.example', score: 90, severity: 'high' },
    ]
    const r = w.upsertBatch(rows, NOW)
    expect(r.outcomes).toEqual(['created', 'created'])
    expect(r.ids).toEqual([
      indicatorId('ip', '203.0.113.5'),
      indicatorId('domain', 'evil-corp.example'),
    ])
    const d = row(r.ids[1])
    expect(d).toMatchObject({
      score: 90,
      risk_level: 'critical',
      severity: 'high',
      severity_rank: 3,
      active: 1,
    })
    expect(d.created_at).toBe(NOW)
  })

  it('refuses to run outside a transaction', () => {
    expect(() => w.upsertMany([{ type: 'ip', value: '203.0.113.5' }], NOW)).toThrow(
      /inside a transaction/,
    )
  })

  it('is idempotent: the same rows again are unchanged and not written', () => {
    const rows: IndicatorUpsertRow[] = [
      { type: 'ip', value: '203.0.113.5', tags: ['c2'], firstSeen: '2025-01-01T00:00:00Z' },
      { type: 'md5', value: 'd41d8cd98f00b204e9800998ecf8427e' },
    ]
    const first = w.upsertBatch(rows, NOW)
    const again = w.upsertBatch(rows, LATER)
    expect(again.outcomes).toEqual(['unchanged', 'unchanged'])
    expect(again.ids).toEqual(first.ids)
    expect(row(first.ids[0]).updated_at).toBe(NOW)
  })

  it('merges: tags union, seen range widens, max score and confidence, higher severity, stricter TLP', () => {
    const [id] = w.upsertBatch(
      [
        {
          type: 'domain',
          value: 'merge.example',
          tags: ['a', 'b'],
          firstSeen: '2025-03-01T00:00:00.000Z',
          lastSeen: '2025-03-05T00:00:00.000Z',
          score: 40,
          confidence: 70,
          severity: 'medium',
          tlp: 'amber',
          description: 'first words',
        },
      ],
      NOW,
    ).ids
    const r = w.upsertBatch(
      [
        {
          type: 'domain',
          value: 'merge.example',
          tags: ['b', 'c'],
          firstSeen: '2025-02-01T00:00:00+01:00',
          lastSeen: '2025-03-04T00:00:00.000Z',
          score: 80,
          confidence: 10,
          severity: 'low',
          tlp: 'green',
          description: '',
        },
      ],
      LATER,
    )
    expect(r.outcomes).toEqual(['updated'])
    expect(row(id)).toMatchObject({
      tags: '["a","b","c"]',
      first_seen: '2025-01-31T23:00:00.000Z',
      last_seen: '2025-03-05T00:00:00.000Z',
      // A score given by indicators.bulkCreate is the analyst's: the base; the stored score has decayed
      // since the last sighting (March, a domain's lifetime is 300 days).
      base_score: 80,
      analyst_fields: 8,
      decay_from: '2025-03-05T00:00:00.000Z',
      confidence: 70,
      severity: 'medium',
      tlp: 'amber',
      description: 'first words',
      updated_at: LATER,
      created_at: NOW,
    })
  })

  it("keeps an analyst's false positive and benign decisions against feeds", () => {
    const sqlite = t.core.db.sqlite
    const [fp, benign] = w.upsertBatch(
      [
        { type: 'ip', value: '198.51.100.1' },
        { type: 'ip', value: '198.51.100.2' },
      ],
      NOW,
    ).ids
    sqlite.prepare('UPDATE indicators SET false_positive = 1, active = 0 WHERE id = ?').run(fp)
    sqlite.prepare("UPDATE indicators SET classification = 'benign' WHERE id = ?").run(benign)
    const r = w.upsertBatch(
      [
        { type: 'ip', value: '198.51.100.1', classification: 'malicious', score: 95 },
        { type: 'ip', value: '198.51.100.2', classification: 'malicious' },
      ],
      LATER,
    )
    expect(r.outcomes).toEqual(['updated', 'unchanged'])
    expect(row(fp)).toMatchObject({
      false_positive: 1,
      active: 0,
      classification: 'unknown',
      // The false positive holds the score low whatever score came with the record.
      base_score: 10,
    })
    expect(row(fp).score).toBeLessThanOrEqual(10)
    expect(row(benign)).toMatchObject({ classification: 'benign' })
    // Otherwise the more severe classification wins.
    const [plain] = w.upsertBatch(
      [{ type: 'ip', value: '198.51.100.3', classification: 'suspicious' }],
      NOW,
    ).ids
    w.upsertBatch([{ type: 'ip', value: '198.51.100.3', classification: 'malicious' }], LATER)
    w.upsertBatch([{ type: 'ip', value: '198.51.100.3', classification: 'unknown' }], LATER)
    expect(row(plain).classification).toBe('malicious')
  })

  it('handles the same value twice in one batch (created, then merged)', async () => {
    const r = w.upsertBatch(
      [
        { type: 'ip', value: '192.0.2.1', tags: ['x'] },
        { type: 'ip', value: '192.0.2.1', tags: ['y'] },
        { type: 'ip', value: '192.0.2.1', tags: ['y'] },
      ],
      NOW,
    )
    expect(r.outcomes).toEqual(['created', 'updated', 'unchanged'])
    expect(new Set(r.ids).size).toBe(1)
    // Indexed once, with its final text.
    expect(await ftsRowids('"x"')).toEqual(await ftsRowids('"y"'))
    expect(await ftsRowids('"192 0 2 1"')).toHaveLength(1)
  })

  it('keeps the search index in step with created and updated rows', async () => {
    const [id] = w.upsertBatch(
      [{ type: 'domain', value: 'fts.example', description: 'old words' }],
      NOW,
    ).ids
    const rowid = row(id).rowid as number
    expect(await ftsRowids('"old"')).toEqual([rowid])
    w.upsertBatch(
      [{ type: 'domain', value: 'fts.example', description: 'new words', tags: ['emotet'] }],
      LATER,
    )
    expect(await ftsRowids('"old"')).toEqual([])
    expect(await ftsRowids('"new"')).toEqual([rowid])
    expect(await ftsRowids('tags : "emotet"')).toEqual([rowid])
    // The incremental index equals a rebuild from the table.
    const before = await ftsRowids('"fts" OR "emotet" OR "words"')
    await rebuildIndex()
    expect(await ftsRowids('"fts" OR "emotet" OR "words"')).toEqual(before)
  })

  it('rolls the whole batch back when a row fails, and the caller can retry', async () => {
    const sqlite = t.core.db.sqlite
    const missingProject = '00000000-0000-4000-8000-000000000001'
    expect(() =>
      w.upsertBatch(
        [
          { type: 'ip', value: '192.0.2.10' },
          { type: 'ip', value: '192.0.2.11', projectId: missingProject },
        ],
        NOW,
      ),
    ).toThrow(/FOREIGN KEY/)
    expect(sqlite.prepare('SELECT count(*) FROM indicators').pluck().get()).toBe(0)
    expect(await ftsRowids('"192"')).toEqual([])
    // Nor did it leave an entry for the indexer.
    expect(sqlite.prepare('SELECT count(*) FROM search_log').pluck().get()).toBe(0)
    expect(w.upsertBatch([{ type: 'ip', value: '192.0.2.10' }], NOW).outcomes).toEqual(['created'])
  })

  it('refuses a caller-supplied id that belongs to another indicator', () => {
    const [id] = w.upsertBatch([{ type: 'ip', value: '192.0.2.20' }], NOW).ids
    expect(() => w.upsertBatch([{ type: 'ip', value: '192.0.2.21', id }], NOW)).toThrow(
      /already belongs/,
    )
  })

  it('refuses a caller-supplied id that is not the UUIDv5 of its type and value', () => {
    expect(() =>
      w.upsertBatch(
        [{ type: 'ip', value: '192.0.2.22', id: '6f1d2c3b-0000-4000-8000-0000000000aa' }],
        NOW,
      ),
    ).toThrow(/is not the id of ip '192.0.2.22'/)
    const id = indicatorId('ip', '192.0.2.22')
    expect(w.upsertBatch([{ type: 'ip', value: '192.0.2.22', id }], NOW).ids).toEqual([id])
  })

  it('hands back the rowid of every row, created or merged', () => {
    const r = w.upsertBatch(
      [
        { type: 'ip', value: '192.0.2.40' },
        { type: 'ip', value: '192.0.2.41' },
        { type: 'ip', value: '192.0.2.40', tags: ['again'] },
      ],
      NOW,
    )
    expect(r.rowids).toEqual(r.ids.map((id) => row(id).rowid))
    expect(r.rowids[0]).toBe(r.rowids[2])
  })

  it('a session over several chunks indexes its new rows once, at close, with their final text', async () => {
    const sqlite = t.core.db.sqlite
    const [old] = w.upsertBatch(
      [{ type: 'domain', value: 'old.example', description: 'alpha' }],
      NOW,
    ).ids
    const seqBefore = sqlite.prepare('SELECT max(seq) FROM search_log').pluck().get() as number
    sqlite.transaction(() => {
      const s = w.openSession(LATER)
      const a = s.add([{ type: 'domain', value: 'one.example', description: 'bravo' }])
      const b = s.add([
        { type: 'domain', value: 'one.example', description: 'charlie' },
        { type: 'domain', value: 'old.example', description: 'delta' },
      ])
      expect(a.outcomes).toEqual(['created'])
      expect(b.outcomes).toEqual(['updated', 'updated'])
      s.close()
    })()
    const one = row(indicatorId('domain', 'one.example')).rowid as number
    // The older row's change is one log entry; the session's own rows one range, logged at close().
    expect(
      sqlite
        .prepare('SELECT kind, from_rowid, to_rowid FROM search_log WHERE seq > ? ORDER BY seq')
        .all(seqBefore),
    ).toEqual([
      { kind: 'row', from_rowid: row(old).rowid, to_rowid: row(old).rowid },
      { kind: 'range', from_rowid: one, to_rowid: one },
    ])
    expect(await ftsRowids('"delta"')).toEqual([row(old).rowid])
    expect(await ftsRowids('"charlie"')).toEqual([one])
    expect(await ftsRowids('"bravo" OR "alpha"')).toEqual([])
    const before = await ftsRowids('"example"')
    await rebuildIndex()
    expect(await ftsRowids('"example"')).toEqual(before)
    expect(() => w.openSession(NOW)).toThrow(/inside a transaction/)
  })

  it('clamps hostile numbers and drops unparseable dates', () => {
    const [id] = w.upsertBatch(
      [{ type: 'ip', value: '192.0.2.30', score: 1e9, confidence: -5, firstSeen: 'yesterday-ish' }],
      NOW,
    ).ids
    expect(row(id)).toMatchObject({ score: 100, confidence: 0, first_seen: null })
  })
})
