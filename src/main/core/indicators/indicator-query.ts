import { AppError } from '#shared/contract/errors'
import type { IndicatorFilter, IndicatorSort } from '#shared/contract/indicators.contract'
import { planSearch, searchDescriptionSql, tagPhrase } from './indicator-search'
import { normalizeTimestamp } from './indicator-row'

/** A WHERE clause (fragments joined by AND) and its positional parameters. */
export type SqlWhere = { clauses: string[]; params: unknown[] }

/** Name of the connection function that checks search terms on a candidate row (see the repository). */
export const SEARCH_MATCH_FN = 'te_search_match'

/**
 * Filter -> SQL over `indicators`. Empty lists mean "no filter" (a UI that clears every chip sends []).
 * `q` and `tag` go through the search index, then an exact check, so they never scan the table.
 */
export const buildFilterWhere = (f: IndicatorFilter): SqlWhere => {
  const clauses: string[] = []
  const params: unknown[] = []
  const inList = (column: string, values: readonly string[] | undefined) => {
    if (values === undefined || values.length === 0) return
    clauses.push(`indicators.${column} IN (${values.map(() => '?').join(', ')})`)
    params.push(...values)
  }
  const compare = (column: string, op: '>=' | '<=', value: unknown) => {
    if (value === undefined) return
    clauses.push(`indicators.${column} ${op} ?`)
    params.push(value)
  }
  inList('id', f.ids)
  inList('type', f.types)
  inList('classification', f.classifications)
  inList('severity', f.severities)
  compare('score', '>=', f.scoreMin)
  compare('score', '<=', f.scoreMax)
  compare('source_count', '>=', f.sourcesMin)
  if (f.projectId === null) {
    clauses.push('indicators.project_id IS NULL')
  } else if (f.projectId !== undefined) {
    clauses.push('indicators.project_id = ?')
    params.push(f.projectId)
  }
  if (f.active !== undefined) {
    clauses.push('indicators.active = ?')
    params.push(f.active ? 1 : 0)
  }
  if (f.falsePositive !== undefined) {
    clauses.push('indicators.false_positive = ?')
    params.push(f.falsePositive ? 1 : 0)
  }
  compare('first_seen', '>=', normalizeTimestamp(f.firstSeenFrom) ?? undefined)
  compare('first_seen', '<=', normalizeTimestamp(f.firstSeenTo) ?? undefined)
  compare('last_seen', '>=', normalizeTimestamp(f.lastSeenFrom) ?? undefined)
  compare('last_seen', '<=', normalizeTimestamp(f.lastSeenTo) ?? undefined)
  if (f.tag !== undefined) {
    const phrase = tagPhrase(f.tag)
    if (phrase !== null) {
      clauses.push(
        'indicators.rowid IN (SELECT rowid FROM search.indicators_fts WHERE indicators_fts MATCH ?)',
      )
      params.push(phrase)
    }
    clauses.push('EXISTS (SELECT 1 FROM json_each(indicators.tags) WHERE json_each.value = ?)')
    params.push(f.tag)
  }
  if (f.q !== undefined && f.q !== '') {
    const plan = planSearch(f.q)
    if (plan === null) {
      clauses.push('0')
    } else {
      clauses.push(
        'indicators.rowid IN (SELECT rowid FROM search.indicators_fts WHERE indicators_fts MATCH ?)',
      )
      params.push(plan.match)
      clauses.push(
        `${SEARCH_MATCH_FN}(indicators.value, ${searchDescriptionSql('main')}, indicators.tags, ?) = 1`,
      )
      params.push(JSON.stringify(plan.terms))
    }
  }
  return { clauses, params }
}

type SortSpec = { column: string; nullable: boolean; kind: 'text' | 'int' }

export const SORT_COLUMNS: Record<IndicatorSort['field'], SortSpec> = {
  lastSeen: { column: 'last_seen', nullable: true, kind: 'text' },
  firstSeen: { column: 'first_seen', nullable: true, kind: 'text' },
  score: { column: 'score', nullable: false, kind: 'int' },
  severity: { column: 'severity_rank', nullable: false, kind: 'int' },
  confidence: { column: 'confidence', nullable: false, kind: 'int' },
  value: { column: 'value', nullable: false, kind: 'text' },
  type: { column: 'type', nullable: false, kind: 'text' },
  createdAt: { column: 'created_at', nullable: false, kind: 'text' },
  updatedAt: { column: 'updated_at', nullable: false, kind: 'text' },
  sources: { column: 'source_count', nullable: false, kind: 'int' },
  sightings: { column: 'sighting_count', nullable: false, kind: 'int' },
}

/** The sorts migration 0001 indexes. */
const SORT_INDEXES: Partial<Record<IndicatorSort['field'], string>> = {
  updatedAt: 'IDX_indicators_updated_at',
  lastSeen: 'IDX_indicators_last_seen',
  score: 'IDX_indicators_score',
}

/** The keyset position after the last row of a page: its sort value and its rowid. */
export type Cursor = { value: string | number | null; rowid: number }

export const encodeCursor = (c: Cursor): string =>
  Buffer.from(JSON.stringify([c.value, c.rowid]), 'utf8').toString('base64url')

