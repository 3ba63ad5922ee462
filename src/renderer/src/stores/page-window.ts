/**
 * The rows of a keyset-paged list as the table sees them: a sequence of page slots, each knowing the cursor
 * that fetches it. Only a bounded number of slots hold their rows; the others keep their size (so the
 * scroll height does not jump) and their cursor (so they can be fetched again when scrolled back into view).
 * Pure and immutable: the store swaps whole windows, React compares references.
 */
export type PageSlot<T> = {
  /** Cursor that fetches this page; null for the first page. */
  cursor: string | null
  /** Null when never loaded or evicted. */
  rows: T[] | null
  /** Row count this slot occupies: 0 until first loaded. */
  size: number
  loadedOnce: boolean
}

export type PageWindow<T> = {
  slots: PageSlot<T>[]
  /** offsets[i] = index of the first row of slot i; offsets[slots.length] = rowCount. */
  offsets: number[]
  /** True once a page came back without a next cursor. */
  complete: boolean
}

export const emptyWindow = <T>(): PageWindow<T> => ({
  slots: [{ cursor: null, rows: null, size: 0, loadedOnce: false }],
  offsets: [0, 0],
  complete: false,
})

const withOffsets = <T>(slots: PageSlot<T>[], complete: boolean): PageWindow<T> => {
  const offsets = [0]
  let acc = 0
  for (const s of slots) {
    acc += s.size
    offsets.push(acc)
  }
  return { slots, offsets, complete }
}

/** Rows known to exist (loaded now or before); the table adds one "loading more" row when not complete. */
export const rowCount = <T>(w: PageWindow<T>): number => w.offsets[w.slots.length] ?? 0

/** Slot holding row `index`, by binary search over the offsets. */
export const slotOf = <T>(w: PageWindow<T>, index: number): number => {
  let lo = 0
  let hi = w.slots.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if ((w.offsets[mid] ?? 0) <= index) lo = mid
    else hi = mid - 1
  }
  return lo
}

export const rowAt = <T>(w: PageWindow<T>, index: number): T | null => {
  if (index < 0 || index >= rowCount(w)) return null
  const s = slotOf(w, index)
  return w.slots[s]?.rows?.[index - (w.offsets[s] ?? 0)] ?? null
}

/**
 * Slots that must be fetched to show rows [first, last]. `last` may be rowCount (the loading row): that asks
 * for the next page, which is the last slot when it was never loaded.
 */
export const slotsToLoad = <T>(w: PageWindow<T>, first: number, last: number): number[] => {
  const count = rowCount(w)
  const out: number[] = []
  if (count > 0 && first < count) {
    const from = slotOf(w, Math.max(0, first))
    const to = slotOf(w, Math.min(last, count - 1))
    for (let s = from; s <= to; s++) if (w.slots[s]?.rows === null) out.push(s)
  }
  const tail = w.slots.length - 1
  if (!w.complete && last >= count && w.slots[tail]?.loadedOnce === false && !out.includes(tail)) {
    out.push(tail)
  }
  return out
}

/** Stores a fetched page and, if it is the newest, opens a slot for the page after it (or marks the end). */
export const withPage = <T>(
  w: PageWindow<T>,
  slot: number,
  rows: T[],
  nextCursor: string | null,
): PageWindow<T> => {
  const current = w.slots[slot]
  if (!current) return w
  const slots = w.slots.slice()
  slots[slot] = { ...current, rows, size: rows.length, loadedOnce: true }
  let complete = w.complete
  if (slot === slots.length - 1) {
    if (nextCursor !== null)
      slots.push({ cursor: nextCursor, rows: null, size: 0, loadedOnce: false })
    else complete = true
  }
  return withOffsets(slots, complete)
}

/** Drops the rows of the slots farthest from `focus` until at most `max` slots hold rows. */
export const evict = <T>(w: PageWindow<T>, focusSlot: number, max: number): PageWindow<T> => {
  const loaded = w.slots.flatMap((s, i) => (s.rows !== null ? [i] : []))
  if (loaded.length <= max) return w
  const drop = new Set(
    loaded
      .sort((a, b) => Math.abs(b - focusSlot) - Math.abs(a - focusSlot))
      .slice(0, loaded.length - max),
  )
  return {
    ...w,
    slots: w.slots.map((s, i) => (drop.has(i) ? { ...s, rows: null } : s)),
  }
}

/** Replaces rows in place (an edit elsewhere); returns the same window when none of them is loaded. */
export const withReplaced = <T extends { id: string }>(
  w: PageWindow<T>,
  fresh: T[],
): PageWindow<T> => {
  const byId = new Map(fresh.map((r) => [r.id, r]))
  let changed = false
  const slots = w.slots.map((s) => {
    if (!s.rows || !s.rows.some((r) => byId.has(r.id))) return s
    changed = true
    return { ...s, rows: s.rows.map((r) => byId.get(r.id) ?? r) }
  })
  return changed ? { ...w, slots } : w
}

/** Removes rows (a delete made here) without refetching, so the analyst keeps their scroll position. */
export const withRemoved = <T extends { id: string }>(
  w: PageWindow<T>,
  ids: string[],
): PageWindow<T> => {
  const gone = new Set(ids)
  let changed = false
  const slots = w.slots.map((s) => {
    if (!s.rows || !s.rows.some((r) => gone.has(r.id))) return s
    changed = true
    const rows = s.rows.filter((r) => !gone.has(r.id))
    return { ...s, rows, size: rows.length }
  })
  return changed ? withOffsets(slots, w.complete) : w
}

/** Index of a loaded row by id, or -1. */
export const indexOfId = <T extends { id: string }>(w: PageWindow<T>, id: string): number => {
  for (let s = 0; s < w.slots.length; s++) {
    const i = w.slots[s]?.rows?.findIndex((r) => r.id === id) ?? -1
    if (i >= 0) return (w.offsets[s] ?? 0) + i
  }
  return -1
}
