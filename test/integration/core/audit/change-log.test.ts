import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { ChangeEntry } from '#shared/contract/audit.contract'
import { createCore, type Core } from '#core/create-core'
import { createFixedClock } from '#core/platform/clock'
import { createMemoryLogger } from '#core/platform/logger'
import { createMemorySecretStore } from '#core/platform/secret-store'
import type { CallContext } from '#core/rpc/handlers'
import { createIndicatorHandlers } from '#core/indicators/indicators.handlers'
import { appErrorOf, T0 } from '../db/core-fixture'

const cores: { core: Core; dir: string }[] = []
afterEach(async () => {
  for (const c of cores.splice(0)) {
    await c.core.stop()
    rmSync(c.dir, { recursive: true, force: true })
  }
})

/** A core whose feed runs and bulk imports commit every `batchSize` records. */
const open = async (batchSize?: number): Promise<Core> => {
  const dir = mkdtempSync(join(tmpdir(), 'te-audit-'))
  const core = await createCore({
    dataDir: dir,
    clock: createFixedClock(T0),
    logger: createMemoryLogger(),
    secrets: createMemorySecretStore(),
    validateOutput: true,
    feeds: { schedule: false, batchSize },
  })
  cores.push({ core, dir })
  return core
}

const ipc: CallContext = { caller: 'ipc', actor: 'alice', signal: new AbortController().signal }
const http: CallContext = {
  caller: 'http',
  actor: 'api:0123456789ab',
  signal: new AbortController().signal,
}

const all = async (core: Core): Promise<ChangeEntry[]> =>
  (await core.call('audit.list', { limit: 1000 })).items.reverse()

const logCount = (core: Core): number =>
  core.db.sqlite.prepare('SELECT count(*) FROM change_log').pluck().get() as number