const badCursor = (why: string): AppError =>
  new AppError('invalid_input', `cursor is not valid: ${why} (pass back nextCursor unchanged)`, {
    field: 'cursor',
  })

/** Parses a cursor and checks it fits the sort it is used with (a cursor of another sort is refused). */
export const decodeCursor = (
  raw: string,
  kind: SortSpec['kind'] | 'rowid',
  nullable: boolean,
): Cursor => {
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'))
  } catch {
    throw badCursor('not base64url JSON')
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw badCursor('expected [sortValue, rowid]')
  const [value, rowid] = parsed as [unknown, unknown]
  if (typeof rowid !== 'number' || !Number.isSafeInteger(rowid) || rowid < 0) {
    throw badCursor('rowid must be a non-negative integer')
  }
  if (value === null) {
    if (!nullable) throw badCursor('this sort has no empty values')
    return { value, rowid }
  }
  const expected = kind === 'text' ? 'string' : 'number'
  if (typeof value !== expected) throw badCursor(`sort value must be a ${expected} for this sort`)
  return { value: value as string | number, rowid }
}

/**
 * One ordered slice of a keyset page. A nullable sort column is walked in two segments (non-null values,
 * then NULLs, or the reverse for ascending order, as SQLite orders NULLs first), because a row-value
 * comparison with NULL is never true: each segment is then an index range on its own.
 */
export type Segment = { sql: string; params: unknown[] }

export const keysetSegments = (opts: {
  select: string
  where: SqlWhere
  sort: IndicatorSort
  cursor: Cursor | null
}): Segment[] => {
  const spec = SORT_COLUMNS[opts.sort.field]
  const col = `indicators.${spec.column}`
  const desc = opts.sort.dir === 'desc'
  const dir = desc ? 'DESC' : 'ASC'
  const op = desc ? '<' : '>'
  const base = (extra: string[], params: unknown[], orderBy: string): Segment => {
    const clauses = [...opts.where.clauses, ...extra]
    return {
      sql: `SELECT ${opts.select} FROM indicators${clauses.length ? ` WHERE ${clauses.join(' AND ')}` : ''} ORDER BY ${orderBy} LIMIT ?`,
      params: [...opts.where.params, ...params],
    }
  }
  const valued = (after: Cursor | null): Segment => {
    const extra = spec.nullable ? [`${col} IS NOT NULL`] : []
    const params: unknown[] = []
    if (after !== null) {
      extra.push(`(${col}, indicators.rowid) ${op} (?, ?)`)
      params.push(after.value, after.rowid)
    }
    return base(extra, params, `${col} ${dir}, indicators.rowid ${dir}`)
  }
  const nulls = (afterRowid: number | null): Segment => {
    const extra = [`${col} IS NULL`]
    const params: unknown[] = []
    if (afterRowid !== null) {
      extra.push(`indicators.rowid ${op} ?`)
      params.push(afterRowid)
    }
    return base(extra, params, `indicators.rowid ${dir}`)
  }
  const c = opts.cursor
  if (!spec.nullable) return [valued(c)]
  if (desc) {
    // Values first, then the rows without one.
    if (c === null) return [valued(null), nulls(null)]
    return c.value === null ? [nulls(c.rowid)] : [valued(c), nulls(null)]
  }
  if (c === null) return [nulls(null), valued(null)]
  return c.value === null ? [nulls(c.rowid), valued(null)] : [valued(c)]
}

/**
 * The sort value and rowid of the row at a position of a sorted, filtered result: the keyset cursor a page
 * starting right after it uses. One ORDER BY gives the same order as the keyset segments (SQLite sorts NULL
 * lowest: last when descending, first when ascending, which is where the segments put the rows without a
 * value), so the index of the sort walks the skipped rows without reading the table when nothing else filters.
 */
export const positionSql = (
  where: SqlWhere,
  sort: IndicatorSort,
  textFiltered: boolean,
): Segment => {
  const spec = SORT_COLUMNS[sort.field]
  const col = `indicators.${spec.column}`
  const dir = sort.dir === 'desc' ? 'DESC' : 'ASC'
  const filtered = where.clauses.length ? ` WHERE ${where.clauses.join(' AND ')}` : ''
  // Without a range on the sort column the planner guesses that other filters leave few rows and sorts
  // them all; walking the sort's index stops at the position instead. A text filter is the exception: its
  // few search-index matches are cheaper sorted than found along the whole index.
  const index = SORT_INDEXES[sort.field]
  const hint = index !== undefined && !textFiltered ? ` INDEXED BY ${index}` : ''
  return {
    sql: `SELECT ${col} AS value, indicators.rowid AS rowid FROM indicators${hint}${filtered} ORDER BY ${col} ${dir}, indicators.rowid ${dir} LIMIT 1 OFFSET ?`,
    params: where.params,
  }
}

/** Counting the rows a filter matches: SQLite counts over its smallest index when nothing filters. */
export const countSql = (where: SqlWhere): Segment => ({
  sql: `SELECT count(*) FROM indicators${where.clauses.length ? ` WHERE ${where.clauses.join(' AND ')}` : ''}`,
  params: where.params,
})
