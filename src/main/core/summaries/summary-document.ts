import type { SummaryStats } from '#shared/contract/summaries.schemas'
import { defang } from '#shared/domain'

/**
 * A summary report as text: the summary paragraph and the Markdown body (the statistics as tables). The
 * same text goes into the .md file and into the ExportSet a PDF is drawn from. Indicator values are feed
 * data: they are defanged (a report is read, not clicked), cut to a bounded length and escaped so no value
 * can close a table cell, start a link or become HTML.
 */

const VALUE_MAX = 120

/** Backslash-escapes Markdown's punctuation and flattens whitespace: the text stays literal in a cell. */
export const mdText = (s: string, max = VALUE_MAX): string => {
  // Control characters (feed data) become spaces like any other whitespace.
  const flat = [...s]
    .map((c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? ' ' : c))
    .join('')
    .replace(/\s+/g, ' ')
    .trim()
  const cut = flat.length > max ? `${flat.slice(0, max - 1)}…` : flat
  return cut.replace(/[\\`*_{}[\]()<>|~&]/g, (c) => `\\${c}`)
}

const n = (v: number): string => v.toLocaleString('en-US')

const table = (head: readonly string[], rows: readonly (readonly string[])[]): string => {
  if (rows.length === 0) return '_None._\n'
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`
  return [
    line(head),
    line(head.map((_, i) => (i === 0 ? '---' : '---:'))),
    ...rows.map(line),
    '',
  ].join('\n')
}

const countRows = (m: Readonly<Record<string, number>>): string[][] =>
  Object.entries(m)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, v]) => [mdText(k), n(v)])

export const summaryParagraph = (title: string, s: SummaryStats): string => {
  const t = s.triage
  return (
    `${title}: ${n(s.arrived.total)} new indicators from ${n(s.runs.total)} feed runs ` +
    `(${n(s.runs.failed)} failed); ${n(s.high.count)} scored ${s.high.threshold} or more. ` +
    `${n(t.alertsRaised)} alerts raised, ${n(t.alertsAcknowledged)} acknowledged and ` +
    `${n(t.alertsResolved)} resolved; ${n(t.incidentsOpened)} incidents opened, ` +
    `${n(t.incidentsEscalated)} escalated and ${n(t.incidentsResolved)} resolved.`
  )
}

export const summaryMarkdown = (title: string, s: SummaryStats): string => {
  const intelKinds = [
    ...new Set([...Object.keys(s.intel.created), ...Object.keys(s.intel.updated)]),
  ].sort()
  const intelCount = (m: Partial<Record<string, number>>, k: string) => n(m[k] ?? 0)
  const parts = [
    `# ${mdText(title, 200)}`,
    '',
    `From ${s.rangeStart} to ${s.rangeEnd} (UTC, the end excluded).`,
    '',
    summaryParagraph(mdText(title, 200), s),
    '',
    '## What arrived',
    '',
    `${n(s.arrived.total)} new indicators.`,
    '',
    '### By type',
    '',
    table(['Type', 'Indicators'], countRows(s.arrived.byType)),
    '### By severity',
    '',
    table(['Severity', 'Indicators'], countRows(s.arrived.bySeverity)),
    '### By feed',
    '',
    table(
      ['Feed', 'New indicators', 'Runs', 'Failed runs', 'Created', 'Updated', 'Rejected'],
      s.arrived.byFeed.map((f) => [
        mdText(f.name),
        n(f.indicators),
        n(f.runs),
        n(f.failedRuns),
        n(f.created),
        n(f.updated),
        n(f.rejected),
      ]),
    ),
    '### Feed runs',
    '',
    table(
      ['Runs', 'Succeeded', 'Failed', 'Cancelled', 'Rows read', 'Created', 'Updated', 'Rejected'],
      [
        [
          n(s.runs.total),
          n(s.runs.succeeded),
          n(s.runs.failed),
          n(s.runs.cancelled),
          n(s.runs.rows),
          n(s.runs.created),
          n(s.runs.updated),
          n(s.runs.rejected),
        ],
      ],
    ),
    '## What scored high',
    '',
    `${n(s.high.count)} of the new indicators score ${s.high.threshold} or more` +
      (s.high.count > s.high.top.length ? `; the top ${s.high.top.length}:` : '.'),
    '',
    table(
      ['Value (defanged)', 'Type', 'Score', 'Risk', 'TLP', 'Arrived'],
      s.high.top.map((i) => [
        mdText(defang(i.type, i.value)),
        i.type,
        String(i.score),
        i.riskLevel,
        i.tlp.toUpperCase(),
        i.createdAt.slice(0, 16).replace('T', ' '),
      ]),
    ),
    '## What was triaged',
    '',
    table(
      ['', 'Raised / opened', 'Acknowledged / escalated', 'Resolved'],
      [
        [
          'Alerts',
          n(s.triage.alertsRaised),
          n(s.triage.alertsAcknowledged),
          n(s.triage.alertsResolved),
        ],
        [
          'Incidents',
          n(s.triage.incidentsOpened),
          n(s.triage.incidentsEscalated),
          n(s.triage.incidentsResolved),
        ],
      ],
    ),
    '## Intel',
    '',
    table(
      ['Kind', 'New', 'Updated'],
      intelKinds.map((k) => [k, intelCount(s.intel.created, k), intelCount(s.intel.updated, k)]),
    ),
    '## Per day',
    '',
    table(
      ['Day', 'New indicators', 'Scored high', 'Alerts', 'Incidents'],
      s.timeline.map((d) => [d.day, n(d.indicators), n(d.high), n(d.alerts), n(d.incidents)]),
    ),
  ]
  return parts.join('\n')
}
