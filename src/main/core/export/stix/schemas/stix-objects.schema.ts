import { BASE, COMMON, idOf } from './stix-common.schema'

const C = `${BASE}common.json#/$defs`
const ref = (def: string) => ({ $ref: `${C}/${def}` })

/** An SDO/SRO schema: the common core, the type's id, and its own properties and requirements. */
const sdo = (type: string, required: string[], properties: Record<string, unknown>) => ({
  $id: `${BASE}${type}.json`,
  allOf: [ref('core')],
  required,
  properties: { type: { const: type }, id: idOf(type), ...properties },
})

const sco = (type: string, required: string[], properties: Record<string, unknown>) => ({
  $id: `${BASE}${type}.json`,
  allOf: [ref('sco')],
  required,
  properties: { type: { const: type }, id: idOf(type), ...properties },
})

const name = ref('nonEmptyString')
const list = ref('stringList')
const time = ref('timestamp')
const seen = { first_seen: time, last_seen: time }

const TLP_2_0 = ['clear', 'green', 'amber', 'amber+strict', 'red']

export const STIX_OBJECT_SCHEMAS = {
  'marking-definition': {
    $id: `${BASE}marking-definition.json`,
    type: 'object',
    required: ['type', 'spec_version', 'id', 'created'],
    properties: {
      type: { const: 'marking-definition' },
      spec_version: { const: '2.1' },
      id: idOf('marking-definition'),
      created: ref('timestamp_millis'),
      name,
      definition_type: { enum: ['tlp', 'statement'] },
      definition: { type: 'object' },
      extensions: {
        type: 'object',
        minProperties: 1,
        properties: {
          'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d': {
            type: 'object',
            required: ['extension_type', 'tlp_2_0'],
            properties: {
              extension_type: { const: 'property-extension' },
              tlp_2_0: { enum: TLP_2_0 },
            },
            additionalProperties: false,
          },
        },
      },
    },
    // A TLP 1.0 marking defines itself; a TLP 2.0 one through the extension.
    oneOf: [
      {
        required: ['definition_type', 'definition'],
        properties: {
          definition_type: { const: 'tlp' },
          definition: {
            required: ['tlp'],
            properties: { tlp: { enum: ['white', 'green', 'amber', 'red'] } },
            additionalProperties: false,
          },
        },
      },
      { required: ['extensions'], not: { required: ['definition_type'] } },
    ],
  },
  identity: sdo('identity', ['name'], {
    name,
    identity_class: name,
    description: { type: 'string' },
  }),
  indicator: sdo('indicator', ['pattern', 'pattern_type', 'valid_from'], {
    name,
    description: { type: 'string' },
    indicator_types: list,
    pattern: name,
    pattern_type: { type: 'string', pattern: '^[a-z0-9-]+$' },
    pattern_version: name,
    valid_from: time,
    valid_until: time,
    kill_chain_phases: { type: 'array', minItems: 1 },
  }),
  'threat-actor': sdo('threat-actor', ['name'], {
    name,
    description: { type: 'string' },
    threat_actor_types: list,
    aliases: list,
    ...seen,
    roles: list,
    goals: list,
    sophistication: name,
    resource_level: name,
    primary_motivation: name,
    secondary_motivations: list,
  }),
  'intrusion-set': sdo('intrusion-set', ['name'], {
    name,
    description: { type: 'string' },
    aliases: list,
    ...seen,
    goals: list,
    resource_level: name,
    primary_motivation: name,
  }),
  campaign: sdo('campaign', ['name'], {
    name,
    description: { type: 'string' },
    aliases: list,
    ...seen,
    objective: name,
  }),
  vulnerability: sdo('vulnerability', ['name'], { name, description: { type: 'string' } }),
  malware: {
    ...sdo('malware', ['is_family'], {
      name,
      description: { type: 'string' },
      malware_types: list,
      is_family: { type: 'boolean' },
      aliases: list,
      ...seen,
      capabilities: list,
    }),
    // A family is known by its name; a single sample may have none.
    if: { properties: { is_family: { const: true } } },
    then: { required: ['name'] },
  },
  report: sdo('report', ['name', 'published', 'object_refs'], {
    name,
    description: { type: 'string' },
    report_types: list,
    published: time,
    object_refs: { type: 'array', minItems: 1, items: ref('identifier') },
  }),
  'attack-pattern': {
    ...sdo('attack-pattern', ['name', 'external_references'], {
      name,
      description: { type: 'string' },
      aliases: list,
    }),
    // Ours always say which ATT&CK technique they stand for.
    properties: {
      type: { const: 'attack-pattern' },
      id: idOf('attack-pattern'),
      name,
      external_references: {
        type: 'array',
        contains: {
          required: ['source_name', 'external_id'],
          properties: { source_name: { const: 'mitre-attack' } },
        },
      },
    },
  },
  relationship: sdo('relationship', ['relationship_type', 'source_ref', 'target_ref'], {
    relationship_type: { type: 'string', pattern: '^[a-z0-9-]+$' },
    description: { type: 'string' },
    source_ref: ref('identifier'),
    target_ref: ref('identifier'),
    start_time: time,
    stop_time: time,
  }),
  'x-threateye-indicator': sdo('x-threateye-indicator', ['value'], {
    name,
    value: name,
    description: { type: 'string' },
  }),
  'ipv4-addr': sco('ipv4-addr', ['value'], { value: name }),
  'ipv6-addr': sco('ipv6-addr', ['value'], { value: name }),
  'domain-name': sco('domain-name', ['value'], { value: name }),
  url: sco('url', ['value'], { value: name }),
  'email-addr': sco('email-addr', ['value'], { value: name }),
  mutex: sco('mutex', ['name'], { name }),
  'windows-registry-key': sco('windows-registry-key', ['key'], {
    // The full hive names only: the specification refuses HKLM and the like.
    key: {
      type: 'string',
      pattern:
        '^(HKEY_LOCAL_MACHINE|HKEY_CURRENT_USER|HKEY_CLASSES_ROOT|HKEY_USERS|HKEY_CURRENT_CONFIG|HKEY_PERFORMANCE_DATA|HKEY_DYN_DATA)(\\\\|$)',
    },
  }),
  file: {
    ...sco('file', [], { hashes: ref('hashes'), name, size: { type: 'integer', minimum: 0 } }),
    anyOf: [{ required: ['hashes'] }, { required: ['name'] }],
  },
} as const

export const STIX_BUNDLE_SCHEMA = {
  $id: `${BASE}bundle.json`,
  type: 'object',
  required: ['type', 'id', 'objects'],
  properties: {
    type: { const: 'bundle' },
    id: idOf('bundle'),
    objects: { type: 'array', items: { type: 'object', required: ['type', 'id'] } },
  },
  // STIX 2.1 bundles carry no spec_version (their objects do).
  not: { required: ['spec_version'] },
  additionalProperties: false,
} as const

export { COMMON as STIX_COMMON_SCHEMA }
