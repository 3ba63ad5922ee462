import { useCallback, useState } from 'react'
import { z } from 'zod'
import type { IndicatorSort } from '#shared/contract/indicators.contract'

export type ColumnId =
  | 'type'
  | 'value'
  | 'classification'
  | 'severity'
  | 'score'
  | 'tlp'
  | 'tags'
  | 'lastSeen'
  | 'sources'
  | 'status'

export type Column = {
  id: ColumnId
  label: string
  sort?: IndicatorSort['field']
  /** Default width in px. */
  width: number
  /** The value column stays: a row without its value means nothing. */
  required?: boolean
}

export const COLUMNS: readonly Column[] = [
  { id: 'type', label: 'Type', sort: 'type', width: 78 },
  { id: 'value', label: 'Value', sort: 'value', width: 320, required: true },
  { id: 'classification', label: 'Classification', width: 118 },
  { id: 'severity', label: 'Severity', sort: 'severity', width: 84 },
  { id: 'score', label: 'Score / risk', sort: 'score', width: 118 },
  { id: 'tlp', label: 'TLP', width: 128 },
  { id: 'tags', label: 'Tags', width: 160 },
  { id: 'lastSeen', label: 'Last seen', sort: 'lastSeen', width: 122 },
  { id: 'sources', label: 'Sources / sightings', sort: 'sources', width: 92 },
  { id: 'status', label: 'Status', width: 112 },
]

export const MIN_COLUMN_WIDTH = 48
export const MAX_COLUMN_WIDTH = 1200

const STORAGE_KEY = 'threateye.indicators.columns'

const PrefsSchema = z.object({
  hidden: z.array(z.string()).max(COLUMNS.length),
  widths: z.record(z.string(), z.number().int().min(MIN_COLUMN_WIDTH).max(MAX_COLUMN_WIDTH)),
})
export type ColumnPrefs = z.infer<typeof PrefsSchema>

const load = (): ColumnPrefs => {
  try {
    const raw = window.localStorage.getItem(STORAGE_KEY)
    const parsed = PrefsSchema.safeParse(raw === null ? null : JSON.parse(raw))
    // A damaged entry (edited by hand, an older shape) falls back to the defaults.
    return parsed.success ? parsed.data : { hidden: [], widths: {} }
  } catch {
    return { hidden: [], widths: {} }
  }
}

export type ColumnLayout = {
  visible: readonly Column[]
  hidden: ReadonlySet<ColumnId>
  widthOf(id: ColumnId): number
  /** CSS grid columns: the value column takes what is left beyond its width. */
  template: string
  minWidth: number
  setWidth(id: ColumnId, width: number): void
  toggle(id: ColumnId): void
  reset(): void
}

/** Which columns show and how wide, remembered in localStorage across reloads. */
export const useColumnLayout = (): ColumnLayout => {
  const [prefs, setPrefs] = useState<ColumnPrefs>(load)
  const save = useCallback((next: ColumnPrefs) => {
    setPrefs(next)
    try {
      window.localStorage.setItem(STORAGE_KEY, JSON.stringify(next))
    } catch {
      // Storage full or disabled: the layout still applies for this session.
    }
  }, [])
  const hidden = new Set(
    prefs.hidden.flatMap((h) => COLUMNS.filter((c) => c.id === h && !c.required).map((c) => c.id)),
  )
  const visible = COLUMNS.filter((c) => !hidden.has(c.id))
  const widthOf = (id: ColumnId) =>
    prefs.widths[id] ?? COLUMNS.find((c) => c.id === id)?.width ?? 100
  const clamp = (w: number) => Math.round(Math.max(MIN_COLUMN_WIDTH, Math.min(MAX_COLUMN_WIDTH, w)))
  return {
    visible,
    hidden,
    widthOf,
    template: visible
      .map((c) => (c.id === 'value' ? `minmax(${widthOf(c.id)}px, 1fr)` : `${widthOf(c.id)}px`))
      .join(' '),
    minWidth: visible.reduce((n, c) => n + widthOf(c.id), 0),
    setWidth: (id, width) => save({ ...prefs, widths: { ...prefs.widths, [id]: clamp(width) } }),
    toggle: (id) =>
      save({
        ...prefs,
        hidden: hidden.has(id) ? prefs.hidden.filter((h) => h !== id) : [...prefs.hidden, id],
      }),
    reset: () => save({ hidden: [], widths: {} }),
  }
}
