import { canonicalizeClean } from '#shared/domain/canonicalize'
import { type ExtractKind, IOC_TYPE_OF_KIND } from './extract-types'

const TACTIC = /^TA[0-9]{4}$/i

/**
 * The canonical value of a candidate, or null when it is not one. Kinds that are IocTypes go through the
 * indicator store's own canonicalisation (src/shared/domain/canonicalize.ts), so an extracted value and an
 * imported one are the same string.
 */
export const canonicalValue = (kind: ExtractKind, candidate: string): string | null => {
  const type = IOC_TYPE_OF_KIND[kind]
  if (type !== null) {
    // Candidates hold no whitespace or zero-width characters (the scanner cuts at them), so the trimming
    // `canonicalize` adds is skipped.
    const r = canonicalizeClean(type, candidate)
    return r.ok ? r.value : null
  }
  return TACTIC.test(candidate) ? candidate.toUpperCase() : null
}
