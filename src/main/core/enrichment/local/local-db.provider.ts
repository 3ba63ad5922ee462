import type { EnrichmentLevel } from '#shared/contract/enrichment.schemas'
import { IOC_TYPES } from '#shared/domain/enums'
import type { LocalProvider } from '../provider-types'
import type { LocalEnv } from './local-env'
import { fact, joined, localDefaults } from './local-support'
import type { LocalSighting } from './local-sightings'

/** Entity kinds whose link to an indicator says it is part of a threat (not a vulnerability, say). */
const THREAT_KINDS = new Set(['threat-actor', 'campaign', 'malware'])

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`

/**
 * The level this database gives: an incident tracks it (malicious); a threat report or a threat entity
 * names it (malicious when the indicator is classified so, else suspicious); feeds reported it and it is
 * classified malicious or suspicious (that level); the analysts marked it a false positive (safe); else info.
 */
export const localLevel = (x: LocalSighting): EnrichmentLevel => {
  const c = x.counts
  if (c.false_positive) return 'safe'
  if (c.incidents > 0) return 'malicious'
  const threatLinks = x.linked.some((l) => THREAT_KINDS.has(l.kind))
  if (c.reports > 0 || threatLinks) {
    return c.classification === 'malicious' ? 'malicious' : 'suspicious'
  }
  if (c.observations > 0 && (c.classification === 'malicious' || c.classification === 'suspicious'))
    return c.classification
  return 'info'
}

const summaryOf = (x: LocalSighting): string => {
  const c = x.counts
  const parts: string[] = []
  if (c.observations > 0) {
    parts.push(`reported by ${plural(c.observations, 'source')}`)
  }
  if (c.reports > 0) parts.push(`in ${plural(c.reports, 'report')}`)
  if (c.links > 0) parts.push(`linked to ${plural(c.links, 'intel object')}`)
  if (c.incidents > 0) parts.push(`tracked in ${plural(c.incidents, 'incident')}`)
  if (c.false_positive) parts.push('marked a false positive')
  if (parts.length === 0) return 'No feed, report or incident mentions it here'
  const text = parts.join(', ')
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`
}

/**
 * This database: whether the indicator was seen before, by which feeds, in which threat reports and
 * incidents, linked to which actors, campaigns or malware.
 */
export const localDbProvider: LocalProvider<LocalEnv> = {
  kind: 'local',
  id: 'local',
  label: 'This database',
  accepts: IOC_TYPES,
  // The analysts' own records and their feeds: as good as those feeds, judged by their own grades.
  reliability: 'B',
  defaults: localDefaults(1),
  docsUrl: null,
  source: () => 'this database (feeds, threat reports, intel, incidents)',
  lookup: (s, env) => {
    const x = env.sightings(s.indicatorId)
    if (x === null) {
      return {
        answer: {
          finding: {
            level: 'info',
            summary: 'Not in this database',
            tags: [],
            facts: [fact('seenBefore', 'Seen before', false)],
          },
          keys: [],
        },
        raw: null,
      }
    }
    const c = x.counts
    const seen = c.observations > 0 || c.reports > 0 || c.links > 0 || c.incidents > 0
    return {
      answer: {
        finding: {
          level: localLevel(x),
          summary: summaryOf(x),
          tags: [],
          facts: [
            fact('seenBefore', 'Seen before', seen),
            fact('feeds', 'Feeds', joined(x.feeds.map((f) => f.feed ?? f.source_key))),
            fact('sources', 'Sources', c.observations),
            fact('reports', 'Threat reports', joined(x.reports.map((r) => r.name))),
            fact('reportCount', 'Reports', c.reports),
            fact('linked', 'Linked intel', joined(x.linked.map((l) => `${l.kind} ${l.name}`))),
            fact('incidents', 'Incidents', c.incidents),
            fact('classification', 'Classification', c.classification),
            fact('malware', 'Malware', joined(x.feeds.map((f) => f.malware))),
            fact('threatTypes', 'Threat types', joined(x.feeds.map((f) => f.threat_type))),
            fact('firstSeen', 'First seen', c.first_seen),
            fact('lastSeen', 'Last seen', c.last_seen),
          ],
        },
        keys: [],
      },
      raw: x,
    }
  },
}
