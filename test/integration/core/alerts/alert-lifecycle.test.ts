import { afterEach, describe, expect, it } from 'vitest'
import { appErrorOf, openTestCore, type TestCore } from '../db/core-fixture'

// Acknowledge, assign and resolve, one alert or many, each change in the change log; rules validated with
// the field named; the seam through which a rule opens incidents.

let t: TestCore
afterEach(async () => t?.dispose())

const INCIDENT = '00000000-0000-4000-8000-0000000000e1'

describe('alert lifecycle', () => {
  it('acknowledge, assign, resolve: only what changes changes, each alert one change-log entry', async () => {
    t = await openTestCore()
    const core = t.core
    const rule = await core.call('alerts.createRule', {
      name: 'Tagged',
      condition: { kind: 'tag', tag: 'c2' },
    })
    await core.call('indicators.bulkCreate', {
      text: '45.155.205.1\n45.155.205.2\n45.155.205.3\n',
      defaults: { tags: ['c2'] },
    })
    await core.waitForIdle()
    const ids = (await core.call('alerts.list', {})).items.map((a) => a.id).sort()
    expect(ids).toHaveLength(3)
    const [a, b, c] = ids as [string, string, string]

    t.clock.advance(1000)
    const ack = await core.call('alerts.acknowledge', { ids: [a, b] })
    expect(ack.changed).toBe(2)
    expect(ack.items.map((x) => [x.status, x.acknowledgedAt])).toEqual([
      ['acknowledged', t.clock.now().toISOString()],
      ['acknowledged', t.clock.now().toISOString()],
    ])
    // Acknowledged already: nothing to change, nothing logged.
    expect((await core.call('alerts.acknowledge', { id: a })).changed).toBe(0)
    expect((await core.call('alerts.assign', { ids, assignee: 'analyst-1' })).changed).toBe(3)
    expect((await core.call('alerts.assign', { id: c, assignee: null })).changed).toBe(1)
    const resolved = await core.call('alerts.resolve', { ids: [a, c], note: 'sinkholed' })
    expect(resolved.items.map((x) => x.status)).toEqual(['resolved', 'resolved'])
    expect(resolved.items[0]?.dedupKey).toBe(
      `rule:${rule.id}:indicator:${resolved.items[0]?.indicatorId}#${a}`,
    )
    expect(
      (
        await core.call('alerts.list', {
          filter: { status: ['acknowledged'], assignee: 'analyst-1' },
        })
      ).items.map((x) => x.id),
    ).toEqual([b])
    expect((await core.call('alerts.list', { filter: { assignee: null } })).total).toBe(1)

    const log = await core.call('audit.list', { entity: 'alert', limit: 100 })
    const ops = log.items.map((e) => [e.operation, e.entityId]).reverse()
    expect(ops).toEqual([
      ['trigger', null],
      ['acknowledge', a],
      ['acknowledge', b],
      ['assign', a],
      ['assign', b],
      ['assign', c],
      ['assign', c],
      ['resolve', a],
      ['resolve', c],
    ])
    const resolveEntry = log.items.find((e) => e.operation === 'resolve' && e.entityId === a)
    expect(resolveEntry?.changes).toMatchObject({
      status: { before: 'acknowledged', after: 'resolved' },
      note: 'sinkholed',
    })
    expect(JSON.stringify(resolveEntry?.changes)).not.toContain('dedup')
    expect(log.items.find((e) => e.operation === 'trigger')?.changes).toMatchObject({
      created: 3,
      retriggered: 0,
      rules: [rule.id],
      via: { kind: 'batch', method: 'indicators.bulkCreate' },
    })

    const unknown = await appErrorOf(
      core.call('alerts.resolve', { ids: [b, '00000000-0000-4000-8000-00000000dead'] }),
    )
    expect(unknown.code).toBe('not_found')
    // Nothing of a refused bulk call changed.
    expect((await core.call('alerts.get', { id: b })).status).toBe('acknowledged')
    expect((await appErrorOf(core.call('alerts.acknowledge', {}))).message).toMatch(/^ids:/)
  })

  it('validates rules naming the field, keeps names unique, logs every rule change', async () => {
    t = await openTestCore()
    const core = t.core
    const bad = await appErrorOf(
      core.call('alerts.createRule', { name: 'x', condition: { kind: 'score', minScore: 101 } }),
    )
    expect(bad.code).toBe('invalid_input')
    expect(bad.message).toContain('condition.minScore')
    const noProject = await appErrorOf(
      core.call('alerts.createRule', {
        name: 'p',
        condition: { kind: 'project', projectId: INCIDENT },
      }),
    )
    expect(noProject.message).toContain('condition.projectId')
    const r = await core.call('alerts.createRule', {
      name: 'New',
      condition: { kind: 'warninglist_miss' },
    })
    expect(
      (
        await appErrorOf(
          core.call('alerts.createRule', { name: 'New', condition: { kind: 'warninglist_miss' } }),
        )
      ).code,
    ).toBe('conflict')
    await core.call('alerts.updateRule', { id: r.id, patch: { name: 'Renamed', enabled: false } })
    await core.call('alerts.deleteRule', { id: r.id })
    const log = await core.call('audit.list', { entity: 'alert_rule' })
    expect(log.items.map((e) => e.operation).reverse()).toEqual(['create', 'update', 'delete'])
    expect(log.items[1]?.changes).toMatchObject({
      name: { before: 'New', after: 'Renamed' },
      enabled: { before: true, after: false },
    })
  })

  it('a rule with openIncident opens an incident on the indicator and links the alert to it', async () => {
    t = await openTestCore()
    const core = t.core
    const rule = await core.call('alerts.createRule', {
      name: 'Escalate',
      condition: { kind: 'severity', minSeverity: 'critical' },
      openIncident: true,
    })
    const ind = await core.call('indicators.create', {
      value: 'boom.login-verify.top',
      severity: 'critical',
    })
    await core.waitForIdle()
    const [alert] = (await core.call('alerts.list', { filter: { ruleId: rule.id } })).items
    expect(alert?.incidentId).toEqual(expect.any(String))
    const incident = await core.call('incidents.get', { id: alert?.incidentId ?? '' })
    expect(incident).toMatchObject({
      indicatorId: ind.id,
      status: 'open',
      occurrences: 1,
      sources: ['alert rule: Escalate'],
      summary: alert?.title,
    })
    // A second indicator gets its own incident; the first one's is not duplicated.
    await core.call('indicators.create', { value: 'boom2.login-verify.top', severity: 'critical' })
    await core.waitForIdle()
    const open = await core.call('incidents.list', { filter: { status: ['open'] } })
    expect(open.items.map((i) => i.indicatorId).sort()).toHaveLength(2)
  })
})
