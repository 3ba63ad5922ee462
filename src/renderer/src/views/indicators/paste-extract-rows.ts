import type { ExtractedItemDto } from '#shared/contract/indicators.contract'
import { parseIndicator, type ExtractKind, type IocType } from '#shared/domain'
import { TYPE_LABELS } from './format'

/** Kinds the engine finds that are no indicator type: listed so the analyst sees them, never imported. */
const UNTYPED_LABELS: Partial<Record<ExtractKind, [label: string, plural: string]>> = {
  'attack-tactic': ['ATT&CK tactic', 'ATT&CK tactics'],
}

type Check = { ok: true; type: IocType; value: string } | { ok: false; reason: string }

/** One found item as the analyst reviews it: ticked or not, and possibly retyped. */
export type ExtractRow = {
  key: string
  kind: ExtractKind
  /** The canonical value the engine found. */
  found: string
  line: number
  column: number
  raw: string
  count: number
  /** The value as found (canonical) or as the analyst retyped it. */
  text: string
  ticked: boolean
  /** Null for kinds without an indicator type: those rows cannot be imported. */
  check: Check | null
}

const TYPED_LABELS: Partial<Record<string, string>> = TYPE_LABELS

export const kindLabel = (kind: ExtractKind): string =>
  UNTYPED_LABELS[kind]?.[0] ?? TYPED_LABELS[kind] ?? kind

/** Why an item of a kind without an indicator type cannot be imported. */
export const untypedReason = (kind: ExtractKind): string =>
  `${UNTYPED_LABELS[kind]?.[1] ?? kind} are not observables, so they are no indicator type (import the techniques)`

export const rowOf = (item: ExtractedItemDto): ExtractRow => ({
  key: `${item.kind}\u0000${item.value}`,
  kind: item.kind,
  found: item.value,
  line: item.line,
  column: item.column,
  raw: item.raw,
  count: item.count,
  text: item.value,
  ticked: item.iocType !== null,
  check: item.iocType === null ? null : { ok: true, type: item.iocType, value: item.value },
})

/** A retyped value is read again as any indicator: the analyst may have changed its type too. */
const recheck = (text: string): Check => {
  const r = parseIndicator(text)
  return r.ok ? { ok: true, type: r.type, value: r.value } : { ok: false, reason: r.reason }
}

export const retype = (row: ExtractRow, text: string): ExtractRow => ({
  ...row,
  text,
  check: row.check === null ? null : recheck(text),
})

/** The rows that go to indicators.bulkCreate. */
export const importable = (rows: readonly ExtractRow[]) =>
  rows.flatMap((r) =>
    r.ticked && r.check?.ok === true
      ? [{ type: r.check.type, value: r.check.value, line: r.line }]
      : [],
  )

/** Ticked rows whose retyped value is not an indicator: the import waits until they are fixed or unticked. */
export const invalidTicked = (rows: readonly ExtractRow[]): number =>
  rows.filter((r) => r.ticked && r.check?.ok === false).length

/** A new extraction's rows, keeping what the analyst already did (unticked, retyped) to an item still found. */
export const mergeRows = (
  before: readonly ExtractRow[],
  items: readonly ExtractedItemDto[],
): ExtractRow[] => {
  const seen = new Map(before.map((r) => [r.key, r]))
  return items.map((item) => {
    const fresh = rowOf(item)
    const old = seen.get(fresh.key)
    return old ? { ...fresh, text: old.text, ticked: old.ticked, check: old.check } : fresh
  })
}
