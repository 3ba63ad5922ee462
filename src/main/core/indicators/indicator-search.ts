/**
 * What the search box means. An analyst types fragments: a domain part ('evil-corp'), an IP prefix
 * ('203.0.113.'), a hash prefix, a tag, a word of a description, or several of these separated by spaces.
 * Semantics: every whitespace-separated term (or "quoted phrase") must occur, case- and accent-
 * insensitively, in the value, the description or the tags, starting at a word start. Examples:
 * 'evil-corp' finds login.evil-corp.com and evil-corporate.net but not evil.corp.com; '203.0.113.' finds
 * 203.0.113.7 and http://203.0.113.9/x but not 113.0.203.1; 'corp' does not find evilcorp.com (that
 * would need a trigram index, which the migration explains we do not pay for).
 *
 * Besides its own text, an indicator is found by what its sources said about it: the malware families,
 * threat types and event titles (MISP event info, STIX report name) of its observations (searchContextSql),
 * indexed with its description. A defanged query (hxxp://evil[.]example/x, 1.2.3[.]4, copied from a report
 * or from the table) is refanged first: indicators are stored refanged.
 *
 * Two steps: an FTS5 query over the index (each term a phrase of its words, the last word as a prefix)
 * finds candidates fast; a substring check of each term on the row's text makes the result exact.
 */

import { punycodeDecode } from '#shared/domain'
import { refang } from '#shared/domain/refang'

/** Bounds the work one query can ask for (each term is a phrase in the FTS query). */
export const MAX_SEARCH_TERMS = 16
const WORD = /[\p{L}\p{N}\p{Co}]+/gu
const ENDS_IN_WORD = /[\p{L}\p{N}\p{Co}]$/u

export type SearchPlan = {
  /** FTS5 MATCH expression. */
  match: string
  /** Normalised terms every row must contain (see normalizeForSearch). */
  terms: string[]
}

/** Lower case without accents, in the same spirit as the index's unicode61 remove_diacritics tokenizer. */
export const normalizeForSearch = (s: string): string =>
  // Most indicator text is ASCII: skip the Unicode decomposition for it (a search checks thousands of rows).
  ASCII.test(s)
    ? s.toLowerCase()
    : s
        .normalize('NFKD')
        .replace(/\p{M}+/gu, '')
        .toLowerCase()

// eslint-disable-next-line no-control-regex
const ASCII = /^[\x00-\x7f]*$/

/** Splits on whitespace, keeping "double-quoted phrases" together. */
export const splitTerms = (q: string): string[] => {
  const terms: string[] = []
  const re = /"([^"]*)"|(\S+)/g
  for (const m of q.normalize('NFC').matchAll(re)) {
    const t = (m[1] ?? m[2] ?? '').trim()
    if (t !== '') terms.push(t)
    if (terms.length >= MAX_SEARCH_TERMS) break
  }
  return terms
}

/**
 * The FTS5 phrase of one term, or null when the term has no words (e.g. '://'): it is then only checked. The
 * last word is a prefix unless the term ends with a separator ('203.0.113.' wants 113 whole); one- and
 * two-character prefixes ('185.9') are served by the index's prefix='1 2' option.
 */
export const termPhrase = (term: string): string | null => {
  const words = term.match(WORD)
  if (words === null) return null
  // Words contain no quotes (they are letters and digits), so the phrase needs no escaping.
  return `"${words.join(' ')}"${ENDS_IN_WORD.test(term) ? '*' : ''}`
}

/**
 * SQL for the context text of the `indicators` row in scope: what its sources said (malware, threat type,
 * event title), space-separated, '' when they said nothing. `schema` is where observations live ('main',
 * or the indexer's attached name). One range scan of the observations' unique index per row.
 */
export const searchContextSql = (schema: string): string =>
  `coalesce((SELECT group_concat(concat_ws(' ', o.malware, o.threat_type, o.event_title), ' ')
    FROM ${schema}.observations AS o WHERE o.indicator_rowid = indicators.rowid
      AND (o.malware IS NOT NULL OR o.threat_type IS NOT NULL OR o.event_title IS NOT NULL)), '')`

/** The text indexed (and checked) in the description column: the description and the context. */
export const searchDescriptionSql = (schema: string): string =>
  `indicators.description || ' ' || ${searchContextSql(schema)}`

export const planSearch = (q: string): SearchPlan | null => {
  // ' dot ' stays: in a search box it is more likely a word than a defanged dot.
  const terms = splitTerms(refang(q, { spacedDot: false }))
  const phrases = terms.map(termPhrase).filter((p): p is string => p !== null)
  if (phrases.length === 0) return null
  return { match: phrases.join(' AND '), terms: terms.map(normalizeForSearch) }
}

const PUNYCODE_LABEL = /xn--([a-z0-9-]+)/gi

/**
 * The text the index holds for a value: IDN hosts are stored in Punycode (canonical form), but analysts type
 * them in their script, so the Unicode spelling is indexed (and checked) next to the stored one.
 */
export const searchableValue = (value: string): string => {
  if (!value.includes('xn--')) return value
  const unicode = value.replace(
    PUNYCODE_LABEL,
    (label, body: string) => punycodeDecode(body) ?? label,
  )
  return unicode === value ? value : `${value} ${unicode}`
}

/** The exact check on a candidate row; tags are given as their stored JSON text. */
export const rowMatchesTerms = (
  terms: readonly string[],
  value: string,
  description: string,
  tagsJson: string,
): boolean => {
  const v = normalizeForSearch(searchableValue(value))
  const d = description === '' ? '' : normalizeForSearch(description)
  const t = tagsJson === '[]' ? '' : normalizeForSearch(tagsJson)
  for (const term of terms) {
    if (!v.includes(term) && !d.includes(term) && !t.includes(term)) return false
  }
  return true
}

/** FTS5 expression for an exact tag (restricted to the tags column). */
export const tagPhrase = (tag: string): string | null => {
  const words = tag.normalize('NFC').match(WORD)
  return words === null ? null : `tags : "${words.join(' ')}"`
}
