import { afterEach, describe, expect, it } from 'vitest'
import type { TriageFilter, TriageItem } from '#shared/contract/triage.contract'
import { appErrorOf, openTestCore, type TestCore } from '../db/core-fixture'
import { TRIAGE_SEED_TAG, seedTriage } from '../../../support/triage-seed'

// The triage queue on a real core: alerts raised by a real rule on imported indicators, incidents tracked
// through the incidents service; every action through triage.act and back out of the change log.

let t: TestCore
afterEach(async () => t?.dispose())

const open = async () => {
  t = await openTestCore()
  return t.core
}

/** Every page of the queue for a filter, following the cursors. */
const wholeQueue = async (filter: TriageFilter, limit: number) => {
  const items: TriageItem[] = []
  const totals = new Set<number>()
  let cursor: string | undefined
  for (;;) {
    const page = await t.core.call('triage.list', { filter, limit, cursor })
    totals.add(page.total)
    items.push(...page.items)
    if (page.nextCursor === null) {
      // Every page of an unchanging queue counts the same total.
      expect([...totals]).toEqual([page.total])
      return { items, total: page.total }
    }
    cursor = page.nextCursor
  }
}

/** The queue's order: severity, then score (none last), then time, newest first. */
const sortKey = (i: TriageItem): [number, number, string] => [
  i.severity,
  i.kind === 'alert' ? (i.score ?? -1) : -1,
  i.at,
]
const inOrder = (items: TriageItem[]) =>
  items.every((x, n) => {
    if (n === 0) return true
    const [a, b] = [sortKey(items[n - 1]), sortKey(x)]
    return a[0] > b[0] || (a[0] === b[0] && (a[1] > b[1] || (a[1] === b[1] && a[2] >= b[2])))
  })

describe('triage queue', () => {
  it('lists open alerts and incidents in one order, every item once across keyset pages', async () => {
    const core = await open()
    await seedTriage(core, { alerts: 40, incidents: 12 })
    const { items, total } = await wholeQueue({}, 7)
    expect(total).toBe(52)
    expect(items).toHaveLength(52)
    expect(new Set(items.map((i) => `${i.kind}:${i.id}`)).size).toBe(52)
    expect(inOrder(items)).toBe(true)
    expect(items.filter((i) => i.kind === 'incident')).toHaveLength(12)
    const alert = items.find((i) => i.kind === 'alert')
    expect(alert).toMatchObject({ indicatorType: 'ip', tags: [TRIAGE_SEED_TAG], status: 'open' })
    expect(alert?.sources).toContain(`rule:Watch ${TRIAGE_SEED_TAG}`)
    // A page boundary inside a run of equal keys loses nothing: one item per page.
    const single = await wholeQueue({ minSeverity: 50 }, 1)
    expect(single.items.map((i) => i.id)).toEqual(
      items.filter((i) => i.severity >= 50).map((i) => i.id),
    )
  })

  it('filters by kind, status, severity, tag, assignee, words and project; resolved items leave', async () => {
    const core = await open()
    await seedTriage(core, { alerts: 10, incidents: 4 })
    const project = await core.call('projects.create', { name: 'Case 7' })
    const tracked = await core.call('incidents.create', {
      url: 'http://login-bank.example/verify',
      severity: 95,
      tags: ['bank'],
      projectId: project.id,
      summary: 'Bank look-alike',
    })
    const all = await wholeQueue({}, 100)
    expect(all.total).toBe(15)
    expect((await wholeQueue({ kind: 'incident' }, 100)).total).toBe(5)
    expect((await wholeQueue({ kind: 'alert' }, 100)).total).toBe(10)
    expect((await wholeQueue({ tag: 'bank' }, 100)).items.map((i) => i.id)).toEqual([
      tracked.incident.id,
    ])
    expect((await wholeQueue({ projectId: project.id }, 100)).total).toBe(1)
    expect((await wholeQueue({ q: 'BANK look' }, 100)).total).toBe(1)
    const high = await wholeQueue({ minSeverity: 70 }, 100)
    expect(high.items.every((i) => i.severity >= 70)).toBe(true)
    const first = all.items.find((i) => i.kind === 'alert') as TriageItem
    await core.call('triage.act', {
      items: [{ kind: 'alert', id: first.id }],
      action: 'assign',
      assignee: 'ana',
    })
    expect((await wholeQueue({ assignee: 'ana' }, 100)).items.map((i) => i.id)).toEqual([first.id])
    expect((await wholeQueue({ assignee: null }, 100)).total).toBe(14)
    await core.call('triage.act', {
      items: [{ kind: 'alert', id: first.id }],
      action: 'acknowledge',
    })
    expect((await wholeQueue({ status: ['acknowledged'] }, 100)).items.map((i) => i.id)).toEqual([
      first.id,
    ])
    // Escalated is an incidents-only status: the alerts' branch drops out.
    expect((await wholeQueue({ status: ['escalated'] }, 100)).total).toBe(0)
    await core.call('triage.act', { items: [{ kind: 'alert', id: first.id }], action: 'resolve' })
    expect((await wholeQueue({}, 100)).total).toBe(14)
  })

  it('refuses a cursor it did not make, naming the field', async () => {
    const core = await open()
    const e = await appErrorOf(core.call('triage.list', { filter: {}, cursor: 'bm9wZQ' }))
    expect(e.code).toBe('invalid_input')
    expect(e.message).toContain('cursor')
  })
})

