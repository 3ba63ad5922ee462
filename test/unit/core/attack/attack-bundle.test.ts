import { describe, expect, it } from 'vitest'
import { catalogueFromBundleText, MAX_ATTACK_BUNDLE_CHARS } from '#core/attack/attack-bundle'
import { createAttackIndex } from '#core/attack/attack-index'
import { loadBuiltinCatalogue } from '#core/attack/attack-loader'
import { mitreRef as ref, smallBundle } from './attack-fixtures'

describe('attack.importBundle: an enterprise-attack STIX bundle → the catalogue', () => {
  it('keeps tactics in the matrix order, techniques with their mitre-attack tactics, groups and software', () => {
    const r = catalogueFromBundleText(JSON.stringify(smallBundle()))
    const c = r.catalogue
    expect(c.version).toBe('19.0')
    expect(c.source).toMatch(/ATT&CK v19\.0\. \(c\) The MITRE Corporation/)
    expect(c.source).toMatch(/Copyright 2015-2026, The MITRE Corporation\./)
    expect(c.tactics.map((t) => t.id)).toEqual(['TA0043', 'TA0002'])
    expect(c.techniques).toEqual([
      {
        id: 'T1059',
        name: 'Command and Scripting Interpreter',
        tactics: ['execution'],
        platforms: ['Windows', 'Linux'],
      },
      { id: 'T1059.001', name: 'PowerShell', tactics: ['execution'], platforms: ['Windows'] },
      { id: 'T1595', name: 'Active Scanning', tactics: ['reconnaissance'], platforms: [] },
    ])
    expect(c.groups).toEqual([{ id: 'G0007', name: 'APT28', aliases: ['Fancy Bear'] }])
    expect(c.software).toEqual([
      { id: 'S0002', name: 'Mimikatz', type: 'tool', aliases: [] },
      { id: 'S0161', name: 'X-Agent', type: 'malware', aliases: ['CHOPSTICK'] },
    ])
    expect(r.retired).toBe(2)
    expect(r.issues).toEqual([
      { object: 'objects[10] (attack-pattern--noid)', message: 'no mitre-attack T id' },
      { object: 'objects[15]', message: 'not a STIX object with a type' },
    ])
  })

  it('refuses what is not an enterprise-attack bundle, naming what is wrong', () => {
    expect(() => catalogueFromBundleText('{"type": "bundle", ')).toThrow(/bundle: not valid JSON/)
    expect(() => catalogueFromBundleText('{"type": "indicator"}')).toThrow(/type is not "bundle"/)
    expect(() => catalogueFromBundleText('{"type": "bundle", "objects": 3}')).toThrow(
      /objects is not a list/,
    )
    const noTactics = {
      ...smallBundle(),
      objects: smallBundle().objects.filter(
        (o) => typeof o !== 'object' || o.type !== 'x-mitre-tactic',
      ),
    }
    expect(() => catalogueFromBundleText(JSON.stringify(noTactics))).toThrow(
      /no x-mitre-tactic with a mitre-attack id/,
    )
    const noTechniques = {
      type: 'bundle',
      objects: smallBundle().objects.filter(
        (o) => typeof o !== 'object' || o.type !== 'attack-pattern',
      ),
    }
    expect(() => catalogueFromBundleText(JSON.stringify(noTechniques))).toThrow(/no attack-pattern/)
    expect(() => catalogueFromBundleText(' '.repeat(MAX_ATTACK_BUNDLE_CHARS + 1))).toThrow(
      /more than/,
    )
  })

  it('bounds what a hostile bundle brings: a million aliases keep 100, long names are cut', () => {
    const b = smallBundle()
    const aliases = Array.from({ length: 1_000_000 }, (_, i) => `alias ${i}`)
    b.objects.push({
      type: 'intrusion-set',
      id: 'intrusion-set--big',
      name: 'N'.repeat(5000),
      aliases,
      external_references: ref('G9999'),
    })
    const c = catalogueFromBundleText(JSON.stringify(b)).catalogue
    const big = c.groups.find((g) => g.id === 'G9999')
    expect(big?.aliases.length).toBe(100)
    expect(big?.name.length).toBe(300)
  })
})

describe('the catalogue index', () => {
  it('searches by id, id prefix and name words, within a tactic', async () => {
    const idx = createAttackIndex(await loadBuiltinCatalogue(), {
      origin: 'builtin',
      importedAt: null,
    })
    expect(idx.search({ q: 'T1059', limit: 3 }).map((t) => t.id)).toEqual([
      'T1059',
      'T1059.001',
      'T1059.002',
    ])
    expect(idx.search({ q: 't1059.001', limit: 10 }).map((t) => t.id)).toEqual(['T1059.001'])
    expect(idx.search({ q: 'PowerShell', limit: 10 }).map((t) => t.id)).toContain('T1059.001')
    // Every word, each a prefix of a word of the name.
    expect(idx.search({ q: 'command interp', limit: 50 })[0].id).toBe('T1059')
    expect(idx.search({ q: 'shell power', limit: 5 })).toEqual([])
    expect(
      idx
        .search({ q: 'scanning', tactic: 'TA0043', limit: 50 })
        .every((t) => t.tactics.includes('reconnaissance')),
    ).toBe(true)
    expect(idx.search({ q: 'scanning', tactic: 'TA0043', limit: 50 }).map((t) => t.id)).toContain(
      'T1595',
    )
    expect(idx.search({ q: '', tactic: 'impact', limit: 1000 }).length).toBeGreaterThan(10)
    expect(() => idx.search({ q: '', tactic: 'nowhere', limit: 1 })).toThrow(/not an ATT&CK tactic/)
  })

  it('details a technique with its parent, sub-techniques and tactics; the matrix nests them by tactic', async () => {
    const idx = createAttackIndex(await loadBuiltinCatalogue(), {
      origin: 'builtin',
      importedAt: null,
    })
    const d = idx.detail('T1059.001')
    expect(d.parent).toEqual({ id: 'T1059', name: 'Command and Scripting Interpreter' })
    expect(d.tacticRefs.map((t) => t.id)).toEqual(['TA0002'])
    expect(idx.detail('T1059').subTechniques.map((s) => s.id)).toContain('T1059.001')
    expect(() => idx.detail('T9999')).toThrow(/not a technique of ATT&CK 18\.1/)
    const m = idx.matrix()
    expect(m.tactics.map((t) => t.shortname)[0]).toBe('reconnaissance')
    expect(m.tactics.length).toBe(14)
    const execution = m.tactics.find((t) => t.shortname === 'execution')
    const interp = execution?.techniques.find((t) => t.id === 'T1059')
    expect(interp?.subTechniques.map((s) => s.id)).toContain('T1059.001')
    // Sub-techniques sit under their parent, never as columns' own rows.
    expect(execution?.techniques.some((t) => t.id.includes('.'))).toBe(false)
    const info = idx.info()
    expect(info.counts.techniques + info.counts.subTechniques).toBe(691)
    expect(info.counts.tactics).toBe(14)
  })
})
