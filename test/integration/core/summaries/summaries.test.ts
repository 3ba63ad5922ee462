import { readFileSync, statSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import {
  ARRIVED_BY_TYPE_SQL,
  HIGH_TOP_SQL,
  INCIDENTS_TO_STATUS_SQL,
  createSummaryStatsRepository,
} from '#core/summaries/summary-stats.repository'
import { ARRIVALS_PAGE_SQL } from '#core/summaries/summary-output'
import { summaryExportSet } from '#core/summaries/summary-export-set'
import { openCore, type TestCore } from '../../../support/test-core'
import { appErrorOf, queryPlan } from '../db/core-fixture'
import { seedWeek } from './summary-support'

let t: TestCore | undefined
afterEach(async () => {
  await t?.dispose()
  t = undefined
})

const open = async () => {
  const opened = await openCore()
  t = opened
  return opened
}

const START = '2026-12-01T00:00:00.000Z'
const END = '2026-12-03T00:00:00.000Z'

describe('summary statistics', () => {
  it('count what arrived, scored high and was triaged in the range, by feed, type, severity and day', async () => {
    const { core, clock, dir } = await open()
    const seeded = await seedWeek(core, clock, dir)
    const stats = createSummaryStatsRepository(core.db.sqlite).compute(START, END, 60)

    expect(stats.arrived.total).toBe(5)
    expect(stats.arrived.byType).toEqual({ ip: 3, domain: 2 })
    expect(Object.values(stats.arrived.bySeverity).reduce((a, b) => a + b, 0)).toBe(5)
    expect(stats.arrived.byTlp.red).toBe(1)
    // Scores 95, 80, 30, 20, 10.
    expect(stats.arrived.scoreBuckets).toEqual([0, 1, 1, 1, 0, 0, 0, 0, 1, 1])
    expect(stats.arrived.byFeed).toEqual([
      {
        feedId: seeded.feedId,
        name: 'Week list',
        indicators: 3,
        runs: 1,
        failedRuns: 0,
        created: 3,
        updated: 0,
        rejected: 0,
      },
      {
        feedId: null,
        name: 'No feed (added by hand or imported once)',
        indicators: 2,
        runs: 0,
        failedRuns: 0,
        created: 0,
        updated: 0,
        rejected: 0,
      },
    ])
    expect(stats.runs).toMatchObject({ total: 1, succeeded: 1, failed: 0, rows: 3, created: 3 })
    // The indicator scored 99 arrived the day before: not this range's.
    expect(stats.high.count).toBe(2)
    expect(stats.high.top.map((i) => [i.id, i.score])).toEqual([
      [seeded.highIp, 95],
      [seeded.highDomain, 80],
    ])
    expect(stats.triage).toEqual({
      alertsRaised: 1,
      alertsAcknowledged: 1,
      // Resolved on 2026-12-03: the range ends at its midnight.
      alertsResolved: 0,
      incidentsOpened: 1,
      incidentsEscalated: 1,
      incidentsResolved: 0,
    })
    expect(stats.intel).toEqual({ created: { campaign: 1 }, updated: { 'threat-actor': 1 } })
    expect(stats.timeline).toEqual([
      { day: '2026-12-01', indicators: 4, high: 2, alerts: 1, incidents: 1 },
      { day: '2026-12-02', indicators: 1, high: 0, alerts: 0, incidents: 0 },
    ])

    // The next day holds the resolutions.
    const next = createSummaryStatsRepository(core.db.sqlite).compute(
      END,
      '2026-12-04T00:00:00.000Z',
      60,
    )
    expect(next.arrived.total).toBe(0)
    expect(next.triage).toMatchObject({ alertsResolved: 1, incidentsResolved: 1 })
    expect(next.timeline).toEqual([
      { day: '2026-12-03', indicators: 0, high: 0, alerts: 0, incidents: 0 },
    ])
  })

  it('reads arrivals through the created_at index and the change log through its time index', async () => {
    const { core } = await open()
    const plan = (sql: string, params: unknown[]) => queryPlan(core, sql, params).join(' | ')
    expect(plan(ARRIVED_BY_TYPE_SQL, [START, END])).toMatch(/INDEX IDX_indicators_created_at/)
    expect(plan(HIGH_TOP_SQL, [START, END, 60, 20])).toMatch(/INDEX IDX_indicators_created_at/)
    // The CSV's pages follow the index's own order: no sort of the whole range per page.
    const csv = plan(ARRIVALS_PAGE_SQL, [START, END, '', '', 0, 2000])
    expect(csv).toMatch(/INDEX IDX_indicators_created_at/)
    expect(csv).not.toMatch(/TEMP B-TREE/)
    expect(plan(INCIDENTS_TO_STATUS_SQL, [START, END, 'resolved'])).toMatch(
      /INDEX IDX_change_log_(at|entity_seq)/,
    )
  })

  it('make an ExportSet of the high-scoring arrivals, marked with the strictest TLP that arrived', async () => {
    const { core, clock, dir } = await open()
    const seeded = await seedWeek(core, clock, dir)
    const stats = createSummaryStatsRepository(core.db.sqlite).compute(START, END, 60)
    const set = summaryExportSet(core.db.sqlite, 'Summary 2026-12-01 – 2026-12-02', stats, END)
    expect(set.tlp).toBe('red')
    expect(set.indicatorCount).toBe(2)
    expect(set.stats.byType).toEqual({ ip: 3, domain: 2 })
    expect(set.stats.timeline).toEqual([
      { day: '2026-12-01', count: 4 },
      { day: '2026-12-02', count: 1 },
    ])
    const pages: string[][] = []
    for await (const page of set.indicators()) pages.push(page.map((i) => i.id))
    expect(pages).toEqual([[seeded.highIp, seeded.highDomain]])
    expect(set.markdown).toContain('| Week list | 3 | 1 | 0 | 3 | 0 | 0 |')
    // Values are defanged, then escaped: the brackets stay text, not a link.
    expect(set.markdown).toContain('| bad-host\\[.\\]example\\[.\\]com | domain | 80 |')
    expect(set.markdown).toContain('| 45.155.205\\[.\\]7 | ip | 95 |')
    expect(set.summary).toMatch(/5 new indicators from 1 feed runs .*2 scored 60 or more/)
  })
})

describe('summary reports', () => {
  it('generate a weekly report as a job, write its file privately under <dataDir>/summaries, list, read and delete it', async () => {
    const { core, clock, dir } = await open()
    await seedWeek(core, clock, dir)
    clock.set('2026-12-04T09:00:00.000Z')
    const { report, job } = await core.call('summaries.generate', { type: 'weekly' })
    expect(report).toMatchObject({
      type: 'weekly',
      title: 'Weekly summary 2026-11-27 – 2026-12-03',
      rangeStart: '2026-11-27T00:00:00.000Z',
      rangeEnd: '2026-12-04T00:00:00.000Z',
      status: 'queued',
      trigger: 'manual',
      format: 'md',
    })
    expect((await core.jobs.settled(job.id)).status).toBe('succeeded')
    const done = await core.call('summaries.get', { id: report.id })
    expect(done.status).toBe('done')
    expect(done.filePath).toBe(`${dir}/summaries/weekly-2026-11-27.md`)
    const file = done.filePath ?? ''
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(statSync(file).size).toBe(done.fileSize)
    const text = readFileSync(file, 'utf8')
    expect(text).toMatch(/^# Weekly summary 2026-11-27 – 2026-12-03\n/)
    expect(text).toContain('## What scored high')
    expect(done.stats?.arrived.total).toBe(6)
    expect(done.stats?.triage).toMatchObject({ alertsResolved: 1, incidentsResolved: 1 })

    const listed = await core.call('summaries.list', {})
    expect(listed).toMatchObject({ total: 1, items: [{ id: report.id, status: 'done' }] })

    let read = ''
    for (let offset = 0; ;) {
      const chunk = await core.call('summaries.readFile', { id: report.id, offset, length: 100 })
      expect(chunk).toMatchObject({ name: 'weekly-2026-11-27.md', size: done.fileSize })
      read += Buffer.from(chunk.data, 'base64').toString('latin1')
      offset += Buffer.from(chunk.data, 'base64').length
      if (chunk.eof) break
    }
    expect(Buffer.from(read, 'latin1').toString('utf8')).toBe(text)

    await core.call('summaries.delete', { id: report.id })
    expect(() => statSync(file)).toThrow(/ENOENT/)
    expect((await appErrorOf(core.call('summaries.get', { id: report.id }))).code).toBe('not_found')
    const log = await core.call('audit.list', { entity: 'summary_report', limit: 10 })
    expect(log.items.map((e) => e.operation)).toEqual(['delete', 'create'])
  })

  it('draws the report as a PDF through the export writer, privately', async () => {
    const { core, clock, dir } = await open()
    await seedWeek(core, clock, dir)
    const { report } = await core.call('summaries.generate', {
      type: 'custom',
      from: START,
      to: END,
      format: 'pdf',
      wait: true,
    })
    expect(report).toMatchObject({ status: 'done', format: 'pdf', error: null })
    const path = report.filePath ?? ''
    expect(path).toMatch(/custom-20261201T000000Z-20261203T000000Z\.pdf$/)
    const bytes = readFileSync(path)
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-')
    expect(bytes.subarray(-8).toString('latin1')).toMatch(/%%EOF/)
    expect(bytes.length).toBe(report.fileSize)
    expect(statSync(path).mode & 0o777).toBe(0o600)
    const chunk = await core.call('summaries.readFile', { id: report.id, length: 5 })
    expect(chunk).toMatchObject({ contentType: 'application/pdf', eof: false })
  })

  it('writes the statistics as JSON and the arrivals as CSV with formulas neutralised', async () => {
    const { core, clock } = await open()
    clock.set('2026-12-01T08:00:00.000Z')
    await core.call('indicators.create', { type: 'custom', value: '=HYPERLINK("x")' })
    await core.call('indicators.create', { value: '45.155.205.7' })
    const csv = await core.call('summaries.generate', {
      type: 'daily',
      from: '2026-12-01',
      format: 'csv',
      wait: true,
    })
    expect(csv.report).toMatchObject({ status: 'done', format: 'csv' })
    const lines = readFileSync(csv.report.filePath ?? '', 'utf8')
      .trimEnd()
      .split('\r\n')
    expect(lines[0]).toBe(
      'id,type,value,score,risk_level,severity,tlp,classification,first_seen,created_at',
    )
    expect(lines).toHaveLength(3)
    expect(lines.some((l) => l.includes(`,"'=HYPERLINK(""x"")",`))).toBe(true)

    const json = await core.call('summaries.generate', {
      type: 'custom',
      from: '2026-12-01T06:00:00Z',
      to: '2026-12-01T12:00:00Z',
      format: 'json',
      wait: true,
    })
    expect(json.report.title).toBe('Summary 2026-12-01T06:00Z – 2026-12-01T12:00Z')
    const parsed = JSON.parse(readFileSync(json.report.filePath ?? '', 'utf8')) as {
      stats: { arrived: { total: number } }
    }
    expect(parsed.stats.arrived.total).toBe(2)
  })

  it('re-runs the same period in place, and refuses bad ranges naming the field', async () => {
    const { core, clock } = await open()
    clock.set('2026-12-03T09:00:00.000Z')
    const first = await core.call('summaries.generate', { type: 'daily', wait: true })
    expect(first.report.rangeStart).toBe('2026-12-02T00:00:00.000Z')
    clock.set('2026-12-03T10:00:00.000Z')
    const again = await core.call('summaries.generate', {
      type: 'daily',
      from: '2026-12-02T17:00:00Z',
      format: 'json',
      wait: true,
    })
    expect(again.report).toMatchObject({ id: first.report.id, format: 'json', status: 'done' })
    // The Markdown file of the first run is no longer the report's and is gone.
    expect(() => statSync(first.report.filePath ?? '')).toThrow(/ENOENT/)
    expect((await core.call('summaries.list', {})).total).toBe(1)

    const backwards = await appErrorOf(
      core.call('summaries.generate', { type: 'custom', from: '2026-12-02', to: '2026-12-01' }),
    )
    expect(backwards).toMatchObject({ code: 'invalid_input' })
    expect(backwards.message).toMatch(/^to: /)
    const missing = await appErrorOf(core.call('summaries.generate', { type: 'custom' }))
    expect(missing.message).toMatch(/from/)
    const long = await appErrorOf(
      core.call('summaries.generate', { type: 'custom', from: '2025-01-01', to: '2026-12-01' }),
    )
    expect(long.message).toMatch(/at most 367 days/)
  })
})
