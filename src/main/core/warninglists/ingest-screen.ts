import type { IocType } from '#shared/domain'
import { allowlistKey, type AllowlistRepository } from '../allowlist/allowlist.repository'
import type { WarninglistMatchesJson } from '../db/bulk/warninglist-hits'
import type { WarninglistState } from './warninglist-state'

/** The fields of a record (feed) or row (indicators.bulkCreate) the screen reads and sets. */
export type ScreenTarget = {
  type: IocType
  value: string
  warninglistHits?: number
  warninglistMatches?: WarninglistMatchesJson
  falsePositive?: boolean
  active?: boolean
}

/**
 * What every way data comes in applies to each record just before its batch (src/main/core/ingest/
 * batch-committer.ts): the enabled warninglists (the hit count and the hits travel with the record to the
 * bulk writer, which stores them) and the analysts' allowlist (an allowlisted value is stored, but as false
 * positive and inactive: the analyst's word wins over a feed's).
 */
export type IngestScreen = {
  /**
   * Brings the lists and the allowlist up to date with the database (another process may have changed
   * them) and returns the pass for one batch committer's records.
   */
  begin(): ScreenPass
  /** The allowlist changed in this core (its writes may share a timestamp with the previous ones). */
  allowlistChanged(): void
}

/** Screens records in place; returns how many of them the allowlist turned into false positives. */
export type ScreenPass = (records: ScreenTarget[]) => number

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
      const checkLists = compiled.idOf.size > 0
      return (records) => {
        let allowlisted = 0
        for (let i = 0; i < records.length; i++) {
          const r = records[i]
          if (checkLists) {
            const hits = matcher.match(r.type, r.value)
            r.warninglistHits = hits.length
            if (hits.length > 0) {
              r.warninglistMatches = JSON.stringify(
                hits.map((h) => [idOf.get(h.list)?.id ?? '', h.entry]),
              )
            }
          } else r.warninglistHits = 0
          if (allow.size > 0 && allow.has(allowlistKey(r.type, r.value))) {
            r.falsePositive = true
            r.active = false
            allowlisted++
          }
        }
        return allowlisted
      }
    },
    allowlistChanged: () => {
      allowed = null
    },
  }
}
