import type { AlertCondition, AlertNotice } from './contract/alerts.contract'

/**
 * The words of a new-alerts notification, for the desktop's (Electron) and the browser's: plain text only.
 * Alert titles carry indicator values from feeds, which are hostile: control characters go, each title is
 * cut, and no more than a few are listed. Neither notification API interprets HTML in these strings.
 */
const MAX_TITLE_CHARS = 160
const LISTED = 3

/** Control characters (C0, DEL, C1) and the bidirectional overrides that could reorder what is shown. */
const unsafe = (code: number): boolean =>
  code < 0x20 ||
  (code >= 0x7f && code <= 0x9f) ||
  (code >= 0x202a && code <= 0x202e) ||
  (code >= 0x2066 && code <= 0x2069)

export const cleanNoticeText = (text: string): string => {
  let safe = ''
  for (const ch of text) safe += unsafe(ch.codePointAt(0) ?? 0) ? ' ' : ch
  const flat = safe.replace(/\s+/g, ' ').trim()
  return flat.length > MAX_TITLE_CHARS ? `${flat.slice(0, MAX_TITLE_CHARS - 1)}…` : flat
}

export const alertNoticeText = (e: {
  alerts: readonly AlertNotice[]
  count: number
}): { title: string; body: string } => {
  const first = e.alerts[0]
  if (e.count === 1 && first !== undefined) {
    return { title: `New alert (severity ${first.severity})`, body: cleanNoticeText(first.title) }
  }
  const lines = e.alerts.slice(0, LISTED).map((a) => cleanNoticeText(a.title))
  const more = e.count - lines.length
  if (more > 0) lines.push(`and ${more} more`)
  return { title: `${e.count} new alerts`, body: lines.join('\n') }
}

/** What a rule watches, in words (the CLI's list, the Settings view). */
export const describeAlertCondition = (c: AlertCondition): string => {
  switch (c.kind) {
    case 'score':
      return `score ${c.minScore} or more`
    case 'severity':
      return `severity ${c.minSeverity} or worse`
    case 'tag':
      return `tag ${c.tag}`
    case 'malware':
      return `malware ${c.malware}`
    case 'project':
      return `project ${c.projectId}`
    case 'warninglist_miss':
      return 'a new indicator on no warninglist'
    case 'enrichment_verdict': {
      const who =
        c.minProviders === 1
          ? 'an enrichment provider calls it'
          : `${c.minProviders} enrichment providers or more call it`
      return `${who} ${c.minLevel === 'suspicious' ? 'suspicious or malicious' : 'malicious'}`
    }
  }
}
