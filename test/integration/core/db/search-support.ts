import Database from 'better-sqlite3'
import { DataSource } from 'typeorm'
import { CreateIndicators1763683200000 } from '#core/db/migrations/0001-create-indicators'
import { CreateFeeds1763683300000 } from '#core/db/migrations/0002-create-feeds'

/** A database as 0002 left it, with `n` indicators in the old in-file search index. */
export const databaseAt0002 = async (file: string, n: number): Promise<void> => {
  const ds = new DataSource({
    type: 'better-sqlite3',
    database: file,
    migrations: [CreateIndicators1763683200000, CreateFeeds1763683300000],
  })
  await ds.initialize()
  await ds.runMigrations({ transaction: 'each' })
  await ds.destroy()
  const raw = new Database(file)
  raw.transaction(() => {
    const ts = '2025-11-21T10:00:00.000Z'
    const insert = raw.prepare(
      `INSERT INTO indicators (id, type, value, description, created_at, updated_at)
       VALUES (?, 'domain', ?, 'legacy words', ?, ?)`,
    )
    for (let i = 0; i < n; i++) {
      const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`
      insert.run(id, `legacy${i}.example`, ts, ts)
    }
    raw.exec(`INSERT INTO indicators_fts (rowid, value, tags, description)
      SELECT rowid, value, tags, description FROM indicators`)
  })()
  raw.close()
}

type VocabRow = { term: string; doc: number; cnt: number }

/**
 * Every term of an FTS5 index with the number of rows holding it and of its occurrences: two indexes with
 * the same vocabulary hold the same rows (a row indexed twice would count twice).
 */
export const vocabulary = (db: Database.Database, schema: string): VocabRow[] => {
  db.exec(`DROP TABLE IF EXISTS temp.te_vocab`)
  db.exec(`CREATE VIRTUAL TABLE temp.te_vocab USING fts5vocab(${schema}, indicators_fts, 'row')`)
  try {
    return db.prepare('SELECT term, doc, cnt FROM temp.te_vocab ORDER BY term').all() as VocabRow[]
  } finally {
    db.exec('DROP TABLE temp.te_vocab')
  }
}

/** The indexer's recorded position (search.sqlite's search_state). */
export const searchState = (file: string) => {
  const db = new Database(file, { readonly: true })
  try {
    return db.prepare('SELECT seq, rebuild_cursor, range_cursor FROM search_state').get() as {
      seq: number
      rebuild_cursor: number | null
      range_cursor: number | null
    }
  } finally {
    db.close()
  }
}
