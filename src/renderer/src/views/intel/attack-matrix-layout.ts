/**
 * The ATT&CK matrix as rows and columns, without React: tactic columns in kill-chain order, one cell per
 * technique under each of its tactics, the entity's techniques marked and its sub-techniques counted on
 * their parent's cell. Sub-techniques never get a cell of their own (the matrix would be ~600 cells taller).
 */

export type MatrixTactic = {
  /** TA0001 */
  id: string
  name: string
  /** The kill-chain phase name (initial-access): how techniques name their tactics in STIX. */
  shortName: string
  /** Position in the kill chain when the catalogue knows it. */
  order?: number
}

export type MatrixTechnique = {
  /** T1059 or T1059.001 */
  id: string
  name: string
  /** Tactic ids or kill-chain phase names: either is matched. */
  tactics: string[]
  /** A sub-technique's parent (T1059 for T1059.001); derived from the id when absent. */
  parentId?: string | null
}

export type MatrixCell = {
  id: string
  name: string
  /** The entity names this technique itself. */
  selected: boolean
  /** How many of this technique's sub-techniques the entity names. */
  subSelected: number
  /** How many sub-techniques the catalogue has under it. */
  subTotal: number
}

export type MatrixColumn = {
  tactic: MatrixTactic
  cells: MatrixCell[]
  /** Cells that are selected or have a selected sub-technique. */
  hits: number
}

export type MatrixLayout = {
  columns: MatrixColumn[]
  /** The entity's techniques the catalogue does not know (a newer ATT&CK, a typo in a feed). */
  unknown: string[]
  /** The entity's technique ids the matrix shows (parents and sub-techniques). */
  known: number
}

/** Enterprise ATT&CK's kill chain, for catalogues that do not carry an order. */
export const ENTERPRISE_TACTIC_ORDER = [
  'TA0043',
  'TA0042',
  'TA0001',
  'TA0002',
  'TA0003',
  'TA0004',
  'TA0005',
  'TA0006',
  'TA0007',
  'TA0008',
  'TA0009',
  'TA0011',
  'TA0010',
  'TA0040',
] as const

export const parentOf = (t: MatrixTechnique): string | null => {
  if (t.parentId !== undefined && t.parentId !== null) return t.parentId
  const dot = t.id.indexOf('.')
  return dot < 0 ? null : t.id.slice(0, dot)
}

const tacticRank = (t: MatrixTactic): number => {
  if (t.order !== undefined) return t.order
  const i = (ENTERPRISE_TACTIC_ORDER as readonly string[]).indexOf(t.id)
  return i < 0 ? ENTERPRISE_TACTIC_ORDER.length : i
}

export const layoutMatrix = (
  tactics: readonly MatrixTactic[],
  techniques: readonly MatrixTechnique[],
  entityTechniques: readonly string[],
  options: { onlySelected?: boolean } = {},
): MatrixLayout => {
  const chosen = new Set(entityTechniques.map((t) => t.trim().toUpperCase()))
  const byId = new Map(techniques.map((t) => [t.id.toUpperCase(), t]))
  const subTotal = new Map<string, number>()
  const subSelected = new Map<string, number>()
  for (const t of techniques) {
    const parent = parentOf(t)
    if (parent === null) continue
    const p = parent.toUpperCase()
    subTotal.set(p, (subTotal.get(p) ?? 0) + 1)
    if (chosen.has(t.id.toUpperCase())) subSelected.set(p, (subSelected.get(p) ?? 0) + 1)
  }
  const ordered = [...tactics].sort(
    (a, b) => tacticRank(a) - tacticRank(b) || a.id.localeCompare(b.id),
  )
  const columns: MatrixColumn[] = ordered.map((tactic) => {
    const keys = new Set([tactic.id.toUpperCase(), tactic.shortName.toLowerCase()])
    const cells: MatrixCell[] = []
    for (const t of techniques) {
      if (parentOf(t) !== null) continue
      if (!t.tactics.some((k) => keys.has(k.toUpperCase()) || keys.has(k.toLowerCase()))) continue
      const id = t.id.toUpperCase()
      const cell: MatrixCell = {
        id: t.id,
        name: t.name,
        selected: chosen.has(id),
        subSelected: subSelected.get(id) ?? 0,
        subTotal: subTotal.get(id) ?? 0,
      }
      if (options.onlySelected === true && !cell.selected && cell.subSelected === 0) continue
      cells.push(cell)
    }
    cells.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
    const hits = cells.filter((c) => c.selected || c.subSelected > 0).length
    return { tactic, cells, hits }
  })
  const unknown = [...chosen].filter((id) => !byId.has(id)).sort()
  return { columns, unknown, known: chosen.size - unknown.length }
}

/** The entity's techniques with one added or removed (ids normalised, order kept, no duplicates). */
export const toggleTechnique = (list: readonly string[], id: string): string[] => {
  const key = id.trim().toUpperCase()
  const had = list.some((t) => t.toUpperCase() === key)
  return had ? list.filter((t) => t.toUpperCase() !== key) : [...list, key]
}

/** The shape of `attack.matrix`: tactics in kill-chain order, each with its techniques and sub-techniques. */
export type MatrixSource = {
  tactics: {
    id: string
    shortname: string
    name: string
    techniques: { id: string; name: string; subTechniques: { id: string; name: string }[] }[]
  }[]
}

export type MatrixCatalogue = { tactics: MatrixTactic[]; techniques: MatrixTechnique[] }

/** The catalogue's matrix as the layout's input: one technique entry however many tactics list it. */
export const catalogueOf = (m: MatrixSource): MatrixCatalogue => {
  const techniques = new Map<string, MatrixTechnique>()
  const note = (id: string, name: string, tactic: string, parentId: string | null) => {
    const have = techniques.get(id)
    if (have === undefined) techniques.set(id, { id, name, tactics: [tactic], parentId })
    else if (!have.tactics.includes(tactic)) have.tactics.push(tactic)
  }
  const tactics = m.tactics.map((t, order) => {
    for (const tech of t.techniques) {
      note(tech.id, tech.name, t.id, null)
      for (const sub of tech.subTechniques) note(sub.id, sub.name, t.id, tech.id)
    }
    return { id: t.id, name: t.name, shortName: t.shortname, order }
  })
  return { tactics, techniques: [...techniques.values()] }
}
