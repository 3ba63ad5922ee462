import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { EventPayload } from '#shared/contract'
import type { IncidentFilter } from '#shared/contract/incidents.contract'
import { REPORTED_BY_RUN_SQL } from '#core/incidents/incident-sightings'
import { inProcessContext } from '#core/rpc/handlers'
import { SNAPSHOT_FILE } from '#core/incidents/incidents-snapshot'
import { INCIDENT_BY_KEY_SQL, incidentPageQuery } from '#core/incidents/incidents.repository'
import { T0, appErrorOf, openTestCore, queryPlan, type TestCore } from '../db/core-fixture'

let t: TestCore
let changes: EventPayload<'incidents.onDidChange'>[]
beforeEach(async () => {
  t = await openTestCore()
  changes = []
  t.core.events.on('incidents.onDidChange', (e) => changes.push(e))
})
afterEach(() => t.dispose())

const incidentEntries = async (id: string) =>
  (await t.core.call('audit.list', { entity: 'incident', entityId: id, limit: 100 })).items

describe('incidents: dedup and merge', () => {
  it('tracking the same URL again counts an occurrence and merges tags and sources', async () => {
    const a = await t.core.call('incidents.create', {
      url: 'HTTP://Phish.Example/login',
      tags: ['phishing'],
      sources: ['model'],
      severity: 60,
    })
    expect(a.created).toBe(true)
    expect(a.incident).toMatchObject({
      url: 'http://phish.example/login',
      dedupKey: 'url:http://phish.example/login',
      occurrences: 1,
      status: 'open',
      tags: ['phishing'],
      sources: ['model'],
    })
    t.clock.advance(60_000)
    const b = await t.core.call('incidents.create', {
      url: 'http://phish.example/login',
      tags: ['bank', 'phishing'],
      sources: ['database'],
      severity: 40,
    })
    expect(b.created).toBe(false)
    expect(b.incident).toMatchObject({
      id: a.incident.id,
      occurrences: 2,
      tags: ['phishing', 'bank'],
      sources: ['model', 'database'],
      // The higher severity stays.
      severity: 60,
      firstSeen: a.incident.firstSeen,
      lastSeen: '2025-11-21T10:01:00.000Z',
    })
    expect((await t.core.call('incidents.list', {})).total).toBe(1)
    expect(changes).toEqual([
      { kind: 'created', id: a.incident.id },
      { kind: 'updated', id: a.incident.id },
    ])
    expect((await incidentEntries(a.incident.id)).map((e) => e.operation)).toEqual([
      'recur',
      'create',
    ])
  })

  it('a resolved incident that recurs is reopened (one row per URL), and the change log says so', async () => {
    const { incident } = await t.core.call('incidents.create', { url: 'http://x.example/a' })
    await t.core.call('incidents.update', { id: incident.id, patch: { status: 'resolved' } })
    const again = await t.core.call('incidents.create', { url: 'http://x.example/a' })
    expect(again.incident).toMatchObject({ id: incident.id, status: 'open', occurrences: 2 })
    expect((await incidentEntries(incident.id))[0]).toMatchObject({
      operation: 'reopen',
      changes: { status: { before: 'resolved', after: 'open' } },
    })
    // Escalated stays escalated.
    await t.core.call('incidents.update', { id: incident.id, patch: { status: 'escalated' } })
    const third = await t.core.call('incidents.create', { url: 'http://x.example/a' })
    expect(third.incident.status).toBe('escalated')
  })

  it('an indicator is tracked by its URL when it is one, by its id otherwise', async () => {
    const url = await t.core.call('indicators.create', { value: 'http://bad.example/x' })
    const ip = await t.core.call('indicators.create', { value: '203.0.113.9' })
    const byUrl = await t.core.call('incidents.create', { indicatorId: url.id })
    expect(byUrl.incident).toMatchObject({ url: 'http://bad.example/x', indicatorId: url.id })
    const again = await t.core.call('incidents.create', { url: 'http://bad.example/x' })
    expect(again.created).toBe(false)
    const byIp = await t.core.call('incidents.create', { indicatorId: ip.id })
    expect(byIp.incident).toMatchObject({ url: null, dedupKey: `indicator:${ip.id}` })
    const missing = await appErrorOf(
      t.core.call('incidents.create', { indicatorId: '00000000-0000-4000-8000-000000000001' }),
    )
    expect(missing.code).toBe('not_found')
  })

  it('refuses a report with neither URL nor indicator, and a URL that is not one, naming the field', async () => {
    const none = await appErrorOf(t.core.call('incidents.create', { severity: 10 }))
    expect(none.code).toBe('invalid_input')
    expect(none.message).toContain('url')
    const bad = await appErrorOf(t.core.call('incidents.create', { url: 'mailto:a@b' }))
    expect(bad.code).toBe('invalid_input')
    expect(bad.message).toMatch(/^url: /)
  })

  it('a URL too long for the key column is keyed by its hash, and still deduplicated', async () => {
    const url = `http://long.example/${'a'.repeat(400)}`
    const a = await t.core.call('incidents.create', { url })
    expect(a.incident.dedupKey).toMatch(/^url-sha256:[0-9a-f]{64}$/)
    expect((await t.core.call('incidents.create', { url })).incident.occurrences).toBe(2)
  })
})

