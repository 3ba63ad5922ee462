import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  localDbProvider,
  openLocalEnv,
  warninglistsProvider,
  type LocalEnv,
} from '#core/enrichment/local/index'
import {
  LOCAL_COUNTS_SQL,
  LOCAL_FEED_NAMES_SQL,
  LOCAL_INCIDENTS_SQL,
  LOCAL_LINKS_SQL,
  LOCAL_REPORTS_SQL,
} from '#core/enrichment/local/local-sightings'
import type { LookupSubject } from '#core/enrichment/provider-types'
import { indicatorId } from '#core/indicators/indicator-id.node'
import type { IocType } from '#shared/domain'
import { openTestCore, queryPlan, type TestCore } from '../../db/core-fixture'

const subject = (type: IocType, value: string): LookupSubject => ({
  indicatorId: indicatorId(type, value),
  type,
  value,
  tlp: 'amber',
})

type Answer = ReturnType<typeof localDbProvider.lookup>
const factsOf = (r: Answer) =>
  Object.fromEntries((r?.answer.finding.facts ?? []).map((f) => [f.key, f.value]))

describe('the local database provider', () => {
  let t: TestCore
  let env: LocalEnv
  beforeAll(async () => {
    t = await openTestCore()
    env = openLocalEnv({
      dataDir: t.dir,
      sqlite: t.core.db.sqlite,
      checkWarninglists: (items) => t.core.warninglists.check(items),
      logger: t.logger,
    })
    const list = join(t.dir, 'c2.txt')
    writeFileSync(list, '45.155.205.7\nevil-c2.net\n91.92.240.5\n')
    for (const [name, reliability] of [
      ['C2 tracker', 'A'],
      ['Botnet list', 'C'],
    ] as const) {
      const feed = await t.core.call('feeds.create', {
        name,
        format: 'text',
        path: list,
        reliability,
      })
      const run = await t.core.call('feeds.run', { id: feed.id, wait: true })
      expect(run.status).toBe('succeeded')
    }
    await t.core.call('indicators.create', { type: 'domain', value: 'quiet-example.net' })
    await t.core.waitForIdle()
  })
  afterAll(() => t.dispose())

  it('names the feeds that reported an indicator', () => {
    const r = localDbProvider.lookup(subject('ip', '45.155.205.7'), env)
    expect(factsOf(r)).toMatchObject({
      seenBefore: true,
      sources: 2,
      reportCount: 0,
      incidents: 0,
    })
    expect(String(factsOf(r).feeds).split(', ').sort()).toEqual(['Botnet list', 'C2 tracker'])
    expect(r?.answer.finding.summary).toBe('Reported by 2 sources')
    expect(r?.raw).toMatchObject({ feeds: [{ source_key: expect.any(String) }, {}] })
  })

  it('is info for an indicator nothing mentions, and says so', () => {
    const r = localDbProvider.lookup(subject('domain', 'quiet-example.net'), env)
    expect(r?.answer.finding).toMatchObject({
      level: 'info',
      summary: 'No feed, report or incident mentions it here',
    })
    expect(factsOf(r)).toMatchObject({ seenBefore: false, sources: 0, feeds: null })
    const missing = localDbProvider.lookup(subject('domain', 'never-stored.example'), env)
    expect(missing?.answer.finding.summary).toBe('Not in this database')
  })

  it('is malicious once an incident tracks it, and names the report and the actor', async () => {
    const s = subject('domain', 'evil-c2.net')
    await t.core.call('incidents.create', { indicatorId: s.indicatorId, severity: 80 })
    const report = await t.core.call('intel.create', { kind: 'report', name: 'Operation Night' })
    await t.core.call('intel.attachToReport', {
      reportId: report.id,
      indicatorIds: [s.indicatorId],
    })
    const actor = await t.core.call('intel.create', { kind: 'threat-actor', name: 'Night Bear' })
    await t.core.call('intel.createRelationship', {
      sourceRef: s.indicatorId,
      targetRef: actor.id,
      relationshipType: 'indicates',
    })
    const r = localDbProvider.lookup(s, env)
    expect(r?.answer.finding.level).toBe('malicious')
    expect(factsOf(r)).toMatchObject({
      seenBefore: true,
      reports: 'Operation Night',
      reportCount: 1,
      linked: 'threat-actor Night Bear',
      incidents: 1,
    })
    expect(r?.answer.finding.summary).toBe(
      'Reported by 2 sources, in 1 report, linked to 1 intel object, tracked in 1 incident',
    )
    expect(r?.raw).toMatchObject({ incidents: [{ severity: 80, status: 'open' }] })
  })

  it('is suspicious when a report names an indicator not classified malicious', async () => {
    const s = subject('ip', '91.92.240.5')
    const before = localDbProvider.lookup(s, env)
    expect(before?.answer.finding.level).toBe('info')
    const report = await t.core.call('intel.create', { kind: 'report', name: 'Scanner wave' })
    await t.core.call('intel.attachToReport', {
      reportId: report.id,
      indicatorIds: [s.indicatorId],
    })
    const r = localDbProvider.lookup(s, env)
    expect(r?.answer.finding.level).toBe('suspicious')
    await t.core.call('indicators.markFalsePositive', { id: s.indicatorId })
    expect(localDbProvider.lookup(s, env)?.answer.finding.level).toBe('safe')
  })

  it('takes its levels from the classification the feeds gave', async () => {
    const s = subject('ip', '45.155.205.7')
    await t.core.call('indicators.update', {
      id: s.indicatorId,
      patch: { classification: 'malicious' },
    })
    expect(localDbProvider.lookup(s, env)?.answer.finding.level).toBe('malicious')
  })

  it('reads every table through an index', () => {
    const id = indicatorId('ip', '45.155.205.7')
    const plans = [
      queryPlan(t.core, LOCAL_COUNTS_SQL, [id]),
      queryPlan(t.core, LOCAL_REPORTS_SQL, [id]),
      queryPlan(t.core, LOCAL_LINKS_SQL, [id, id]),
      queryPlan(t.core, LOCAL_INCIDENTS_SQL, [id]),
    ]
    const all = plans.flat().join('\n')
    // Every table is searched by a key; the only scan is of the feeds' rows already found (the JSON).
    const scans = plans
      .flat()
      .filter((l) => l.startsWith('SCAN') && !l.startsWith('SCAN (subquery'))
    expect(scans).toEqual([])
    expect(plans[0]?.join('\n')).toMatch(/SEARCH i USING INDEX sqlite_autoindex_indicators_1/)
    expect(all).toContain('UQ_observations_indicator_source')
    expect(all).toContain('IDX_report_objects_ref')
    expect(all).toContain('UQ_intel_relationships_edge')
    expect(all).toContain('IDX_intel_relationships_target')
    expect(all).toContain('IDX_incidents_indicator')
    // The feeds table is read whole, rarely (names cached): a handful of rows.
    expect(queryPlan(t.core, LOCAL_FEED_NAMES_SQL, []).join('\n')).toMatch(/SCAN feeds/)
  })
})

