import { describe, expect, it } from 'vitest'
import { RetypeCustomIndicators1764801200000 } from '#core/db/migrations/0012-retype-custom-indicators'
import { indicatorId } from '#shared/domain/indicator-id'
import { migrateTo, revert, useTempDatabaseFile, versionOf, withSqlite } from './migration-support'

const tempFile = useTempDatabaseFile()
const version = versionOf(RetypeCustomIndicators1764801200000)
const NOW = '2025-11-21T10:00:00.000Z'

const BTC = '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2'
const BECH32 = 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq'
const ETH = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'

/** Custom indicators as an older version stored them: a custom id, the value as the analyst typed it. */
const CUSTOM = [
  BTC,
  BECH32.toUpperCase(),
  // The same address in lower case: one canonical form, so only the first is re-typed.
  BECH32,
  ETH,
  'invoice.exe',
  // Not a wallet (bad checksum), not a file name (a TLD-like extension, free text): they stay custom.
  '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3',
  'setup.zip',
  'operation night owl',
]

type Row = { rowid: number; id: string; type: string; value: string }

const rows = (file: string): Row[] =>
  withSqlite(
    file,
    (db) =>
      db.prepare('SELECT rowid, id, type, value FROM indicators ORDER BY rowid').all() as Row[],
  )

describe('migration 0012 (custom wallets and file names get their types)', () => {
  it('re-types in place: new ids, same rowids, observations and the search log follow', async () => {
    const file = tempFile()
    await migrateTo(file, version - 1)
    withSqlite(file, (db) => {
      const insert = db.prepare(
        `INSERT INTO indicators (id, type, value, created_at, updated_at) VALUES (?, 'custom', ?, ?, ?)`,
      )
      // A deleted row first, so rowids and positions differ.
      insert.run(indicatorId('custom', 'gone'), 'gone', NOW, NOW)
      for (const v of CUSTOM) insert.run(indicatorId('custom', v), v, NOW, NOW)
      db.prepare(`DELETE FROM indicators WHERE value = 'gone'`).run()
      const rowid = db.prepare('SELECT rowid FROM indicators WHERE value = ?').pluck()
      db.prepare(
        `INSERT INTO observations (indicator_id, indicator_rowid, source_key, created_at, updated_at)
         VALUES (?, ?, 'feed:a', ?, ?)`,
      ).run(indicatorId('custom', BTC), rowid.get(BTC), NOW, NOW)
      db.prepare('DELETE FROM search_log').run()
    })
    const before = rows(file)
    expect(await migrateTo(file, version)).toEqual(['RetypeCustomIndicators1764801200000'])
    const after = rows(file)
    const expected: Record<string, [string, string]> = {
      [BTC]: ['bitcoin-address', BTC],
      [BECH32.toUpperCase()]: ['bitcoin-address', BECH32],
      [ETH]: ['ethereum-address', ETH.toLowerCase()],
      'invoice.exe': ['file-name', 'invoice.exe'],
    }
    expect(after.map((r) => r.rowid)).toEqual(before.map((r) => r.rowid))
    for (const [i, b] of before.entries()) {
      const [type, value] = expected[b.value] ?? ['custom', b.value]
      expect(after[i]).toEqual({
        rowid: b.rowid,
        id: indicatorId(type as never, value),
        type,
        value,
      })
    }
    withSqlite(file, (db) => {
      expect(db.prepare('SELECT indicator_id, indicator_rowid FROM observations').all()).toEqual([
        { indicator_id: indicatorId('bitcoin-address', BTC), indicator_rowid: before[0]?.rowid },
      ])
      // Only the values whose spelling changed are re-indexed (bech32 and Ethereum lower-cased).
      const changed = before
        .filter((r) => r.value === BECH32.toUpperCase() || r.value === ETH)
        .map((r) => ({ kind: 'row', from_rowid: r.rowid, to_rowid: r.rowid }))
      expect(
        db.prepare('SELECT kind, from_rowid, to_rowid FROM search_log ORDER BY from_rowid').all(),
      ).toEqual(changed)
      // The delete trigger (0002) still cascades by rowid.
      db.prepare('DELETE FROM indicators WHERE id = ?').run(indicatorId('bitcoin-address', BTC))
      expect(db.prepare('SELECT count(*) FROM observations').pluck().get()).toBe(0)
    })
  })

  it('goes back to custom ids on the way down', async () => {
    const file = tempFile()
    await migrateTo(file, version - 1)
    withSqlite(file, (db) => {
      const insert = db.prepare(
        `INSERT INTO indicators (id, type, value, created_at, updated_at) VALUES (?, 'custom', ?, ?, ?)`,
      )
      for (const v of [ETH, 'invoice.exe', 'operation night owl'])
        insert.run(indicatorId('custom', v), v, NOW, NOW)
    })
    await migrateTo(file, version)
    await revert(file, version)
    expect(rows(file).map((r) => [r.type, r.value, r.id])).toEqual(
      [ETH.toLowerCase(), 'invoice.exe', 'operation night owl'].map((v) => [
        'custom',
        v,
        indicatorId('custom', v),
      ]),
    )
  })

  it('is named VerbNoun<13-digit timestamp>', () => {
    expect(new RetypeCustomIndicators1764801200000().name).toMatch(/^RetypeCustomIndicators\d{13}$/)
  })
})