describe('incidents: reported again by an import', () => {
  it('an import that carries a tracked URL or indicator counts an occurrence on its open incident', async () => {
    const byUrl = await t.core.call('incidents.create', { url: 'http://listed.example/gate' })
    const ip = await t.core.call('indicators.create', { value: '198.51.100.23' })
    const byIp = await t.core.call('incidents.create', { indicatorId: ip.id })
    const closed = await t.core.call('incidents.create', { url: 'http://closed.example/' })
    await t.core.call('incidents.update', { id: closed.incident.id, patch: { status: 'resolved' } })
    const untouched = await t.core.call('incidents.create', { url: 'http://not-listed.example/' })
    const text = 'http://listed.example/gate\n198.51.100.23\nhttp://closed.example/\n'
    for (let i = 0; i < 2; i++) {
      await t.core.call('feeds.importText', { content: text, fileName: 'drop.txt', format: 'text' })
      await t.core.waitForIdle()
    }
    const get = (id: string) => t.core.call('incidents.get', { id })
    expect(await get(byUrl.incident.id)).toMatchObject({ occurrences: 3 })
    expect((await get(byUrl.incident.id)).sources).toHaveLength(2)
    expect(await get(byIp.incident.id)).toMatchObject({ occurrences: 3 })
    expect(await get(closed.incident.id)).toMatchObject({ occurrences: 1, status: 'resolved' })
    expect(await get(untouched.incident.id)).toMatchObject({ occurrences: 1 })
    expect((await incidentEntries(byIp.incident.id)).map((e) => e.operation)).toEqual([
      'recur',
      'recur',
      'create',
    ])
  })

  it('finds what a run reported by the indicator and its observations, by index', () => {
    const plan = queryPlan(t.core, REPORTED_BY_RUN_SQL, ['x', 'y']).join(' ')
    console.log(plan)
    expect(plan).toMatch(
      /SEARCH ind USING INDEX|SEARCH ind USING .*PRIMARY KEY|sqlite_autoindex_indicators/,
    )
    expect(plan).toMatch(/SEARCH o USING INDEX/)
  })
})

