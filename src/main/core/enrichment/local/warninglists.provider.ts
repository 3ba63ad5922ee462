import { IOC_TYPES } from '#shared/domain/enums'
import type { LocalProvider } from '../provider-types'
import type { LocalEnv } from './local-env'
import { fact, joined, localDefaults } from './local-support'

/**
 * Warninglists: whether the value is on a known-benign list (the core's enabled built-in and imported
 * lists, the same check ingest and URL analysis use) or on the analysts' allowlist. On a list: safe.
 */
export const warninglistsProvider: LocalProvider<LocalEnv> = {
  kind: 'local',
  id: 'warninglists',
  label: 'Warninglists',
  accepts: IOC_TYPES,
  // Curated lists of well-known services; a hit says "common", which is not always "harmless".
  reliability: 'B',
  defaults: localDefaults(24),
  docsUrl: 'https://github.com/MISP/misp-warninglists',
  source: () => 'the enabled warninglists (built-in and imported) and the allowlist',
  lookup: (s, env) => {
    const result = env.checkWarninglists([{ type: s.type, value: s.value }])[0]
    const hits = result?.hits ?? []
    const allowlisted = result?.allowlisted ?? false
    const lists = joined(hits.map((h) => h.listName))
    let summary = 'On no warninglist'
    if (hits.length > 0)
      summary = `On ${hits.length === 1 ? 'a warninglist' : `${hits.length} warninglists`}: ${lists ?? ''}`
    if (allowlisted) summary = `${summary}; on the allowlist`
    return {
      answer: {
        finding: {
          level: hits.length > 0 || allowlisted ? 'safe' : 'info',
          summary: summary.slice(0, 500),
          tags: hits.length > 0 ? ['warninglist'] : [],
          facts: [
            fact('lists', 'Warninglists', lists),
            fact('hits', 'Hits', hits.length),
            fact('allowlisted', 'Allowlisted', allowlisted),
          ],
        },
        keys: [],
      },
      raw: result ?? null,
    }
  },
}
