import type { IntelRefKind } from '#shared/contract/intel.schemas'
import { defang } from '#shared/domain'
import { IOC_TYPES, type IocType } from '#shared/domain/enums'

export const KIND_LABELS: Record<IntelRefKind, string> = {
  'threat-actor': 'Threat actor',
  campaign: 'Campaign',
  vulnerability: 'Vulnerability',
  malware: 'Malware',
  report: 'Threat report',
  indicator: 'Indicator',
  'attack-pattern': 'ATT&CK technique',
}

/** `2025-03-04` (UTC): the entities' dates are days, whatever the clock said. */
export const formatDay = (iso: string | null): string => (iso === null ? '—' : iso.slice(0, 10))

export const listOrDash = (items: readonly string[]): string =>
  items.length === 0 ? '—' : items.join(', ')

export const yesNo = (b: boolean): string => (b ? 'Yes' : 'No')

const isIocType = (t: string): t is IocType => (IOC_TYPES as readonly string[]).includes(t)

/** How a node reads: an indicator's value defanged (as everywhere else in the app), a name as it is. */
export const nodeLabel = (n: { kind: IntelRefKind; label: string; type?: string }): string =>
  n.kind === 'indicator' && n.type !== undefined && isIocType(n.type)
    ? defang(n.type, n.label)
    : n.label