describe('incidents: updates', () => {
  it('adds tags and sources, never drops them; removeTags removes explicitly; logs the diff', async () => {
    const { incident } = await t.core.call('incidents.create', {
      url: 'http://u.example/',
      tags: ['a', 'b'],
    })
    t.clock.advance(1000)
    const u = await t.core.call('incidents.update', {
      id: incident.id,
      patch: { tags: ['c'], sources: ['analyst'], severity: 95, assignee: 'ana', summary: 's' },
    })
    expect(u).toMatchObject({
      tags: ['a', 'b', 'c'],
      sources: ['manual', 'analyst'],
      severity: 95,
      assignee: 'ana',
      summary: 's',
      updatedAt: '2025-11-21T10:00:01.000Z',
    })
    const r = await t.core.call('incidents.update', {
      id: incident.id,
      patch: { removeTags: ['a'], assignee: null },
    })
    expect(r).toMatchObject({ tags: ['b', 'c'], assignee: null })
    const [last] = await incidentEntries(incident.id)
    expect(last).toMatchObject({
      operation: 'update',
      changes: { tags: { before: ['a', 'b', 'c'], after: ['b', 'c'] } },
    })
    // Nothing changed: no entry, no event, updatedAt kept.
    const before = changes.length
    const same = await t.core.call('incidents.update', { id: incident.id, patch: { tags: ['b'] } })
    expect(same.updatedAt).toBe(r.updatedAt)
    expect(changes.length).toBe(before)
  })

  it('refuses an unknown id and an unknown status', async () => {
    const e = await appErrorOf(
      t.core.call('incidents.update', {
        id: '00000000-0000-4000-8000-000000000001',
        patch: { status: 'open' },
      }),
    )
    expect(e.code).toBe('not_found')
    const { incident } = await t.core.call('incidents.create', { url: 'http://s.example/' })
    const bad = await t.core.dispatch(
      'incidents.update',
      { id: incident.id, patch: { status: 'closed' } },
      inProcessContext(),
    )
    expect(!bad.ok && bad.error.code).toBe('invalid_input')
    expect(!bad.ok && bad.error.message).toContain('status')
  })
})

describe('incidents: list', () => {
  it('sorts by severity then last seen, pages by keyset, filters and counts the total', async () => {
    const made: string[] = []
    for (let i = 0; i < 7; i++) {
      t.clock.advance(1000)
      const { incident } = await t.core.call('incidents.create', {
        url: `http://site${i}.example/`,
        severity: [50, 90, 50, 10, 70, 50, 30][i],
        tags: i % 2 === 0 ? ['even'] : ['odd'],
        summary: i === 3 ? 'Wallet Drainer kit' : '',
      })
      made.push(incident.id)
    }
    await t.core.call('incidents.update', { id: made[1] ?? '', patch: { status: 'resolved' } })
    const all = await t.core.call('incidents.list', { limit: 3 })
    expect(all.total).toBe(7)
    expect(all.items.map((i) => i.url)).toEqual([
      'http://site1.example/',
      'http://site4.example/',
      'http://site5.example/',
    ])
    const next = await t.core.call('incidents.list', { limit: 3, cursor: all.nextCursor ?? '' })
    expect(next.items.map((i) => i.url)).toEqual([
      'http://site2.example/',
      'http://site0.example/',
      'http://site6.example/',
    ])
    const last = await t.core.call('incidents.list', { limit: 3, cursor: next.nextCursor ?? '' })
    expect(last.items.map((i) => i.url)).toEqual(['http://site3.example/'])
    expect(last.nextCursor).toBeNull()

    const open = await t.core.call('incidents.list', { filter: { status: ['open'] } })
    expect(open.total).toBe(6)
    const high = await t.core.call('incidents.list', { filter: { minSeverity: 50 } })
    expect(high.items.map((i) => i.severity)).toEqual([90, 70, 50, 50, 50])
    const odd = await t.core.call('incidents.list', { filter: { tag: 'odd' } })
    expect(odd.total).toBe(3)
    const q = await t.core.call('incidents.list', { filter: { q: 'drainer' } })
    expect(q.items.map((i) => i.url)).toEqual(['http://site3.example/'])
    const wild = await t.core.call('incidents.list', { filter: { q: '%' } })
    expect(wild.total).toBe(0)
    const bad = await appErrorOf(t.core.call('incidents.list', { cursor: 'nope' }))
    expect(bad.message).toMatch(/^cursor: /)

    expect(await t.core.call('incidents.stats', {})).toEqual({
      total: 7,
      open: 6,
      escalated: 0,
      resolved: 1,
      highSeverity: 2,
    })
  })

  it('the dedup lookup uses the unique index', () => {
    expect(queryPlan(t.core, INCIDENT_BY_KEY_SQL, ['url:x']).join(' ')).toMatch(/USING INDEX/)
  })

  it('a page walks an index in the list order, with or without a status, past a cursor too', () => {
    const cursor = Buffer.from(JSON.stringify([50, T0, 'x'])).toString('base64url')
    const cases: [IncidentFilter, string][] = [
      [{ status: ['open'] }, 'IDX_incidents_status_severity'],
      [{}, 'IDX_incidents_severity'],
    ]
    for (const [filter, index] of cases) {
      for (const c of [undefined, cursor]) {
        const q = incidentPageQuery(filter, c)
        const plan = queryPlan(t.core, q.sql, [...q.params, 100]).join(' ')
        expect(plan).toContain(index)
        expect(plan).not.toContain('TEMP B-TREE')
      }
    }
  })
})

