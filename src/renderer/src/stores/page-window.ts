/**
 * The rows of a paged list as the table sees them: fixed-size pages addressed by position. Page k holds rows
 * [k * size, (k + 1) * size). The total comes from a count, so the table knows its full height before any
 * page beyond the first is loaded; a page is fetched by the keyset cursor of the page before it when that one
 * is loaded, by its position otherwise (a dragged scrollbar). Only a bounded number of pages hold rows.
 * Pure and immutable: the store swaps whole windows, React compares references.
 */
export type LoadedPage<T> = {
  rows: T[]
  /** Keyset cursor of the page after this one; null at the end. */
  nextCursor: string | null
}

export type PageWindow<T> = {
  size: number
  /** Rows in the result; null until counted. */
  total: number | null
  pages: ReadonlyMap<number, LoadedPage<T>>
}

export const emptyWindow = <T>(size: number): PageWindow<T> => ({
  size,
  total: null,
  pages: new Map(),
})

/** Rows the table spans: the count, or what the first page showed while the count is on its way. */
export const rowCount = <T>(w: PageWindow<T>): number => w.total ?? w.pages.get(0)?.rows.length ?? 0

export const pageOf = <T>(w: PageWindow<T>, index: number): number => Math.floor(index / w.size)

export const rowAt = <T>(w: PageWindow<T>, index: number): T | null => {
  if (index < 0 || index >= rowCount(w)) return null
  return w.pages.get(pageOf(w, index))?.rows[index % w.size] ?? null
}

/** Pages that must be fetched to show rows [first, last]. Before the count, only the first. */
export const pagesToLoad = <T>(w: PageWindow<T>, first: number, last: number): number[] => {
  if (w.total === null) return w.pages.has(0) ? [] : [0]
  const count = w.total
  if (count === 0) return w.pages.has(0) ? [] : [0]
  const out: number[] = []
  const from = pageOf(w, Math.max(0, Math.min(first, count - 1)))
  const to = pageOf(w, Math.max(0, Math.min(last, count - 1)))
  for (let p = from; p <= to; p++) if (!w.pages.has(p)) out.push(p)
  return out
}

/** The cursor that fetches page `page` by keyset, when the page before it is loaded. */
export const cursorFor = <T>(w: PageWindow<T>, page: number): string | null | undefined => {
  if (page === 0) return null
  const before = w.pages.get(page - 1)
  if (before === undefined || before.rows.length < w.size) return undefined
  return before.nextCursor ?? undefined
}

export const withTotal = <T>(w: PageWindow<T>, total: number): PageWindow<T> => ({ ...w, total })

/**
 * Stores a fetched page. A page that ends the result (no next cursor) fixes the total: rows written or
 * deleted since the count was taken must not leave a tail of rows that never load.
 */
export const withPage = <T>(
  w: PageWindow<T>,
  page: number,
  rows: T[],
  nextCursor: string | null,
): PageWindow<T> => {
  const pages = new Map(w.pages)
  pages.set(page, { rows, nextCursor })
  let total = w.total
  const end = page * w.size + rows.length
  if (nextCursor === null) total = end
  else if (nextCursor !== null && total !== null && total <= end) total = end + 1
  return { ...w, pages, total }
}

/** Drops the pages farthest from `focus` until at most `max` hold rows. */
export const evict = <T>(w: PageWindow<T>, focus: number, max: number): PageWindow<T> => {
  if (w.pages.size <= max) return w
  const keep = [...w.pages.keys()]
    .sort((a, b) => Math.abs(a - focus) - Math.abs(b - focus))
    .slice(0, max)
  return { ...w, pages: new Map(keep.map((k) => [k, w.pages.get(k) as LoadedPage<T>])) }
}

/** Replaces rows in place (an edit elsewhere); returns the same window when none of them is loaded. */
export const withReplaced = <T extends { id: string }>(
  w: PageWindow<T>,
  fresh: T[],
): PageWindow<T> => {
  const byId = new Map(fresh.map((r) => [r.id, r]))
  let changed = false
  const pages = new Map<number, LoadedPage<T>>()
  for (const [k, p] of w.pages) {
    if (p.rows.some((r) => byId.has(r.id))) {
      changed = true
      pages.set(k, { ...p, rows: p.rows.map((r) => byId.get(r.id) ?? r) })
    } else pages.set(k, p)
  }
  return changed ? { ...w, pages } : w
}

/**
 * Removes rows (deleted). Every row after the first removed one moves up, so the pages from there on are
 * dropped and fetched again at their new positions; the pages before keep the analyst's place.
 */
export const withRemoved = <T extends { id: string }>(
  w: PageWindow<T>,
  ids: string[],
): PageWindow<T> => {
  const gone = new Set(ids)
  let firstHit = Infinity
  let removed = 0
  for (const [k, p] of w.pages) {
    const n = p.rows.filter((r) => gone.has(r.id)).length
    if (n > 0) {
      firstHit = Math.min(firstHit, k)
      removed += n
    }
  }
  if (removed === 0) return w
  const pages = new Map([...w.pages].filter(([k]) => k < firstHit))
  return { ...w, pages, total: w.total === null ? null : Math.max(0, w.total - removed) }
}

/** Index of a loaded row by id, or -1. */
export const indexOfId = <T extends { id: string }>(w: PageWindow<T>, id: string): number => {
  for (const [k, p] of w.pages) {
    const i = p.rows.findIndex((r) => r.id === id)
    if (i >= 0) return k * w.size + i
  }
  return -1
}

/** Rows held in memory, across the loaded pages. */
export const residentRows = <T>(w: PageWindow<T>): number => {
  let n = 0
  for (const p of w.pages.values()) n += p.rows.length
  return n
}
