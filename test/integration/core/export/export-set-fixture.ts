import type { ExportSet } from '#core/export/export-set'
import type { Indicator } from '#shared/contract/indicators.contract'
import type { IntelEntity, IntelRelationship, ThreatReport } from '#shared/contract/intel.schemas'
import { canonicalize } from '#shared/domain/canonicalize'
import type { Classification, IocType, Tlp } from '#shared/domain/enums'
import { TLP_LEVELS } from '#shared/domain/enums'
import { indicatorId } from '#shared/domain/indicator-id'

/**
 * ExportSets built by hand, as the export domain would resolve them: the writers under test get exactly
 * this in the app. Values are canonicalised through the domain (so a re-import must give them back
 * unchanged) and chosen to be awkward: quotes and backslashes in patterns, a registry path, an IDN.
 */

export const T = '2025-11-20T08:30:00.000Z'

type IndicatorSeed = {
  type: IocType
  value: string
  tlp?: Tlp
  confidence?: number
  tags?: string[]
  classification?: Classification
  description?: string
  mitreTechniques?: string[]
  firstSeen?: string | null
}

export const makeIndicator = (seed: IndicatorSeed): Indicator => {
  const c = canonicalize(seed.type, seed.value)
  if (!c.ok) throw new Error(`fixture value ${seed.value}: ${c.reason}`)
  return canonicalIndicator({ ...seed, value: c.value })
}

/** An indicator whose value is already canonical (bulk tests: canonicalising costs more than exporting). */
export const canonicalIndicator = (seed: IndicatorSeed): Indicator => {
  return {
    id: indicatorId(seed.type, seed.value),
    type: seed.type,
    value: seed.value,
    classification: seed.classification ?? 'malicious',
    confidence: seed.confidence ?? 70,
    severity: 'high',
    score: 80,
    riskLevel: 'critical',
    tlp: seed.tlp ?? 'green',
    firstSeen: seed.firstSeen === undefined ? '2025-11-01T12:00:00.000Z' : seed.firstSeen,
    lastSeen: '2025-11-19T12:00:00.000Z',
    description: seed.description ?? '',
    tags: seed.tags ?? [],
    mitreTactics: [],
    mitreTechniques: seed.mitreTechniques ?? [],
    active: true,
    falsePositive: false,
    enrichment: null,
    projectId: null,
    sourceCount: 1,
    sightingCount: 1,
    expired: false,
    createdAt: '2025-11-02T09:15:30.123Z',
    updatedAt: '2025-11-18T17:45:00.456Z',
  }
}

