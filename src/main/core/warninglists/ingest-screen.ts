import type { IocType } from '#shared/domain'
import { allowlistKey, type AllowlistRepository } from '../allowlist/allowlist.repository'
import { UPSERT_STRIDE, type PreparedRows } from '../db/bulk/indicator-bulk'
import type { WarninglistMatchesJson } from '../db/bulk/warninglist-hits'
import type { WarninglistState } from './warninglist-state'

/**
 * What every way data comes in applies to each row just before it goes to the bulk writer (src/main/core/
 * ingest/batch-committer.ts): the enabled warninglists (the hit count and the hits are set in the prepared
 * row's warninglist columns, which the bulk writer stores, so whatever it computes from the count sees it)
 * and the analysts' allowlist (an allowlisted value is stored, but as false positive and inactive: the
 * analyst's word wins over a feed's). It works on the flat prepared rows, not on the records: the records
 * keep their shape, and nothing is copied.
 */
export type IngestScreen = {
  /**
   * Brings the lists and the allowlist up to date with the database (another process may have changed
   * them) and returns the pass for one import's rows.
   */
  begin(): ScreenPass
  /** The allowlist changed in this core (its writes may share a timestamp with the previous ones). */
  allowlistChanged(): void
}

export type ScreenPass = {
  /** Screens prepared rows in place; returns how many the allowlist turned into false positives. */
  rows(flat: PreparedRows): number
  /** The hits of one value (an indicator made by hand). */
  one(type: IocType, value: string): { count: number; matches: WarninglistMatchesJson | null }
}

// Columns of a prepared row (indicator-bulk.ts, UPSERT_STRIDE).
const TYPE = 1
const VALUE = 2
const ACTIVE = 14
const FALSE_POSITIVE = 15
const HITS = 18
const MATCHES = 19

export const createIngestScreen = (deps: {
  state: WarninglistState
  allowlist: AllowlistRepository
}): IngestScreen => {
  let allowed: Set<string> | null = null
  let allowSig = ''

  const allowlist = (): Set<string> => {
    const sig = deps.allowlist.signature()
    if (allowed === null || sig !== allowSig) {
      allowed = deps.allowlist.keys()
      allowSig = sig
    }
    return allowed
  }

  return {
    begin: () => {
      const compiled = deps.state.current()
      const { matcher, idOf } = compiled
      const allow = allowlist()
      const checkLists = idOf.size > 0
      const one = (type: IocType, value: string) => {
        const hits = checkLists ? matcher.match(type, value) : []
        return {
          count: hits.length,
          matches:
            hits.length === 0
              ? null
              : JSON.stringify(hits.map((h) => [idOf.get(h.list)?.id ?? '', h.entry])),
        }
      }
      return {
        one,
        rows: (flat) => {
          let allowlisted = 0
          for (let o = 0; o < flat.length; o += UPSERT_STRIDE) {
            const type = flat[o + TYPE] as IocType
            const value = flat[o + VALUE] as string
            if (checkLists) {
              const hits = matcher.match(type, value)
              flat[o + HITS] = hits.length
              if (hits.length > 0) {
                flat[o + MATCHES] = JSON.stringify(
                  hits.map((h) => [idOf.get(h.list)?.id ?? '', h.entry]),
                )
              }
            } else flat[o + HITS] = 0
            if (allow.size > 0 && allow.has(allowlistKey(type, value))) {
              flat[o + ACTIVE] = 0
              flat[o + FALSE_POSITIVE] = 1
              allowlisted++
            }
          }
          return allowlisted
        },
      }
    },
    allowlistChanged: () => {
      allowed = null
    },
  }
}