describe('change log: every mutation records itself', () => {
  it('indicator edits, false-positive marks with their reason, reactivation and delete', async () => {
    const core = await open()
    const ind = await core.call('indicators.create', { value: '45.155.205.7', tags: ['a'] }, ipc)
    await core.call(
      'indicators.update',
      { id: ind.id, patch: { score: 90, tags: ['a', 'b'] } },
      http,
    )
    await core.call('indicators.markFalsePositive', { id: ind.id, reason: 'our own scanner' }, ipc)
    await core.call('indicators.activate', { id: ind.id }, ipc)
    // Nothing changes: no entry.
    await core.call('indicators.update', { id: ind.id, patch: { score: 90 } }, ipc)
    await core.call('indicators.delete', { id: ind.id }, ipc)

    const entries = await all(core)
    // Marking a false positive puts the value on the allowlist, reactivating takes it off: their own entries.
    expect(
      entries.filter((e) => e.entity === 'allowlist').map((e) => [e.method, e.operation]),
    ).toEqual([
      ['indicators.markFalsePositive', 'create'],
      ['indicators.activate', 'delete'],
    ])
    const log = entries.filter((e) => e.entity === 'indicator')
    expect(log.map((e) => [e.method, e.operation, e.transport, e.actor, e.entityId])).toEqual([
      ['indicators.create', 'create', 'ipc', 'alice', ind.id],
      ['indicators.update', 'update', 'http', 'api:0123456789ab', ind.id],
      ['indicators.markFalsePositive', 'mark_false_positive', 'ipc', 'alice', ind.id],
      ['indicators.activate', 'reactivate', 'ipc', 'alice', ind.id],
      ['indicators.delete', 'delete', 'ipc', 'alice', ind.id],
    ])
    expect(entries.every((e) => e.at === T0)).toBe(true)
    expect(log[0].changes).toMatchObject({ type: 'ip', value: '45.155.205.7', tags: ['a'] })
    expect(log[1].changes).toMatchObject({
      // A hand-entered address with nothing said about it scores 28 (src/main/core/scoring).
      score: { before: 28, after: 90 },
      tags: { before: '["a"]', after: '["a","b"]' },
    })
    expect(log[2].changes).toMatchObject({
      false_positive: { before: 0, after: 1 },
      active: { before: 1, after: 0 },
      reason: 'our own scanner',
    })
    expect(log[3].changes).toMatchObject({ false_positive: { before: 1, after: 0 } })
    expect(log[4].changes).toEqual({ type: 'ip', value: '45.155.205.7' })
  })

  it('projects, settings and feed configuration, with no credential in the log', async () => {
    const core = await open()
    const p = await core.call('projects.create', { name: 'Case 1' }, ipc)
    await core.call('projects.update', { id: p.id, patch: { name: 'Case 1b' } }, ipc)
    await core.call('projects.archive', { id: p.id }, ipc)
    await core.call('projects.unarchive', { id: p.id }, ipc)
    await core.call('projects.delete', { id: p.id }, ipc)
    await core.call('settings.update', { patch: { theme: 'dark' } }, http)
    const secret = 'sUp3r-s3cret-Key-42'
    const feed = await core.call(
      'feeds.create',
      {
        name: 'Keyed',
        format: 'text',
        url: `http://127.0.0.1:9/{authKey}/list.txt?apikey=${secret}`,
        auth: { kind: 'url', value: secret },
      },
      ipc,
    )
    const other = 'other-Secret-99'
    await core.call(
      'feeds.update',
      {
        id: feed.id,
        patch: { enabled: false, auth: { kind: 'header', name: 'X-Key', value: other } },
      },
      ipc,
    )
    await core.call('feeds.delete', { id: feed.id }, ipc)

    const log = await all(core)
    expect(log.map((e) => [e.entity, e.operation, e.method])).toEqual([
      ['project', 'create', 'projects.create'],
      ['project', 'update', 'projects.update'],
      ['project', 'archive', 'projects.archive'],
      ['project', 'unarchive', 'projects.unarchive'],
      ['project', 'delete', 'projects.delete'],
      ['settings', 'update', 'settings.update'],
      ['feed', 'create', 'feeds.create'],
      ['feed', 'update', 'feeds.update'],
      ['feed', 'delete', 'feeds.delete'],
    ])
    expect(log[1].changes).toEqual({ name: { before: 'Case 1', after: 'Case 1b' } })
    expect(log[5]).toMatchObject({
      transport: 'http',
      changes: { theme: { before: 'system', after: 'dark' } },
    })
    expect(log[6].changes).toMatchObject({ name: 'Keyed', access: 'url' })
    expect(log[7].changes).toMatchObject({
      enabled: { before: true, after: false },
      access: { before: 'url', after: 'header' },
      accessReplaced: { after: true },
    })
    const raw = JSON.stringify(core.db.sqlite.prepare('SELECT * FROM change_log').all())
    expect(raw).not.toContain(secret)
    expect(raw).not.toContain(other)
  })

  it('a feed run: its start, one entry per committed batch with counts and source, its finish', async () => {
    const core = await open(2)
    const content = '198.51.100.1\n198.51.100.2\n198.51.100.3\nevil.example\nbad.example\n'
    const run = await core.call(
      'feeds.importText',
      { content, fileName: 'list.txt', format: 'text' },
      ipc,
    )
    expect(run.status).toBe('succeeded')
    const log = await all(core)
    expect(log.map((e) => [e.entity, e.operation])).toEqual([
      ['feed_run', 'run_start'],
      ['indicator', 'import'],
      ['indicator', 'import'],
      ['indicator', 'import'],
      ['feed_run', 'run_finish'],
    ])
    expect(log.every((e) => e.transport === 'ipc' && e.actor === 'alice')).toBe(true)
    const imports = log.filter((e) => e.operation === 'import')
    expect(imports.map((e) => e.changes.created)).toEqual([2, 2, 1])
    expect(imports[0].changes.source).toEqual({
      runId: run.id,
      feedId: null,
      sourceKey: 'import:list.txt',
    })
    expect(log[4]).toMatchObject({
      entityId: run.id,
      changes: { status: 'succeeded', created: 5, rows: 5 },
    })
  })

  it('indicators.bulkCreate over N batches leaves N entries, one per batch', async () => {
    const core = await open()
    const handlers = createIndicatorHandlers(core, { batchSize: 3 })
    const text = Array.from({ length: 7 }, (_, i) => `203.0.113.${i + 1}`).join('\n')
    const cli: CallContext = {
      ...ipc,
      caller: 'cli',
      actor: 'bob',
      method: 'indicators.bulkCreate',
    }
    const report = await handlers['indicators.bulkCreate']({ text, defaults: {} }, cli)
    expect(report.created).toBe(7)
    const log = await all(core)
    expect(log.map((e) => [e.operation, e.transport, e.actor, e.changes.created])).toEqual([
      ['import', 'cli', 'bob', 3],
      ['import', 'cli', 'bob', 3],
      ['import', 'cli', 'bob', 1],
    ])
    expect(log[0].changes.source).toEqual({ method: 'indicators.bulkCreate' })
    // Each entry says what its batch held.
    expect(log.map((e) => e.changes.byType)).toEqual([{ ip: 3 }, { ip: 3 }, { ip: 1 }])
  })
})

describe('change log: in the same transaction as the change', () => {
  it('a refused mutation leaves no entry', async () => {
    const core = await open()
    await core.call('indicators.create', { value: 'evil.example' })
    await core.call('projects.create', { name: 'Taken' })
    const before = logCount(core)
    await appErrorOf(core.call('indicators.create', { value: 'evil.example' }))
    await appErrorOf(core.call('projects.create', { name: 'Taken' }))
    expect(logCount(core)).toBe(before)
  })

  it('when its entry cannot be written, the change rolls back with it (main and bulk connections)', async () => {
    const core = await open()
    const p = await core.call('projects.create', { name: 'Before' })
    core.db.sqlite.exec(
      `CREATE TRIGGER refuse_log BEFORE INSERT ON change_log BEGIN SELECT RAISE(ABORT, 'log refused'); END`,
    )
    await expect(core.call('indicators.create', { value: 'gone.example' })).rejects.toThrow()
    await expect(
      core.call('projects.update', { id: p.id, patch: { name: 'After' } }),
    ).rejects.toThrow()
    await expect(core.call('settings.update', { patch: { theme: 'dark' } })).rejects.toThrow()
    await expect(
      core.call('indicators.bulkCreate', { text: '192.0.2.1\n192.0.2.2' }),
    ).rejects.toThrow()
    core.db.sqlite.exec('DROP TRIGGER refuse_log')
    expect(core.db.sqlite.prepare('SELECT count(*) FROM indicators').pluck().get()).toBe(0)
    expect((await core.call('projects.get', { id: p.id })).name).toBe('Before')
    expect((await core.call('settings.get', {})).theme).toBe('system')
    expect(logCount(core)).toBe(1)
  })
})

