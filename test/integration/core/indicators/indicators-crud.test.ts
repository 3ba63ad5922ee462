import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { EventPayload } from '#shared/contract'
import { indicatorId } from '#core/indicators/indicator-id.node'
import { appErrorOf as rejection, openTestCore, type TestCore } from '../db/core-fixture'

let t: TestCore
let changes: EventPayload<'indicators.onDidChange'>[]
beforeEach(async () => {
  t = await openTestCore()
  changes = []
  t.core.events.on('indicators.onDidChange', (e) => changes.push(e))
})
afterEach(() => t.dispose())

describe('indicators: single writes and reads', () => {
  it('creates with canonicalisation, detection, defaults and a deterministic id', async () => {
    const created = await t.core.call('indicators.create', {
      value: '  hxxps://Login.EVIL-corp[.]com/Path?x=1 ',
      tags: ['phishing', 'phishing', ' kit '],
      score: 85,
      firstSeen: '2025-11-01T12:00:00+02:00',
    })
    expect(created).toMatchObject({
      type: 'url',
      classification: 'unknown',
      confidence: 50,
      severity: 'medium',
      score: 85,
      riskLevel: 'critical',
      tlp: 'amber',
      tags: ['phishing', 'kit'],
      firstSeen: '2025-11-01T10:00:00.000Z',
      lastSeen: null,
      active: true,
      falsePositive: false,
      createdAt: '2025-11-21T10:00:00.000Z',
    })
    expect(created.value).toMatch(/^https:\/\/login\.evil-corp\.com\/Path\?x=1$/)
    expect(created.id).toBe(indicatorId('url', created.value))
    expect(await t.core.call('indicators.get', { id: created.id })).toEqual(created)
    expect(changes).toEqual([{ kind: 'created', ids: [created.id] }])
  })

  it('refuses a duplicate with 409 conflict and the existing id', async () => {
    const a = await t.core.call('indicators.create', { value: '203.0.113.5' })
    const e = await rejection(
      t.core.call('indicators.create', { value: '203.0.113.5', type: 'ip' }),
    )
    expect(e.code).toBe('conflict')
    expect(e.details).toEqual({ id: a.id })
  })

  it('names the value and the reason when it cannot be parsed', async () => {
    const e = await rejection(t.core.call('indicators.create', { value: '999.1.1.1', type: 'ip' }))
    expect(e.code).toBe('invalid_input')
    expect(e.message).toContain('999.1.1.1')
    const e2 = await rejection(
      t.core.call('indicators.create', {
        value: 'a.example',
        firstSeen: '2025-02-01T00:00:00Z',
        lastSeen: '2025-01-01T00:00:00Z',
      }),
    )
    expect(e2.message).toMatch(/firstSeen .* is after lastSeen/)
    const e3 = await rejection(
      t.core.call('indicators.create', {
        value: 'b.example',
        projectId: '00000000-0000-4000-8000-000000000009',
      }),
    )
    expect(e3.message).toMatch(/projectId: no project has id/)
  })

  it('looks up by type and value after canonicalising, with or without the type', async () => {
    const a = await t.core.call('indicators.create', { value: 'D41D8CD98F00B204E9800998ECF8427E' })
    expect(a.type).toBe('md5')
    expect(
      await t.core.call('indicators.lookup', { value: 'd41d8cd98f00b204e9800998ecf8427e' }),
    ).toEqual(a)
    expect(
      await t.core.call('indicators.lookup', {
        type: 'md5',
        value: ' D41D8CD98F00B204E9800998ECF8427E ',
      }),
    ).toEqual(a)
    expect(
      await t.core.call('indicators.lookup', { value: 'ffffffffffffffffffffffffffffffff' }),
    ).toBeNull()
  })

  it('updates editable fields, keeps the search index in step, and announces it', async () => {
    const a = await t.core.call('indicators.create', {
      value: 'update.example',
      description: 'before text',
    })
    t.clock.advance(60_000)
    const u = await t.core.call('indicators.update', {
      id: a.id,
      patch: { description: 'after text', tags: ['emotet'], severity: 'critical', score: 10 },
    })
    expect(u).toMatchObject({
      description: 'after text',
      tags: ['emotet'],
      severity: 'critical',
      score: 10,
      // The analyst's severity decides the risk level over their low score (the breakdown says so).
      riskLevel: 'critical',
    })
    expect(u.updatedAt).toBe('2025-11-21T10:01:00.000Z')
    expect(u.createdAt).toBe(a.createdAt)
    expect((await t.core.call('indicators.search', { q: 'before' })).items).toEqual([])
    expect((await t.core.call('indicators.search', { q: 'after' })).items.map((i) => i.id)).toEqual(
      [a.id],
    )
    expect(
      (await t.core.call('indicators.search', { q: 'emotet' })).items.map((i) => i.id),
    ).toEqual([a.id])
    expect(changes.at(-1)).toEqual({ kind: 'updated', ids: [a.id] })
    // A patch that changes nothing writes nothing.
    const n = changes.length
    const same = await t.core.call('indicators.update', { id: a.id, patch: { score: 10 } })
    expect(same.updatedAt).toBe(u.updatedAt)
    expect(changes).toHaveLength(n)
  })

  it('marks and clears false positives; activate reactivates', async () => {
    const a = await t.core.call('indicators.create', { value: '198.51.100.7' })
    const fp = await t.core.call('indicators.markFalsePositive', {
      id: a.id,
      reason: 'CDN address',
    })
    expect(fp).toMatchObject({ falsePositive: true, active: false })
    // The reason goes to the change log, with the mark.
    const [mark] = (await t.core.call('audit.list', { operation: 'mark_false_positive' })).items
    expect(mark).toMatchObject({ entityId: a.id, changes: { reason: 'CDN address' } })
    const cleared = await t.core.call('indicators.markFalsePositive', {
      id: a.id,
      falsePositive: false,
    })
    expect(cleared).toMatchObject({ falsePositive: false, active: false })
    await t.core.call('indicators.markFalsePositive', { id: a.id })
    expect(await t.core.call('indicators.activate', { id: a.id })).toMatchObject({
      falsePositive: false,
      active: true,
    })
  })

  it('deletes, removes it from search, and 404s afterwards', async () => {
    const a = await t.core.call('indicators.create', { value: 'gone.example', tags: ['doomed'] })
    expect(await t.core.call('indicators.delete', { id: a.id })).toEqual({ ok: true })
    expect((await t.core.call('indicators.search', { q: 'doomed' })).items).toEqual([])
    expect((await rejection(t.core.call('indicators.get', { id: a.id }))).code).toBe('not_found')
    expect((await rejection(t.core.call('indicators.delete', { id: a.id }))).code).toBe('not_found')
    expect(changes.at(-1)).toEqual({ kind: 'deleted', ids: [a.id] })
  })

  it('counts by type and severity, optionally per project', async () => {
    const p = await t.core.call('projects.create', { name: 'Case 1' })
    await t.core.call('indicators.create', {
      value: '203.0.113.1',
      severity: 'high',
      projectId: p.id,
    })
    await t.core.call('indicators.create', { value: '203.0.113.2', severity: 'high' })
    await t.core.call('indicators.create', { value: 'x.example', severity: 'low', projectId: p.id })
    expect(await t.core.call('indicators.counts', {})).toEqual({
      total: 3,
      byType: { ip: 2, domain: 1 },
      bySeverity: { high: 2, low: 1 },
    })
    expect(await t.core.call('indicators.counts', { projectId: p.id })).toEqual({
      total: 2,
      byType: { ip: 1, domain: 1 },
      bySeverity: { high: 1, low: 1 },
    })
  })

  it('recent lists what changed or was seen in the last N days, newest change first', async () => {
    t.clock.set('2025-11-01T00:00:00.000Z')
    const old = await t.core.call('indicators.create', { value: 'old.example' })
    const seen = await t.core.call('indicators.create', {
      value: 'seen.example',
      lastSeen: '2025-11-20T00:00:00.000Z',
    })
    t.clock.set('2025-11-20T00:00:00.000Z')
    const fresh = await t.core.call('indicators.create', { value: 'fresh.example' })
    t.clock.set('2025-11-21T00:00:00.000Z')
    const page = await t.core.call('indicators.recent', { days: 7 })
    expect(page.items.map((i) => i.id)).toEqual([fresh.id, seen.id])
    expect(page.items.map((i) => i.id)).not.toContain(old.id)
    const all = await t.core.call('indicators.recent', { days: 30, limit: 1 })
    expect(all.items).toHaveLength(1)
    const next = await t.core.call('indicators.recent', {
      days: 30,
      limit: 5,
      cursor: all.nextCursor ?? undefined,
    })
    expect([...all.items, ...next.items].map((i) => i.id)).toEqual([fresh.id, seen.id, old.id])
  })
})