describe('the warninglists provider', () => {
  let t: TestCore
  let env: LocalEnv
  beforeAll(async () => {
    t = await openTestCore()
    env = openLocalEnv({
      dataDir: t.dir,
      sqlite: t.core.db.sqlite,
      checkWarninglists: (items) => t.core.warninglists.check(items),
      logger: t.logger,
    })
  })
  afterAll(() => t.dispose())

  it('is safe for a value on a built-in list, naming the list', () => {
    const r = warninglistsProvider.lookup(subject('ip', '8.8.8.8'), env)
    expect(r?.answer.finding.level).toBe('safe')
    expect(factsOf(r)).toMatchObject({
      lists: expect.stringContaining('List of well-known public DNS resolvers'),
      hits: expect.any(Number),
      allowlisted: false,
    })
    expect(r?.answer.finding.tags).toEqual(['warninglist'])
    expect(r?.raw).toMatchObject({ canonical: '8.8.8.8', hits: [{ listName: expect.any(String) }] })
  })

  it('is info for a value on no list', () => {
    const r = warninglistsProvider.lookup(subject('domain', 'evil-c2.net'), env)
    expect(r?.answer.finding).toMatchObject({ level: 'info', summary: 'On no warninglist' })
    expect(factsOf(r)).toMatchObject({ lists: null, hits: 0, allowlisted: false })
  })
})