describe('triage actions', () => {
  const setup = async () => {
    const core = await open()
    await seedTriage(core, { alerts: 3, incidents: 2 })
    const { items } = await wholeQueue({}, 100)
    const alerts = items.filter((i) => i.kind === 'alert')
    const incidents = items.filter((i) => i.kind === 'incident')
    return { core, alerts, incidents }
  }
  const ref = (i: TriageItem) => ({ kind: i.kind, id: i.id })
  const logOf = async (entity: 'alert' | 'incident' | 'indicator') =>
    (await t.core.call('audit.list', { entity, method: 'triage.act', limit: 100 })).items

  it('acknowledge: alerts acknowledged, incidents skipped with the reason', async () => {
    const { core, alerts, incidents } = await setup()
    const r = await core.call('triage.act', {
      items: [ref(alerts[0]), ref(incidents[0])],
      action: 'acknowledge',
    })
    expect(r.changed).toBe(1)
    expect(r.results.find((x) => x.kind === 'incident')).toMatchObject({
      outcome: 'skipped',
      reason: expect.stringContaining('no acknowledged state'),
    })
    expect((await core.call('alerts.get', { id: alerts[0]?.id })).status).toBe('acknowledged')
    // Again: nothing left to do.
    const again = await core.call('triage.act', {
      items: [ref(alerts[0])],
      action: 'acknowledge',
    })
    expect(again.results[0]?.outcome).toBe('unchanged')
    expect((await logOf('alert')).map((e) => e.operation)).toEqual(['acknowledge'])
  })

  it('escalate: an incident is escalated; an alert opens an escalated incident on its indicator', async () => {
    const { core, alerts, incidents } = await setup()
    const a = alerts[0]
    const r = await core.call('triage.act', {
      items: [ref(a), ref(incidents[0])],
      action: 'escalate',
    })
    expect(r.changed).toBe(2)
    expect((await core.call('incidents.get', { id: incidents[0]?.id })).status).toBe('escalated')
    const opened = await wholeQueue({ kind: 'incident', status: ['escalated'] }, 100)
    expect(opened.items.map((i) => i.indicatorId)).toContain(a.indicatorId)
    expect((await core.call('alerts.get', { id: a.id })).status).toBe('acknowledged')
    expect((await logOf('incident')).map((e) => e.operation).sort()).toEqual(['create', 'update'])
  })

  it('resolve and assign over a mixed bulk selection', async () => {
    const { core, alerts, incidents } = await setup()
    const all = [...alerts, ...incidents].map(ref)
    const assigned = await core.call('triage.act', { items: all, action: 'assign', assignee: 'bo' })
    expect(assigned.changed).toBe(5)
    const resolved = await core.call('triage.act', { items: all, action: 'resolve' })
    expect(resolved.changed).toBe(5)
    expect((await wholeQueue({}, 100)).total).toBe(0)
    const ops = [...(await logOf('alert')), ...(await logOf('incident'))].map((e) => e.operation)
    expect(ops.filter((o) => o === 'assign')).toHaveLength(3)
    expect(ops.filter((o) => o === 'resolve')).toHaveLength(3)
    expect(ops.filter((o) => o === 'update')).toHaveLength(4)
  })

  it('false positive marks the indicator and resolves; true positive keeps the item, acknowledged', async () => {
    const { core, alerts } = await setup()
    const [a, b] = alerts as [TriageItem, TriageItem]
    await core.call('triage.act', { items: [ref(a)], action: 'false_positive', reason: 'lab' })
    expect((await core.call('indicators.get', { id: a.indicatorId as string })).falsePositive).toBe(
      true,
    )
    expect((await core.call('alerts.get', { id: a.id })).status).toBe('resolved')
    const fp = await logOf('indicator')
    expect(fp.map((e) => e.operation).sort()).toEqual(['mark_false_positive', 'set_verdict'])
    expect(fp.find((e) => e.operation === 'mark_false_positive')?.changes).toMatchObject({
      reason: 'lab',
    })
    const tp = await core.call('triage.act', { items: [ref(b)], action: 'true_positive' })
    expect(tp.results[0]?.outcome).toBe('changed')
    expect((await core.call('alerts.get', { id: b.id })).status).toBe('acknowledged')
    // The verdicts are the indicators' scoring terms.
    const scoreOf = (id: string | null) => core.call('indicators.getScore', { id: id as string })
    expect((await scoreOf(a.indicatorId)).verdict).toBe('false_positive')
    expect((await scoreOf(b.indicatorId)).verdict).toBe('true_positive')
  })

  it('refuses unknown ids before changing anything, and assign without an assignee', async () => {
    const { core, alerts } = await setup()
    const missing = '00000000-0000-4000-8000-0000000000ff'
    const e = await appErrorOf(
      core.call('triage.act', {
        items: [ref(alerts[0]), { kind: 'incident', id: missing }],
        action: 'resolve',
      }),
    )
    expect(e.code).toBe('not_found')
    expect(e.message).toContain(missing)
    expect((await core.call('alerts.get', { id: alerts[0]?.id })).status).toBe('open')
    const noAssignee = await appErrorOf(
      core.call('triage.act', { items: [ref(alerts[0])], action: 'assign' }),
    )
    expect(noAssignee.code).toBe('invalid_input')
    expect(noAssignee.message).toContain('assignee')
  })
})

