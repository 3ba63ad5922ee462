/**
 * Our JSON Schemas (draft 2020-12) for the STIX 2.1 objects the writer emits, written from the
 * specification's rules (formats.md §3.1), not copied from the OASIS schema repository. They are stricter
 * than the specification where our output can be: `created`/`modified` exactly to the millisecond, every
 * object marked.
 */

const UUID =
  '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}'

export const BASE = 'https://threateye.local/schemas/stix/'

/** `<type>--<RFC 4122 UUID>`, for one type or any. */
export const idOf = (type?: string) => ({
  type: 'string',
  pattern: `^${type ?? '[a-z][a-z0-9-]+[a-z0-9]'}--${UUID}$`,
})

const DATE_TIME =
  '\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])T([01]\\d|2[0-3]):[0-5]\\d:([0-5]\\d|60)'

export const COMMON = {
  $id: `${BASE}common.json`,
  $defs: {
    identifier: idOf(),
    timestamp: { type: 'string', pattern: `^${DATE_TIME}(\\.\\d+)?Z$` },
    timestamp_millis: { type: 'string', pattern: `^${DATE_TIME}\\.\\d{3}Z$` },
    nonEmptyString: { type: 'string', minLength: 1 },
    stringList: {
      type: 'array',
      minItems: 1,
      items: { type: 'string', minLength: 1 },
    },
    externalReference: {
      type: 'object',
      required: ['source_name'],
      properties: {
        source_name: { type: 'string', minLength: 1 },
        description: { type: 'string', minLength: 1 },
        url: { type: 'string', pattern: '^[a-zA-Z][a-zA-Z0-9+.-]*:\\S+$' },
        external_id: { type: 'string', minLength: 1 },
        hashes: { $ref: '#/$defs/hashes' },
      },
      anyOf: [{ required: ['description'] }, { required: ['url'] }, { required: ['external_id'] }],
      allOf: [
        {
          if: { properties: { source_name: { const: 'cve' } } },
          then: {
            required: ['external_id'],
            properties: { external_id: { pattern: '^CVE-\\d{4}-\\d{4,}$' } },
          },
        },
        {
          if: { properties: { source_name: { const: 'mitre-attack' } } },
          then: {
            required: ['external_id'],
            properties: { external_id: { pattern: '^(TA\\d{4}|T\\d{4}(\\.\\d{3})?)$' } },
          },
        },
      ],
      additionalProperties: false,
    },
    hashes: {
      type: 'object',
      minProperties: 1,
      propertyNames: { pattern: '^[A-Za-z0-9_-]{3,250}$' },
      additionalProperties: { type: 'string', minLength: 1 },
      properties: {
        MD5: { pattern: '^[a-fA-F0-9]{32}$' },
        'SHA-1': { pattern: '^[a-fA-F0-9]{40}$' },
        'SHA-256': { pattern: '^[a-fA-F0-9]{64}$' },
        'SHA-512': { pattern: '^[a-fA-F0-9]{128}$' },
      },
    },
    markingRefs: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: idOf('marking-definition'),
    },
    /** Custom properties: lower-case ASCII, digits and underscores, 3 to 250 characters. */
    propertyName: { pattern: '^(id|[a-z0-9_]{3,250})$' },
    /** Every SDO and SRO (type, spec_version 2.1, id, created, modified, and the optional commons). */
    core: {
      type: 'object',
      required: ['type', 'spec_version', 'id', 'created', 'modified', 'object_marking_refs'],
      propertyNames: { $ref: '#/$defs/propertyName' },
      properties: {
        type: { type: 'string', pattern: '^[a-z][a-z0-9-]+[a-z0-9]$' },
        spec_version: { const: '2.1' },
        id: { $ref: '#/$defs/identifier' },
        created_by_ref: idOf('identity'),
        created: { $ref: '#/$defs/timestamp_millis' },
        modified: { $ref: '#/$defs/timestamp_millis' },
        revoked: { type: 'boolean' },
        labels: { $ref: '#/$defs/stringList' },
        confidence: { type: 'integer', minimum: 0, maximum: 100 },
        lang: { type: 'string', minLength: 1 },
        external_references: {
          type: 'array',
          minItems: 1,
          items: { $ref: '#/$defs/externalReference' },
        },
        object_marking_refs: { $ref: '#/$defs/markingRefs' },
        granular_markings: { type: 'array', minItems: 1 },
        extensions: { type: 'object', minProperties: 1 },
      },
    },
    /** Every cyber-observable: type and id, spec_version 2.1 when given, and its marking. */
    sco: {
      type: 'object',
      required: ['type', 'id', 'object_marking_refs'],
      propertyNames: { $ref: '#/$defs/propertyName' },
      properties: {
        spec_version: { const: '2.1' },
        object_marking_refs: { $ref: '#/$defs/markingRefs' },
        defanged: { type: 'boolean' },
        extensions: { type: 'object', minProperties: 1 },
      },
    },
  },
} as const
