import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { AlertCondition } from '#shared/contract/alerts.contract'
import { CORE_CALLER } from '#core/audit/change-caller'
import { openTestCore, type TestCore } from '../db/core-fixture'

// Every rule kind against a real core on a real SQLite file: imports (the bulk writer's batches, feed
// runs) and single creates and updates trigger them; suppression by warninglist hits; re-triggers bump
// the open alert instead of adding one. The built-in warninglists run at ingest, so the values here are
// ones no built-in list matches (no documentation networks, no reserved domains), except where a listed
// value is the point.

let t: TestCore
afterEach(async () => t?.dispose())

const open = async () => {
  t = await openTestCore()
  return t.core
}

const rule = (name: string, condition: AlertCondition, extra: Record<string, unknown> = {}) =>
  t.core.call('alerts.createRule', { name, condition, ...extra })

const alertsOf = async (ruleId: string) =>
  (await t.core.call('alerts.list', { filter: { ruleId }, limit: 1000 })).items

const FEODO = readFileSync(join(__dirname, '../../../fixtures/feeds/feodo-ipblocklist.csv'), 'utf8')

describe('alert rules', () => {
  it('score: a bulk import batch raises one alert per matching indicator, with what fired it', async () => {
    const core = await open()
    const r = await rule('Score 80+', { kind: 'score', minScore: 80 })
    const triggered: number[] = []
    core.events.on('alerts.onDidTrigger', (e) => triggered.push(e.count))
    await core.call('indicators.bulkCreate', {
      text: '45.155.205.10\n45.155.205.11\n',
      defaults: { score: 85 },
    })
    await core.call('indicators.bulkCreate', { text: '45.155.205.12\n', defaults: { score: 40 } })
    await core.waitForIdle()
    const alerts = await alertsOf(r.id)
    expect(alerts.map((a) => a.title).sort()).toEqual([
      'Score 80+: ip 45.155.205.10',
      'Score 80+: ip 45.155.205.11',
    ])
    expect(alerts[0]).toMatchObject({
      status: 'open',
      score: 85,
      severity: 85,
      triggerCount: 1,
      webhook: null,
      triggeredBy: {
        rule: { id: r.id, name: 'Score 80+', condition: { kind: 'score', minScore: 80 } },
        via: {
          kind: 'batch',
          method: 'indicators.bulkCreate',
          transport: 'in-process',
          runId: null,
        },
        matched: { type: 'ip', score: 85, warninglistHits: 0 },
      },
    })
    expect(triggered).toEqual([2])
  })

  it('severity: a single create and a single update trigger it; the alert severity is the worse of score and severity', async () => {
    const core = await open()
    const r = await rule('High+', { kind: 'severity', minSeverity: 'high' })
    await core.call('indicators.create', { value: 'low.login-verify.top', severity: 'low' })
    const critical = await core.call('indicators.create', {
      value: 'bad.login-verify.top',
      severity: 'critical',
      score: 20,
    })
    await core.waitForIdle()
    expect((await alertsOf(r.id)).map((a) => [a.indicatorId, a.severity])).toEqual([
      [critical.id, 90],
    ])
    const low = await core.call('indicators.lookup', { value: 'low.login-verify.top' })
    t.clock.advance(1000)
    await core.call('indicators.update', { id: low?.id ?? '', patch: { severity: 'high' } })
    await core.waitForIdle()
    expect(await alertsOf(r.id)).toHaveLength(2)
  })

  it('tag, project and a fixed alert severity', async () => {
    const core = await open()
    const project = await core.call('projects.create', { name: 'Case 7' })
    const tag = await rule('Watched tag', { kind: 'tag', tag: 'apt29' }, { alertSeverity: 95 })
    const inProject = await rule('Case 7', { kind: 'project', projectId: project.id })
    await core.call('indicators.bulkCreate', {
      text: 'one.evil-c2.net\ntwo.evil-c2.net\n',
      defaults: { tags: ['apt29', 'c2'] },
    })
    await core.call('indicators.create', { value: 'three.evil-c2.net', projectId: project.id })
    await core.call('indicators.create', { value: 'four.evil-c2.net', tags: ['apt28'] })
    await core.waitForIdle()
    const tagged = await alertsOf(tag.id)
    expect(tagged.map((a) => a.title).sort()).toEqual([
      'Watched tag: domain one.evil-c2.net',
      'Watched tag: domain two.evil-c2.net',
    ])
    expect(tagged.every((a) => a.severity === 95)).toBe(true)
    expect((await alertsOf(inProject.id)).map((a) => a.title)).toEqual([
      'Case 7: domain three.evil-c2.net',
    ])
  })

  it('malware: a feed run whose source names the family (observations.malware), case-insensitively', async () => {
    const core = await open()
    // The fixture's one QakBot row is a documentation IPv6 address (a warninglist hit at ingest): this
    // rule is about the family, so it alerts on listed values too.
    const r = await rule(
      'Qakbot',
      { kind: 'malware', malware: 'qakbot' },
      { suppressWarninglisted: false },
    )
    const run = await core.call('feeds.importText', {
      content: FEODO,
      fileName: 'feodo.csv',
      format: 'feodo-csv',
    })
    await core.waitForIdle()
    const alerts = await alertsOf(r.id)
    expect(alerts.map((a) => a.title)).toEqual(['Qakbot: ipv6 2001:db8:85a3::8a2e:370:7334'])
    expect(alerts[0]?.triggeredBy).toMatchObject({ via: { kind: 'batch', runId: run.id } })
  })

  it('a warninglist miss on a new indicator: new and unmatched only; hits suppress every kind by default', async () => {
    const core = await open()
    // An ordinary public address, and one in a documentation network (a built-in list hit at ingest).
    const a = await core.call('indicators.create', { value: '45.155.205.10', tags: ['watch'] })
    const b = await core.call('indicators.create', { value: '203.0.113.11', tags: ['watch'] })
    const hitsOf = core.db.sqlite
      .prepare<[string], number>('SELECT warninglist_hits FROM indicators WHERE id = ?')
      .pluck()
    expect([hitsOf.get(a.id), hitsOf.get(b.id)]).toEqual([0, 1])
    const miss = await rule('New and unknown', { kind: 'warninglist_miss' })
    const watched = await rule('Watch', { kind: 'tag', tag: 'watch' })
    const loud = await rule(
      'Watch, listed or not',
      { kind: 'tag', tag: 'watch' },
      { suppressWarninglisted: false },
    )
    await core.alerts.evaluate(
      { ids: [a.id, b.id] },
      { kind: 'change', change: 'created' },
      CORE_CALLER,
    )
    expect((await alertsOf(miss.id)).map((x) => x.indicatorId)).toEqual([a.id])
    expect((await alertsOf(watched.id)).map((x) => x.indicatorId)).toEqual([a.id])
    expect((await alertsOf(loud.id)).map((x) => x.indicatorId).sort()).toEqual([a.id, b.id].sort())
    // An update is not new: the miss rule stays quiet, the tag rule re-triggers.
    t.clock.advance(1000)
    await core.call('indicators.update', { id: a.id, patch: { description: 'seen again' } })
    await core.waitForIdle()
    expect(await alertsOf(miss.id)).toHaveLength(1)
    expect((await alertsOf(watched.id))[0]?.triggerCount).toBe(2)
  })

  it('re-triggers bump the open alert (no storm), never count the same change twice, and open a new alert after resolve', async () => {
    const core = await open()
    const r = await rule('Tagged', { kind: 'tag', tag: 'c2' })
    const changes: string[] = []
    core.events.on('alerts.onDidChange', (e) => changes.push(e.kind))
    const ind = await core.call('indicators.create', { value: 'beacon.evil-c2.net', tags: ['c2'] })
    for (let i = 0; i < 3; i++) {
      t.clock.advance(1000)
      await core.call('indicators.update', { id: ind.id, patch: { description: `beacon ${i}` } })
    }
    await core.waitForIdle()
    // The same indicator state evaluated again (overlapping scopes) is not a new trigger.
    await core.alerts.evaluate(
      { ids: [ind.id] },
      { kind: 'change', change: 'updated' },
      CORE_CALLER,
    )
    let alerts = await alertsOf(r.id)
    expect(alerts).toHaveLength(1)
    expect(alerts[0]).toMatchObject({
      triggerCount: 4,
      lastTriggeredAt: t.clock.now().toISOString(),
    })
    expect(changes.filter((k) => k === 'triggered')).toHaveLength(4)

    await core.call('alerts.resolve', { id: alerts[0]?.id ?? '' })
    t.clock.advance(1000)
    await core.call('indicators.update', { id: ind.id, patch: { description: 'back' } })
    await core.waitForIdle()
    alerts = await alertsOf(r.id)
    expect(alerts.map((a) => [a.status, a.triggerCount]).sort()).toEqual([
      ['open', 1],
      ['resolved', 4],
    ])
  })

  it('disabled rules, false positives and unchanged re-imports raise nothing', async () => {
    const core = await open()
    const r = await rule('Off', { kind: 'score', minScore: 0 }, { enabled: false })
    const on = await rule('On', { kind: 'score', minScore: 0 })
    await core.call('indicators.create', { value: 'fp.login-verify.top', falsePositive: true })
    await core.call('indicators.bulkCreate', { text: '91.92.240.5\n' })
    await core.waitForIdle()
    expect(await alertsOf(r.id)).toHaveLength(0)
    expect((await alertsOf(on.id)).map((a) => a.title)).toEqual(['On: ip 91.92.240.5'])
    t.clock.advance(1000)
    await core.call('indicators.bulkCreate', { text: '91.92.240.5\n' })
    await core.waitForIdle()
    expect((await alertsOf(on.id))[0]?.triggerCount).toBe(1)
  })
})