describe('saved views and related indicators', () => {
  it('saves a view by name, replaces it under the same name, deletes it; each in the change log', async () => {
    const core = await open()
    const v = await core.call('triage.saveView', { name: 'Mine', filter: { assignee: 'ana' } })
    const again = await core.call('triage.saveView', {
      name: 'Mine',
      filter: { assignee: 'ana', minSeverity: 70 },
    })
    expect(again.id).toBe(v.id)
    await core.call('triage.saveView', { name: 'All incidents', filter: { kind: 'incident' } })
    const views = (await core.call('triage.listViews', {})).items
    expect(views.map((x) => [x.name, x.filter])).toEqual([
      ['All incidents', { kind: 'incident' }],
      ['Mine', { assignee: 'ana', minSeverity: 70 }],
    ])
    await core.call('triage.deleteView', { id: v.id })
    expect((await core.call('triage.listViews', {})).items).toHaveLength(1)
    expect((await appErrorOf(core.call('triage.deleteView', { id: v.id }))).code).toBe('not_found')
    const log = await core.call('audit.list', { entity: 'triage_view', limit: 10 })
    expect(log.items.map((e) => e.operation)).toEqual(['delete', 'create', 'update', 'create'])
  })

  it('groups related indicators by run, tag, malware and event, bounded', async () => {
    const core = await open()
    await core.call('feeds.importText', {
      content: 'ip,malware\n192.0.2.1,Emotet\n192.0.2.2,Emotet\n192.0.2.3,Qakbot\n',
      fileName: 'c2.csv',
      format: 'generic-csv',
      mapping: { valueColumn: 'ip', malwareColumn: 'malware' },
    })
    await core.waitForIdle()
    const subject = await core.call('indicators.lookup', { value: '192.0.2.1' })
    const other = await core.call('indicators.lookup', { value: '192.0.2.2' })
    await core.call('indicators.update', { id: subject?.id as string, patch: { tags: ['c2'] } })
    await core.call('indicators.create', { value: 'c2.example', tags: ['c2'] })
    const { groups } = await core.call('indicators.related', { id: subject?.id as string })
    const byKind = (k: string) => groups.filter((g) => g.kind === k)
    expect(
      byKind('run')[0]
        ?.items.map((i) => i.value)
        .sort(),
    ).toEqual(['192.0.2.2', '192.0.2.3'])
    expect(byKind('malware')[0]).toMatchObject({ key: 'emotet', more: false })
    expect(byKind('malware')[0]?.items.map((i) => i.id)).toEqual([other?.id])
    expect(byKind('tag')[0]?.items.map((i) => i.value)).toEqual(['c2.example'])
    expect(groups.flatMap((g) => g.items).some((i) => i.id === subject?.id)).toBe(false)
  })
})
