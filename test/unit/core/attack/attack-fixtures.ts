// A small enterprise-attack bundle for the ATT&CK tests (shared by the unit and integration tests).

export const mitreRef = (id: string) => [
  { source_name: 'mitre-attack', external_id: id, url: 'https://attack.mitre.org' },
]
const phase = (p: string) => ({ kill_chain_name: 'mitre-attack', phase_name: p })

/** A small enterprise-attack bundle in MITRE's own shapes (github.com/mitre/cti). */
export const smallBundle = () => ({
  type: 'bundle',
  id: 'bundle--0f6bd5b5-0000-4000-8000-000000000001',
  objects: [
    { type: 'x-mitre-collection', id: 'x-mitre-collection--1', x_mitre_version: '19.0' },
    {
      type: 'marking-definition',
      id: 'marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168',
      definition_type: 'statement',
      definition: { statement: 'Copyright 2015-2026, The MITRE Corporation.' },
    },
    {
      type: 'x-mitre-matrix',
      id: 'x-mitre-matrix--1',
      name: 'Enterprise ATT&CK',
      tactic_refs: ['x-mitre-tactic--recon', 'x-mitre-tactic--exec'],
    },
    {
      type: 'x-mitre-tactic',
      id: 'x-mitre-tactic--exec',
      name: 'Execution',
      x_mitre_shortname: 'execution',
      external_references: mitreRef('TA0002'),
    },
    {
      type: 'x-mitre-tactic',
      id: 'x-mitre-tactic--recon',
      name: 'Reconnaissance',
      x_mitre_shortname: 'reconnaissance',
      external_references: mitreRef('TA0043'),
    },
    {
      type: 'attack-pattern',
      id: 'attack-pattern--t1059',
      name: 'Command and Scripting Interpreter',
      kill_chain_phases: [phase('execution')],
      x_mitre_platforms: ['Windows', 'Linux'],
      external_references: mitreRef('T1059'),
    },
    {
      type: 'attack-pattern',
      id: 'attack-pattern--t1059-001',
      name: 'PowerShell',
      kill_chain_phases: [phase('execution'), { kill_chain_name: 'other', phase_name: 'x' }],
      x_mitre_platforms: ['Windows'],
      external_references: mitreRef('T1059.001'),
    },
    {
      type: 'attack-pattern',
      id: 'attack-pattern--t1595',
      name: 'Active Scanning',
      kill_chain_phases: [phase('reconnaissance')],
      external_references: mitreRef('T1595'),
    },
    {
      type: 'attack-pattern',
      id: 'attack-pattern--old',
      name: 'Old technique',
      revoked: true,
      external_references: mitreRef('T1000'),
    },
    {
      type: 'attack-pattern',
      id: 'attack-pattern--dep',
      name: 'Deprecated technique',
      x_mitre_deprecated: true,
      external_references: mitreRef('T1001'),
    },
    { type: 'attack-pattern', id: 'attack-pattern--noid', name: 'No id' },
    {
      type: 'intrusion-set',
      id: 'intrusion-set--apt28',
      name: 'APT28',
      aliases: ['APT28', 'Fancy Bear'],
      external_references: mitreRef('G0007'),
    },
    {
      type: 'tool',
      id: 'tool--mimikatz',
      name: 'Mimikatz',
      x_mitre_aliases: ['Mimikatz'],
      external_references: mitreRef('S0002'),
    },
    {
      type: 'malware',
      id: 'malware--x',
      name: 'X-Agent',
      x_mitre_aliases: ['CHOPSTICK'],
      external_references: mitreRef('S0161'),
    },
    { type: 'relationship', id: 'relationship--1', relationship_type: 'uses' },
    'not an object',
  ],
})