describe('change log: the hash chain', () => {
  it('verifies, and reports a tampered entry with its sequence and what was expected', async () => {
    const core = await open()
    const ind = await core.call('indicators.create', { value: '192.0.2.10' })
    await core.call('indicators.markFalsePositive', { id: ind.id, reason: 'benign' })
    await core.call('indicators.activate', { id: ind.id })
    await core.call('projects.create', { name: 'P' })
    // The false-positive mark and the reactivation each also change the allowlist: six entries.
    expect(await core.call('audit.verify', {})).toEqual({
      ok: true,
      checked: 6,
      lastSeq: 6,
      brokenAt: null,
    })
    const entry2 = await core.call('audit.get', { seq: 2 })
    core.db.sqlite
      .prepare(`UPDATE change_log SET changes = '{"reason":"edited"}' WHERE seq = 2`)
      .run()
    const broken = await core.call('audit.verify', {})
    expect(broken.ok).toBe(false)
    expect(broken.brokenAt).toMatchObject({ seq: 2, field: 'hash', found: entry2.hash })
    expect(broken.brokenAt?.expected).not.toBe(entry2.hash)

    // Rewriting the hash too moves the break to the next entry, whose prev_hash no longer matches.
    const forged = broken.brokenAt?.expected ?? ''
    core.db.sqlite.prepare('UPDATE change_log SET hash = ? WHERE seq = 2').run(forged)
    expect((await core.call('audit.verify', {})).brokenAt).toEqual({
      seq: 3,
      field: 'prevHash',
      expected: forged,
      found: entry2.hash,
    })
  })

  it('reports a deleted entry as a gap in the sequence', async () => {
    const core = await open()
    for (const name of ['a', 'b', 'c']) await core.call('projects.create', { name })
    core.db.sqlite.prepare('DELETE FROM change_log WHERE seq = 2').run()
    expect((await core.call('audit.verify', {})).brokenAt).toMatchObject({
      seq: 3,
      field: 'seq',
      expected: '2',
    })
  })
})

describe('audit.list and audit.export', () => {
  it('filters, pages newest first, and neutralises formulas in the CSV export', async () => {
    const core = await open()
    await core.call('projects.create', { name: '=HYPERLINK("http://x","y")' }, ipc)
    await core.call('projects.create', { name: 'plain' }, http)
    await core.call('indicators.create', { value: '192.0.2.77' }, { ...ipc, actor: '@evil' })

    const first = await core.call('audit.list', { limit: 2 })
    expect(first.items.map((e) => e.seq)).toEqual([3, 2])
    expect(first.nextCursor).not.toBeNull()
    const second = await core.call('audit.list', { limit: 2, cursor: first.nextCursor ?? '' })
    expect(second.items.map((e) => e.seq)).toEqual([1])
    expect(second.nextCursor).toBeNull()

    const seqs = async (f: Parameters<typeof core.call<'audit.list'>>[1]) =>
      (await core.call('audit.list', f)).items.map((e) => e.seq)
    expect(await seqs({ entity: 'project' })).toEqual([2, 1])
    expect(await seqs({ actor: '@evil' })).toEqual([3])
    expect(await seqs({ method: 'projects.create', since: T0 })).toEqual([2, 1])
    expect(await seqs({ operation: 'create' })).toEqual([3, 2, 1])
    expect(await seqs({ until: T0 })).toEqual([])
    await expect(core.call('audit.list', { cursor: 'x' })).rejects.toThrow(/cursor/)

    const csv = await core.call('audit.export', { format: 'csv' })
    expect(csv.count).toBe(3)
    const lines = csv.content.trim().split('\r\n')
    expect(lines[0]).toBe(
      'seq,at,actor,transport,method,entity,entity_id,operation,changes,prev_hash,hash',
    )
    // The actor cell starts with @: it gets an apostrophe. The JSON cell is quoted (it starts with {).
    expect(lines[3]).toContain(",'@evil,ipc,")
    expect(lines[1]).toContain('"{""name"":""=HYPERLINK(')
    const json = await core.call('audit.export', { format: 'json', entity: 'indicator' })
    expect((JSON.parse(json.content) as ChangeEntry[]).map((e) => e.actor)).toEqual(['@evil'])
  })
})
