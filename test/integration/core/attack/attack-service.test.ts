import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { inProcessContext } from '#core/rpc/handlers'
import { openCore, type TestCore } from '../../../support/test-core'
import { smallBundle } from '../../../unit/core/attack/attack-fixtures'

const opened: TestCore[] = []
const open = async (dir?: string) => {
  const t = await openCore(dir === undefined ? {} : { dir })
  opened.push(t)
  return t
}
afterEach(async () => {
  // The first one owns the directory; the reopened ones only stop.
  for (const t of opened.splice(0).reverse()) await t.dispose().catch(() => undefined)
})

describe('attack.* on a core', () => {
  it('answers from the built-in catalogue, then from an imported bundle, which survives a restart', async () => {
    const first = await open()
    const info = await first.core.call('attack.getCatalogue', {})
    expect(info).toMatchObject({ origin: 'builtin', version: '18.1', importedAt: null })
    expect(info.counts.tactics).toBe(14)
    expect((await first.core.call('attack.listTactics', {})).items[0].id).toBe('TA0043')

    const imported = await first.core.call('attack.importBundle', {
      text: JSON.stringify(smallBundle()),
    })
    expect(imported.catalogue).toMatchObject({ origin: 'imported', version: '19.0' })
    expect(imported.catalogue.counts).toEqual({
      tactics: 2,
      techniques: 2,
      subTechniques: 1,
      groups: 1,
      software: 2,
    })
    expect(imported.retired).toBe(2)
    expect((await first.core.call('attack.matrix', {})).tactics.map((t) => t.id)).toEqual([
      'TA0043',
      'TA0002',
    ])
    const audit = await first.core.call('audit.list', { entity: 'attack_catalogue', limit: 5 })
    expect(audit.items.map((e) => e.operation)).toEqual(['import'])
    await first.core.stop()

    const second = await openCore({ dir: first.dir })
    try {
      const after = await second.core.call('attack.getCatalogue', {})
      expect(after).toMatchObject({ origin: 'imported', version: '19.0' })
      expect(
        (await second.core.call('attack.searchTechniques', { q: 'T1059' })).items.map((t) => t.id),
      ).toEqual(['T1059', 'T1059.001'])
      const reset = await second.core.call('attack.resetCatalogue', {})
      expect(reset).toMatchObject({ origin: 'builtin', version: '18.1' })
    } finally {
      await second.core.stop()
    }
  })

  it('reads a bundle from a path for local callers only, and keeps the old catalogue on bad input', async () => {
    const t = await open()
    const file = join(t.dir, 'enterprise-attack.json')
    writeFileSync(file, JSON.stringify(smallBundle()))
    const http = { ...inProcessContext(), caller: 'http' as const }
    await expect(t.core.call('attack.importBundle', { path: file }, http)).rejects.toMatchObject({
      code: 'forbidden',
    })
    await expect(
      t.core.call('attack.importBundle', { text: '{"type":"bundle","objects":[]}' }),
    ).rejects.toThrow(/no x-mitre-tactic/)
    await expect(
      t.core.call('attack.importBundle', { text: 'x', path: file }),
    ).rejects.toMatchObject({ code: 'invalid_input' })
    await expect(
      t.core.call('attack.importBundle', { path: join(t.dir, 'none.json') }),
    ).rejects.toMatchObject({
      code: 'not_found',
    })
    expect((await t.core.call('attack.getCatalogue', {})).origin).toBe('builtin')
    const r = await t.core.call('attack.importBundle', { path: file })
    expect(r.catalogue.version).toBe('19.0')
    await expect(t.core.call('attack.getTechnique', { id: 'T1003' })).rejects.toMatchObject({
      code: 'not_found',
    })
    expect((await t.core.call('attack.getTechnique', { id: 't1059.001' })).parent?.id).toBe('T1059')
  })
})