/** One indicator of every type a pattern can say, with the characters patterns must escape. */
export const PATTERN_INDICATORS: readonly Indicator[] = [
  makeIndicator({ type: 'ip', value: '203.0.113.5', tags: ['c2', 'cobalt-strike'], tlp: 'amber' }),
  makeIndicator({ type: 'ipv6', value: '2001:db8::1', confidence: 55 }),
  makeIndicator({ type: 'cidr', value: '198.51.100.0/24', tlp: 'clear' }),
  makeIndicator({ type: 'domain', value: 'evil.example.com', tags: ['phishing'] }),
  makeIndicator({ type: 'domain', value: 'bücher.example', confidence: 40 }),
  makeIndicator({
    type: 'url',
    value: "http://evil.example.com/a'b\\c?q=1",
    tlp: 'amber+strict',
    tags: ["quote's"],
  }),
  makeIndicator({ type: 'email', value: 'boss@evil.example.com', classification: 'suspicious' }),
  makeIndicator({ type: 'md5', value: 'd41d8cd98f00b204e9800998ecf8427e' }),
  makeIndicator({ type: 'sha1', value: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' }),
  makeIndicator({
    type: 'sha256',
    value: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    tlp: 'red',
    mitreTechniques: ['T1059.001'],
  }),
  makeIndicator({
    type: 'sha512',
    value:
      'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e',
  }),
  makeIndicator({
    type: 'registry-key',
    value: 'HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\evil',
  }),
  makeIndicator({ type: 'mutex', value: "Global\\it's-a-mutex" }),
  makeIndicator({ type: 'file-name', value: "invoice 'final'.pdf.exe", classification: 'unknown' }),
  makeIndicator({ type: 'bitcoin-address', value: '1BoatSLRHtKNngkdXEeobR76b53LETtpyT' }),
  makeIndicator({
    type: 'ethereum-address',
    value: '0x52908400098527886E0F7030069857D2E4169EE7',
    classification: 'benign',
  }),
]

/** Types STIX patterns cannot say: each becomes its own SDO. */
export const OTHER_INDICATORS: readonly Indicator[] = [
  makeIndicator({ type: 'cve', value: 'CVE-2021-44228', tlp: 'amber' }),
  makeIndicator({ type: 'cve', value: 'CVE-2024-3400' }),
  makeIndicator({ type: 'attack-technique', value: 'T1566' }),
  makeIndicator({ type: 'custom', value: 'operator handle: "z3r0"', tlp: 'clear' }),
]

const base = {
  aliases: [] as string[],
  description: '',
  projectId: null,
  severity: null,
  confidence: null,
  firstSeen: null,
  lastSeen: null,
  techniques: [] as string[],
  sources: ['analyst'],
  stixId: null,
  createdAt: '2025-10-01T10:00:00.000Z',
  updatedAt: '2025-11-15T10:00:00.000Z',
}

export const ACTOR: IntelEntity = {
  ...base,
  id: '7d1c6a9e-4b8f-4a3e-9d2c-1f0e5b6a7c01',
  kind: 'threat-actor',
  name: 'APT28',
  aliases: ['Sofacy', 'Fancy Bear'],
  description: 'Russian military intelligence unit.',
  tlp: 'amber',
  confidence: 85,
  firstSeen: '2007-01-01T00:00:00.000Z',
  lastSeen: '2025-11-01T00:00:00.000Z',
  techniques: ['T1566', 'T1059.001'],
  details: {
    actorType: 'nation-state',
    originCountry: 'RU',
    motivation: 'organizational-gain',
    sophistication: 'expert',
    tactics: ['TA0001'],
    tools: ['Mimikatz'],
    targetSectors: ['government'],
    targetCountries: ['DE', 'FR'],
  },
}

export const IMPORTED_SET: IntelEntity = {
  ...base,
  id: '7d1c6a9e-4b8f-4a3e-9d2c-1f0e5b6a7c02',
  kind: 'threat-actor',
  name: 'Wizard Spider',
  tlp: 'green',
  stixId: 'intrusion-set--bcd1c6a9-4b8f-4a3e-9d2c-1f0e5b6a7c02',
  details: {
    actorType: 'cybercrime',
    originCountry: null,
    motivation: null,
    sophistication: null,
    tactics: [],
    tools: [],
    targetSectors: [],
    targetCountries: [],
  },
}

export const CAMPAIGN: IntelEntity = {
  ...base,
  id: '7d1c6a9e-4b8f-4a3e-9d2c-1f0e5b6a7c03',
  kind: 'campaign',
  name: 'Operation Pawn Storm',
  tlp: 'green',
  firstSeen: '2024-03-01T00:00:00.000Z',
  lastSeen: '2024-02-01T00:00:00.000Z',
  details: {
    objectives: ['credential theft', 'espionage'],
    tactics: [],
    targetSectors: ['defense'],
    targetCountries: ['US'],
  },
}

export const VULN: IntelEntity = {
  ...base,
  id: '7d1c6a9e-4b8f-4a3e-9d2c-1f0e5b6a7c04',
  kind: 'vulnerability',
  name: 'Log4Shell',
  tlp: 'clear',
  stixId: 'vulnerability--0b7e2a43-4d2f-4f5c-8a1e-6c3d9b8e7f10',
  details: {
    cveId: 'CVE-2021-44228',
    cvssScore: 10,
    cvssSeverity: 'critical',
    affectedProducts: [{ product: 'Apache Log4j', versions: ['2.0-2.14.1'] }],
    exploitAvailable: true,
    exploitedInTheWild: true,
    exploitReferences: ['https://github.com/example/poc', 'EDB-50592'],
    patchAvailable: true,
    patchReferences: ['https://logging.apache.org/log4j/2.x/security.html'],
    workarounds: 'Set log4j2.formatMsgNoLookups=true',
    publishedAt: '2021-12-10T00:00:00.000Z',
    discoveredAt: null,
  },
}

export const MALWARE: IntelEntity = {
  ...base,
  id: '7d1c6a9e-4b8f-4a3e-9d2c-1f0e5b6a7c05',
  kind: 'malware',
  name: 'X-Agent',
  aliases: ['CHOPSTICK'],
  tlp: 'amber+strict',
  techniques: ['T1071.001'],
  details: { malwareTypes: ['backdoor'], capabilities: ['exfiltrates-data'], isFamily: true },
}

export const REPORT: ThreatReport = {
  ...base,
  id: '7d1c6a9e-4b8f-4a3e-9d2c-1f0e5b6a7c06',
  kind: 'report',
  name: 'APT28 phishing wave, November',
  description: '',
  tlp: 'amber',
  severity: 'high',
  details: {
    summary: 'Spear-phishing against ministries with X-Agent.',
    content: '# Findings\n\nThe actor used **X-Agent** (see `evil.example.com`).',
    published: true,
    publishedAt: '2025-11-20T08:00:00.000Z',
    authors: ['A. Analyst'],
  },
}

let relCount = 0
export const rel = (
  relationshipType: string,
  source: { id: string; kind: IntelRelationship['sourceKind'] },
  target: { id: string; kind: IntelRelationship['targetKind'] },
): IntelRelationship => {
  relCount++
  return {
    id: `9e2b7c4d-1a3f-4b5e-8c6d-${String(relCount).padStart(12, '0')}`,
    relationshipType,
    sourceRef: source.id,
    sourceKind: source.kind,
    targetRef: target.id,
    targetKind: target.kind,
    description: '',
    source: 'analyst',
    confidence: 60,
    firstSeen: '2025-11-01T00:00:00.000Z',
    lastSeen: '2025-11-10T00:00:00.000Z',
    stixId: null,
    createdAt: '2025-11-11T00:00:00.000Z',
    updatedAt: '2025-11-12T00:00:00.000Z',
  }
}

const ent = (e: IntelEntity) => ({ id: e.id, kind: e.kind })
const ind = (i: Indicator) => ({ id: i.id, kind: 'indicator' as const })

export const RELATIONSHIPS: readonly IntelRelationship[] = [
  rel('uses', ent(ACTOR), ent(MALWARE)),
  rel('attributed-to', ent(CAMPAIGN), ent(ACTOR)),
  rel('exploits', ent(CAMPAIGN), ent(VULN)),
  rel('indicates', ind(PATTERN_INDICATORS[0]), ent(MALWARE)),
  rel('indicates', ind(PATTERN_INDICATORS[3]), ent(CAMPAIGN)),
  rel('related-to', ind(OTHER_INDICATORS[0]), ent(VULN)),
  rel('uses', ent(MALWARE), { id: 'T1027', kind: 'attack-pattern' }),
]

const strictest = (tlps: Tlp[]): Tlp =>
  tlps.reduce<Tlp>((a, b) => (TLP_LEVELS.indexOf(b) > TLP_LEVELS.indexOf(a) ? b : a), 'clear')

/** Indicators in pages of `pageSize`, callable again (as the export domain's reader is). */
export const pages = (all: readonly Indicator[], pageSize = 5) =>
  async function* (): AsyncIterable<readonly Indicator[]> {
    for (let i = 0; i < all.length; i += pageSize) yield all.slice(i, i + pageSize)
  }

export const makeSet = (parts: {
  indicators?: readonly Indicator[]
  entities?: readonly IntelEntity[]
  relationships?: readonly IntelRelationship[]
  report?: ThreatReport | null
  title?: string
}): ExportSet => {
  const indicators = parts.indicators ?? []
  const entities = parts.entities ?? []
  const tlps = [...indicators.map((i) => i.tlp), ...entities.map((e) => e.tlp)]
  if (parts.report) tlps.push(parts.report.tlp)
  const tlpCounts: Partial<Record<Tlp, number>> = {}
  for (const t of tlps) tlpCounts[t] = (tlpCounts[t] ?? 0) + 1
  return {
    title: parts.title ?? 'Test export',
    summary: 'Indicators and intel for the export tests.',
    markdown: null,
    tlp: strictest(tlps),
    tlpCounts,
    generatedAt: T,
    report: parts.report ?? null,
    entities: [...entities],
    relationships: [...(parts.relationships ?? [])],
    indicatorCount: indicators.length,
    stats: {
      byType: {},
      bySeverity: {},
      scoreBuckets: new Array<number>(10).fill(0),
      timeline: [],
    },
    indicators: pages(indicators),
  }
}

/** Everything: every indicator type, every entity kind, relationships and the report. */
export const fullSet = (): ExportSet =>
  makeSet({
    indicators: [...PATTERN_INDICATORS, ...OTHER_INDICATORS],
    entities: [ACTOR, IMPORTED_SET, CAMPAIGN, VULN, MALWARE],
    relationships: RELATIONSHIPS,
    report: REPORT,
  })
