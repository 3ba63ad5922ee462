import { createHash } from 'node:crypto'
import Database from 'better-sqlite3'
import { applyConnectionPragmas } from '#core/db/connection-pragmas'

/**
 * The true limit of an import: raw better-sqlite3 performing exactly the writes our import performed, for
 * the same rows, on the same schema, with the same commit cadence, and nothing else (no parsing, no
 * canonicalisation, no worker threads, no merge logic).
 *
 * The rows are not regenerated: they are read back from the database our import just wrote (untimed), so
 * every column holds what the import stored (the raw source record, the context, the counts). Per batch the
 * limit writes what one of our batch transactions writes besides the rows: one search-log entry, one
 * hash-chained change-log entry and the run's counters.
 *
 * `target` must be a freshly migrated, empty database (the caller creates it with createCore and stops it).
 */
export const trueLimitMs = (source: string, target: string, commitEvery: number): number => {
  const src = new Database(source, { readonly: true })
  const dst = new Database(target)
  applyConnectionPragmas(dst)
  try {
    const copy = (table: string, skip: readonly string[] = []) => {
      const cols = (src.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[])
        .map((c) => c.name)
        .filter((c) => !skip.includes(c))
      return {
        cols,
        insert: dst.prepare(
          `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
        ),
      }
    }
    const indicators = copy('indicators')
    // Observations get their own ids (AUTOINCREMENT) in the target, as they did in ours.
    const observations = copy('observations', ['id'])
    const readIndicators = src
      .prepare(
        `SELECT rowid AS r, ${indicators.cols.join(', ')} FROM indicators WHERE rowid > ? ORDER BY rowid LIMIT ?`,
      )
      .raw()
    const readObservations = src
      .prepare(
        `SELECT ${observations.cols.join(', ')} FROM observations WHERE indicator_rowid BETWEEN ? AND ?`,
      )
      .raw()
    const searchLog = dst.prepare(
      `INSERT INTO search_log (kind, from_rowid, to_rowid) VALUES ('range', ?, ?)`,
    )
    const changeLog = dst.prepare(
      `INSERT INTO change_log (seq, at, actor, transport, method, entity, entity_id, operation, changes,
         prev_hash, hash) VALUES (?, ?, 'bench', 'in-process', 'feeds.importFile', 'feed_run', ?, 'import', ?, ?, ?)`,
    )
    const runId = 'true-limit'
    dst
      .prepare(
        `INSERT INTO feed_runs (id, source, format, trigger, status, started_at)
         VALUES (?, 'true limit', 'bench', 'import', 'running', ?)`,
      )
      .run(runId, new Date().toISOString())
    const counters = dst.prepare(`UPDATE feed_runs SET rows = ?, created = ? WHERE id = ?`)

    let after = 0
    let seq = 0
    let prevHash = '0'.repeat(64)
    let written = 0
    let ms = 0
    for (;;) {
      const rows = readIndicators.all(after, commitEvery) as unknown[][]
      if (rows.length === 0) break
      const first = rows[0][0] as number
      const last = rows[rows.length - 1][0] as number
      const obs = readObservations.all(first, last) as unknown[][]
      after = last
      const t0 = performance.now()
      dst.exec('BEGIN')
      let from = 0
      let to = 0
      for (const row of rows) {
        const rowid = Number(indicators.insert.run(...row.slice(1)).lastInsertRowid)
        if (from === 0) from = rowid
        to = rowid
      }
      for (const o of obs) observations.insert.run(...o)
      searchLog.run(from, to)
      written += rows.length
      const at = new Date().toISOString()
      const changes = JSON.stringify({ rows: rows.length, created: rows.length, source: runId })
      const hash = createHash('sha256')
        .update(`${seq + 1}|${at}|${changes}|${prevHash}`)
        .digest('hex')
      changeLog.run(++seq, at, runId, changes, prevHash, hash)
      prevHash = hash
      counters.run(written, written, runId)
      dst.exec('COMMIT')
      ms += performance.now() - t0
    }
    return ms
  } finally {
    src.close()
    dst.close()
  }
}