describe('incidents: snapshot', () => {
  it('is rewritten after changes: one entry per URL, private, atomic', async () => {
    await t.core.call('incidents.create', { url: 'http://a.example/', severity: 80 })
    await t.core.call('incidents.create', { url: 'http://a.example/', sources: ['feed:x'] })
    await t.core.call('incidents.create', { url: 'http://b.example/', severity: 20 })
    await t.core.waitForIdle()
    const file = join(t.dir, SNAPSHOT_FILE)
    const doc = JSON.parse(readFileSync(file, 'utf8')) as {
      data: { tracked_threats: { url: string; sources: string[] }[] }
    }
    expect(doc.data.tracked_threats).toEqual([
      {
        url: 'http://a.example/',
        severity: 80,
        sources: ['manual', 'feed:x'],
        status: 'open',
        first_seen: '2025-11-21T10:00:00.000Z',
        last_seen: '2025-11-21T10:00:00.000Z',
        occurrences: 2,
        tags: [],
      },
      expect.objectContaining({ url: 'http://b.example/', severity: 20 }),
    ])
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600)
  })

  it('exports and imports by URL: merges known ones, creates new ones, reports bad entries', async () => {
    await t.core.call('incidents.create', { url: 'http://a.example/', severity: 30, tags: ['x'] })
    const exported = await t.core.call('incidents.exportSnapshot', {})
    expect(exported).toMatchObject({ fileName: SNAPSHOT_FILE, count: 1 })
    const other = await openTestCore()
    try {
      await other.core.call('incidents.create', { url: 'http://a.example/', severity: 70 })
      const doc = JSON.parse(exported.content) as { data: { tracked_threats: unknown[] } }
      doc.data.tracked_threats.push(
        { url: 'http://new.example/', severity: 55, sources: ['peer'], status: 'escalated' },
        { url: 'http://new.example/', severity: 101 },
        { severity: 5 },
        { url: 'not a url at all', severity: 5 },
      )
      const report = await other.core.call('incidents.importSnapshot', {
        content: JSON.stringify(doc),
      })
      expect(report.created).toBe(1)
      expect(report.merged).toBe(1)
      expect(report.rejects.map((r) => [r.index, r.field])).toEqual([
        [2, 'severity'],
        [3, 'url'],
        [4, 'url'],
      ])
      const list = await other.core.call('incidents.list', {})
      expect(list.items.map((i) => [i.url, i.severity, i.status, i.tags])).toEqual([
        ['http://a.example/', 70, 'open', ['x']],
        ['http://new.example/', 55, 'escalated', []],
      ])
      const notJson = await appErrorOf(
        other.core.call('incidents.importSnapshot', { content: '{' }),
      )
      expect(notJson.message).toMatch(/^content: not JSON/)
      const wrong = await appErrorOf(
        other.core.call('incidents.importSnapshot', { content: '{"threats":[]}' }),
      )
      expect(wrong.message).toContain('tracked_threats')
    } finally {
      await other.dispose()
    }
  })

  it('a snapshot that cannot be written is logged and never fails the change', async () => {
    const { mkdirSync } = await import('node:fs')
    // A directory where the file should be: the rename fails.
    mkdirSync(join(t.dir, SNAPSHOT_FILE))
    const r = await t.core.call('incidents.create', { url: 'http://c.example/' })
    expect(r.created).toBe(true)
    await t.core.waitForIdle()
    expect(t.logger.lines.some((l) => l.includes('threat snapshot not written'))).toBe(true)
  })
})
