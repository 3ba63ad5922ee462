import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  ENTERPRISE_KILL_CHAIN,
  catalogueFromFacts,
  parseCatalogue,
} from '#core/attack/attack-catalogue'
import { builtinCatalogueFile, loadBuiltinCatalogue } from '#core/attack/attack-loader'
import { buildCatalogue, serialiseCatalogue } from '../../../../scripts/build-attack-catalogue'

const NOTICE =
  'MITRE ATT&CK Enterprise (github.com/mitre/cti), ATT&CK v18.1 Enterprise. (c) The MITRE Corporation; reproduced with its terms of use, which require this notice.'

const FACTS = {
  source: NOTICE,
  tactics: [
    { id: 'TA0002', shortname: 'execution', name: 'Execution' },
    { id: 'TA0043', shortname: 'reconnaissance', name: 'Reconnaissance' },
  ],
  techniques: [
    { id: 'T1059.001', name: 'PowerShell', tactics: ['execution'], platforms: ['Windows'] },
    { id: 'T1595', name: ' Active Scanning ', tactics: ['reconnaissance'], platforms: ['PRE'] },
    {
      id: 'T1059',
      name: 'Command and Scripting Interpreter',
      tactics: ['execution'],
      platforms: [],
    },
    { id: 'T1059', name: 'A duplicate', tactics: ['execution'], platforms: [] },
  ],
  groups: [{ id: 'G0007', name: 'APT28', aliases: ['APT28', 'Fancy Bear', ' Sofacy '] }],
  software: [{ id: 'S0002', name: 'Mimikatz', type: 'tool', aliases: [] }],
}

describe('the ATT&CK catalogue script', () => {
  it('orders tactics by the kill chain, sorts techniques by id, trims names and keeps the notice', () => {
    const c = catalogueFromFacts(FACTS)
    expect(c.version).toBe('18.1')
    expect(c.source).toBe(NOTICE)
    expect(c.tactics.map((t) => t.shortname)).toEqual(['reconnaissance', 'execution'])
    expect(c.techniques.map((t) => [t.id, t.name])).toEqual([
      ['T1059', 'Command and Scripting Interpreter'],
      ['T1059.001', 'PowerShell'],
      ['T1595', 'Active Scanning'],
    ])
    expect(c.groups[0].aliases).toEqual(['Fancy Bear', 'Sofacy'])
    expect(c.software[0]).toEqual({ id: 'S0002', name: 'Mimikatz', type: 'tool', aliases: [] })
  })

  it('refuses facts without a version in their notice or with a technique of an unknown tactic', () => {
    expect(() => catalogueFromFacts({ ...FACTS, source: 'no version here' })).toThrow(/version/)
    expect(() =>
      catalogueFromFacts({
        ...FACTS,
        techniques: [{ id: 'T1001', name: 'X', tactics: ['nowhere'], platforms: [] }],
      }),
    ).toThrow(/techniques\.0 \(T1001\) names the unknown tactic "nowhere"/)
    expect(() => catalogueFromFacts({ source: NOTICE })).toThrow(/tactics/)
  })

  it('writes one object per line, and its output reads back to the same catalogue', () => {
    const c = catalogueFromFacts(FACTS)
    const text = serialiseCatalogue(c)
    expect(text.split('\n').filter((l) => /^ {4}\{"id":"T\d/.test(l)).length).toBe(3)
    expect(parseCatalogue(JSON.parse(text), 'written')).toEqual(c)
    expect(buildCatalogue(JSON.stringify(FACTS))).toEqual(c)
  })

  it('the committed catalogue is the script output of ATT&CK v18.1 with MITRE notice', async () => {
    const file = builtinCatalogueFile()
    expect(file).toBe(join(process.cwd(), 'resources', 'attack', 'enterprise-attack.json'))
    const c = await loadBuiltinCatalogue(file)
    expect(c.version).toBe('18.1')
    expect(c.source).toMatch(/\(c\) The MITRE Corporation/)
    expect(c.tactics.map((t) => t.shortname)).toEqual([...ENTERPRISE_KILL_CHAIN])
    expect(c.techniques.length).toBe(691)
    expect(c.groups.length).toBe(172)
    expect(c.software.length).toBe(784)
    // Exactly what the script writes for it: the file was made by the script, not by hand.
    expect(serialiseCatalogue(c)).toBe(readFileSync(file, 'utf8'))
  })

  it('finds the catalogue from the build output folders as from the sources', () => {
    const root = process.cwd()
    expect(builtinCatalogueFile(join(root, 'out', 'main'))).toBe(
      join(root, 'resources', 'attack', 'enterprise-attack.json'),
    )
    expect(builtinCatalogueFile(join(root, 'out', 'main', 'chunks'))).toBe(
      join(root, 'resources', 'attack', 'enterprise-attack.json'),
    )
    expect(() => builtinCatalogueFile('/')).toThrow(/not found/)
  })
})
