import { describe, expect, it } from 'vitest'
import { IntelCreateSchema } from '#shared/contract/intel.contract'
import { IntelEntitySchema, type IntelEntity } from '#shared/contract/intel.schemas'
import {
  createInputOf,
  draftOf,
  emptyDraft,
  fieldErrorsOf,
  patchOf,
  splitIssuePath,
  validateDraft,
} from '../../../../../src/renderer/src/views/intel/intel-form-model'

const NOW = '2026-01-02T03:04:05.000Z'

describe('the entity form', () => {
  it('turns a filled threat-actor form into a create input the contract accepts', () => {
    const d = {
      ...emptyDraft('threat-actor'),
      name: 'APT 28',
      aliases: 'Fancy Bear, Sofacy',
      tlp: 'amber',
      confidence: '80',
      firstSeen: '2014-05-01',
      techniques: 't1566.001, T1059',
      actorType: 'nation-state',
      originCountry: 'ru',
      tools: 'X-Agent,  ,Zebrocy',
      targetCountries: 'de, fr',
    }
    const r = validateDraft(IntelCreateSchema, 'threat-actor', d, null)
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.value).toMatchObject({
      kind: 'threat-actor',
      name: 'APT 28',
      aliases: ['Fancy Bear', 'Sofacy'],
      tlp: 'amber',
      confidence: 80,
      firstSeen: '2014-05-01T00:00:00.000Z',
      lastSeen: null,
      severity: null,
      techniques: ['T1566.001', 'T1059'],
      details: {
        actorType: 'nation-state',
        originCountry: 'RU',
        tools: ['X-Agent', 'Zebrocy'],
        targetCountries: ['DE', 'FR'],
        motivation: null,
      },
    })
  })

  it('names the field (and the list item) of every rule a draft breaks', () => {
    const d = {
      ...emptyDraft('threat-actor'),
      name: '',
      confidence: '140',
      techniques: 'T1059, phishing',
      originCountry: 'Russia',
      targetCountries: 'DE, Germany',
    }
    const r = validateDraft(IntelCreateSchema, 'threat-actor', d, null)
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.errors.name).toMatch(/^Name: /)
    expect(r.errors.confidence).toMatch(/^Confidence: /)
    expect(r.errors.techniques).toBe(
      'ATT&CK techniques, item 2: an ATT&CK id such as T1059, T1059.001 or TA0002',
    )
    expect(r.errors.originCountry).toBe('Origin country: an ISO 3166-1 alpha-2 country code')
    expect(r.errors.targetCountries).toMatch(/^Target countries, item 2: /)
  })

  it('reads vulnerabilities: products per line, CVSS as a number, flags and dates', () => {
    const d = {
      ...emptyDraft('vulnerability'),
      name: 'PAN-OS GlobalProtect injection',
      cveId: 'cve-2024-3400',
      cvssScore: '10',
      cvssSeverity: 'critical',
      affectedProducts: 'PAN-OS: 10.2, 11.0\nGlobalProtect',
      exploitedInTheWild: true,
      patchReferences: 'https://security.paloaltonetworks.com/CVE-2024-3400\n',
      publishedAt: '2024-04-12',
    }
    const r = validateDraft(IntelCreateSchema, 'vulnerability', d, null)
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.value.details).toMatchObject({
      cveId: 'CVE-2024-3400',
      cvssScore: 10,
      cvssSeverity: 'critical',
      affectedProducts: [
        { product: 'PAN-OS', versions: ['10.2', '11.0'] },
        { product: 'GlobalProtect', versions: [] },
      ],
      exploitedInTheWild: true,
      exploitAvailable: false,
      patchReferences: ['https://security.paloaltonetworks.com/CVE-2024-3400'],
      publishedAt: '2024-04-12T00:00:00.000Z',
    })
    const bad = validateDraft(
      IntelCreateSchema,
      'vulnerability',
      { ...d, cvssScore: 'ten', cveId: '2024-3400' },
      null,
    )
    expect(bad.ok).toBe(false)
    if (bad.ok) return
    expect(bad.errors.cvssScore).toMatch(/^CVSS score: /)
    expect(bad.errors.cveId).toBe('CVE id: a CVE id such as CVE-2024-3400')
  })

  it('round-trips an entity through the draft and patches only what changed', () => {
    const entity = IntelEntitySchema.parse({
      id: '7b0d3c1e-1d1c-4c3a-9a43-3f1f0d1c2b3a',
      kind: 'malware',
      name: 'Emotet',
      aliases: ['Geodo'],
      description: 'Loader',
      projectId: null,
      tlp: 'green',
      severity: null,
      confidence: null,
      firstSeen: null,
      lastSeen: null,
      techniques: ['T1059'],
      sources: ['analyst'],
      stixId: null,
      createdAt: NOW,
      updatedAt: NOW,
      details: { malwareTypes: ['loader'], capabilities: [], isFamily: true },
    }) satisfies IntelEntity
    if (entity.kind !== 'malware') throw new Error('parsed as another kind')
    const draft = draftOf(entity)
    expect(draft).toMatchObject({ name: 'Emotet', aliases: 'Geodo', malwareTypes: 'loader' })
    const same = validateDraft(IntelCreateSchema, 'malware', draft, null)
    if (!same.ok) throw new Error(JSON.stringify(same.errors))
    expect(patchOf(entity, same.value, null)).toEqual({})
    const changed = validateDraft(
      IntelCreateSchema,
      'malware',
      { ...draft, capabilities: 'spam, banking', tlp: 'amber' },
      null,
    )
    if (!changed.ok) throw new Error(JSON.stringify(changed.errors))
    expect(patchOf(entity, changed.value, null)).toEqual({
      tlp: 'amber',
      details: { capabilities: ['spam', 'banking'] },
    })
  })

  it("maps a server's issue paths onto the fields", () => {
    expect(splitIssuePath('patch.details.targetCountries[3]')).toEqual([
      'patch',
      'details',
      'targetCountries',
      3,
    ])
    expect(
      fieldErrorsOf('campaign', [
        { path: splitIssuePath('patch.details.targetCountries[3]'), message: 'bad code' },
        { path: [], message: 'a name or alias that already names another campaign' },
      ]),
    ).toEqual({
      targetCountries: 'Target countries, item 4: bad code',
      _form: 'a name or alias that already names another campaign',
    })
  })

  it('leaves the project to the picker', () => {
    expect(createInputOf('campaign', emptyDraft('campaign'), 'p1')).toMatchObject({
      kind: 'campaign',
      projectId: 'p1',
    })
  })
})
