import { TableForeignKey, type MigrationInterface, type QueryRunner } from 'typeorm'
import { parseIndicator } from '#shared/domain/detect-type'
import type { IocType } from '#shared/domain/enums'
import { indicatorId } from '#shared/domain/indicator-id'

/**
 * The indicator types bitcoin-address, ethereum-address and file-name (issue 10). Before them, such values
 * could only be stored as 'custom'; this re-types every custom indicator whose value detection now reads
 * as one of them (a wallet with a valid checksum, a name with a file extension that is not also a TLD: the
 * same rule an import applies), in its canonical spelling. A custom value that is any other text stays.
 * It calls the domain's detection rather than a frozen copy: the checksums are too long to duplicate, and
 * a later change to detection can only re-type fewer or more custom values, never corrupt one.
 *
 * The traps, and how they are avoided:
 * - The id is UUIDv5 of (type, value) (src/shared/domain/indicator-id.ts), so a new type is a new id. The
 *   row is updated in place, id included, never deleted and re-inserted: on SQLite, observations (0002) and
 *   the search index (0003) key on the row's rowid, which an UPDATE keeps.
 * - Observations also carry indicator_id: updated too (by rowid on SQLite, its indexed key). On PostgreSQL
 *   they reference indicators.id through a foreign key without ON UPDATE, so it is dropped for the update
 *   and re-created after, inside the migration's transaction.
 * - A value whose canonical spelling changes (bech32 in upper case) is re-indexed: one 'row' entry in the
 *   search log (0003) per changed row.
 * - Two custom values with one canonical form (a bech32 address in upper and in lower case) would get the
 *   same id: the first keeps it and the other stays custom, so nothing is merged or lost silently.
 * The change log keeps its past entries under the id the indicator had then: its entries are hash-chained
 * (0005) and are not rewritten.
 */
export class RetypeCustomIndicators1764801200000 implements MigrationInterface {
  name = 'RetypeCustomIndicators1764801200000'

  async up(q: QueryRunner): Promise<void> {
    const changes: Retype[] = []
    const taken = new Set<string>()
    for await (const row of rowsOfTypes(q, ['custom'])) {
      const r = parseIndicator(row.value)
      if (!r.ok || !NEW_TYPES.has(r.type)) continue
      const id = indicatorId(r.type, r.value)
      if (taken.has(id) || (await exists(q, id))) continue
      taken.add(id)
      changes.push({ from: row, id, type: r.type, value: r.value })
    }
    await apply(q, changes)
  }

  /**
   * Back to 'custom' with custom ids. A value that meanwhile also exists as a custom indicator cannot get
   * that id twice: the typed row is then deleted (with its observations) and the custom one kept.
   */
  async down(q: QueryRunner): Promise<void> {
    const changes: Retype[] = []
    const drop: Row[] = []
    const taken = new Set<string>()
    for await (const row of rowsOfTypes(q, [...NEW_TYPES])) {
      const id = indicatorId('custom', row.value)
      if (taken.has(id) || (await exists(q, id))) drop.push(row)
      else changes.push({ from: row, id, type: 'custom', value: row.value })
      taken.add(id)
    }
    for (const row of drop) await q.query(`DELETE FROM indicators WHERE id = ${p(q, 1)}`, [row.id])
    await apply(q, changes)
  }
}

const NEW_TYPES: ReadonlySet<IocType> = new Set([
  'bitcoin-address',
  'ethereum-address',
  'file-name',
])
const PAGE = 1000

type Row = { id: string; value: string; rowid: number | null }
type Retype = { from: Row; id: string; type: IocType; value: string }

const isSqlite = (q: QueryRunner): boolean => q.connection.driver.options.type === 'better-sqlite3'

/** The n-th bind parameter in the driver's syntax. */
const p = (q: QueryRunner, n: number): string => (isSqlite(q) ? '?' : `$${n}`)

/** Every indicator of these types, a page at a time in id order (the primary key). */
async function* rowsOfTypes(q: QueryRunner, types: readonly string[]): AsyncGenerator<Row> {
  const rowid = isSqlite(q) ? 'rowid' : 'NULL'
  const list = types.map((t) => `'${t}'`).join(', ')
  let after = ''
  for (;;) {
    const page = (await q.query(
      `SELECT id, value, ${rowid} AS rowid FROM indicators
       WHERE type IN (${list}) AND id > ${p(q, 1)} ORDER BY id LIMIT ${PAGE}`,
      [after],
    )) as Row[]
    yield* page
    if (page.length < PAGE) return
    after = page[page.length - 1]?.id ?? after
  }
}

const exists = async (q: QueryRunner, id: string): Promise<boolean> =>
  ((await q.query(`SELECT 1 AS one FROM indicators WHERE id = ${p(q, 1)}`, [id])) as unknown[])
    .length > 0

const OBSERVATIONS_FK = 'FK_observations_indicator'

const apply = async (q: QueryRunner, changes: readonly Retype[]): Promise<void> => {
  if (changes.length === 0) return
  const sqlite = isSqlite(q)
  if (!sqlite) await q.dropForeignKey('observations', OBSERVATIONS_FK)
  const now = new Date().toISOString()
  for (const c of changes) {
    await q.query(
      `UPDATE indicators SET id = ${p(q, 1)}, type = ${p(q, 2)}, value = ${p(q, 3)}, updated_at = ${p(q, 4)}
       WHERE id = ${p(q, 5)}`,
      [c.id, c.type, c.value, now, c.from.id],
    )
    if (sqlite) {
      await q.query(`UPDATE observations SET indicator_id = ? WHERE indicator_rowid = ?`, [
        c.id,
        c.from.rowid,
      ])
      if (c.value !== c.from.value) {
        await q.query(`INSERT INTO search_log (kind, from_rowid, to_rowid) VALUES ('row', ?, ?)`, [
          c.from.rowid,
          c.from.rowid,
        ])
      }
    } else {
      await q.query(`UPDATE observations SET indicator_id = $1 WHERE indicator_id = $2`, [
        c.id,
        c.from.id,
      ])
    }
  }
  if (!sqlite) {
    await q.createForeignKey(
      'observations',
      new TableForeignKey({
        name: OBSERVATIONS_FK,
        columnNames: ['indicator_id'],
        referencedTableName: 'indicators',
        referencedColumnNames: ['id'],
        onDelete: 'CASCADE',
      }),
    )
  }
}
