import { Ajv2020, type ErrorObject } from 'ajv/dist/2020'
import { MISP_TYPES } from './misp-mapping'

/**
 * Our JSON Schema (draft 2020-12) for the MISP event we write, from MISP's core format (formats.md §3.3):
 * the fields MISP requires and their string encodings, closed lists where MISP's are closed (levels,
 * distributions, categories), and the shapes of tags, galaxies and event reports.
 */

const UUID = '^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'
const EPOCH = { type: 'string', pattern: '^\\d{1,12}$' }
const MISP_SEEN = {
  type: 'string',
  pattern: '^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}\\+00:00$',
}

/** MISP's categories (a closed list in MISP's model). */
const CATEGORIES = [
  'Internal reference',
  'Targeting data',
  'Antivirus detection',
  'Payload delivery',
  'Artifacts dropped',
  'Payload installation',
  'Persistence mechanism',
  'Network activity',
  'Payload type',
  'Attribution',
  'External analysis',
  'Financial fraud',
  'Support Tool',
  'Social network',
  'Person',
  'Other',
]

const TAG = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 255 },
    colour: { type: 'string', pattern: '^#[0-9a-fA-F]{6}$' },
    exportable: { type: 'boolean' },
  },
  additionalProperties: false,
}

const CLUSTER = {
  type: 'object',
  required: ['uuid', 'type', 'value', 'tag_name', 'meta'],
  properties: {
    uuid: { type: 'string', pattern: UUID },
    type: { type: 'string', minLength: 1 },
    value: { type: 'string', minLength: 1 },
    tag_name: { type: 'string', pattern: '^misp-galaxy:[a-z0-9-]+=".+"$' },
    description: { type: 'string' },
    source: { type: 'string' },
    authors: { type: 'array', items: { type: 'string' } },
    meta: {
      type: 'object',
      additionalProperties: { type: 'array', minItems: 1, items: { type: 'string' } },
    },
    GalaxyClusterRelation: {
      type: 'array',
      items: {
        type: 'object',
        required: [
          'galaxy_cluster_uuid',
          'referenced_galaxy_cluster_uuid',
          'referenced_galaxy_cluster_type',
        ],
        properties: {
          galaxy_cluster_uuid: { type: 'string', pattern: UUID },
          referenced_galaxy_cluster_uuid: { type: 'string', pattern: UUID },
          referenced_galaxy_cluster_type: { type: 'string', pattern: '^[a-z0-9-]+$' },
        },
      },
    },
  },
  additionalProperties: false,
}

const GALAXY = {
  type: 'object',
  required: ['uuid', 'name', 'type', 'GalaxyCluster'],
  properties: {
    uuid: { type: 'string', pattern: UUID },
    GalaxyCluster: { type: 'array', minItems: 1, items: CLUSTER },
  },
}

const ATTRIBUTE = {
  type: 'object',
  required: ['uuid', 'type', 'category', 'value', 'to_ids', 'distribution', 'timestamp', 'deleted'],
  properties: {
    uuid: { type: 'string', pattern: UUID },
    type: {
      enum: [...new Set([...Object.values(MISP_TYPES).map((t) => t.type), 'campaign-name'])],
    },
    category: { enum: CATEGORIES },
    value: { type: 'string', minLength: 1 },
    to_ids: { type: 'boolean' },
    distribution: { enum: ['0', '1', '2', '3', '4', '5'] },
    timestamp: EPOCH,
    deleted: { type: 'boolean' },
    comment: { type: 'string' },
    first_seen: MISP_SEEN,
    last_seen: MISP_SEEN,
    Tag: { type: 'array', items: TAG },
    Galaxy: { type: 'array', items: GALAXY },
  },
  additionalProperties: false,
}

export const MISP_EVENT_SCHEMA = {
  $id: 'https://threateye.local/schemas/misp/event.json',
  type: 'object',
  required: ['Event'],
  additionalProperties: false,
  properties: {
    Event: {
      type: 'object',
      required: [
        'uuid',
        'info',
        'date',
        'threat_level_id',
        'analysis',
        'distribution',
        'timestamp',
        'published',
        'Orgc',
        'Attribute',
      ],
      properties: {
        uuid: { type: 'string', pattern: UUID },
        info: { type: 'string', minLength: 1, maxLength: 256, pattern: '^[^\\n\\r]*$' },
        date: { type: 'string', pattern: '^\\d{4}-\\d\\d-\\d\\d$' },
        threat_level_id: { enum: ['1', '2', '3', '4'] },
        analysis: { enum: ['0', '1', '2'] },
        distribution: { enum: ['0', '1', '2', '3', '4'] },
        timestamp: EPOCH,
        publish_timestamp: EPOCH,
        published: { type: 'boolean' },
        Orgc: {
          type: 'object',
          required: ['uuid', 'name'],
          properties: {
            uuid: { type: 'string', pattern: UUID },
            name: { type: 'string', minLength: 1 },
          },
        },
        Tag: { type: 'array', items: TAG },
        Attribute: { type: 'array', items: ATTRIBUTE },
        Object: { type: 'array' },
        Galaxy: { type: 'array', items: GALAXY },
        EventReport: {
          type: 'array',
          items: {
            type: 'object',
            required: ['uuid', 'name', 'content', 'distribution', 'timestamp', 'deleted'],
            properties: {
              uuid: { type: 'string', pattern: UUID },
              name: { type: 'string', minLength: 1 },
              content: { type: 'string' },
              distribution: { enum: ['0', '1', '2', '3', '4', '5'] },
            },
          },
        },
      },
      additionalProperties: false,
    },
  },
} as const

/** Checks a written MISP event against MISP_EVENT_SCHEMA; the errors name the path. */
export const createMispEventValidator = () => {
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    strictTypes: false,
    strictRequired: false,
  })
  const validate = ajv.compile(MISP_EVENT_SCHEMA)
  const describe = (errors: ErrorObject[] | null | undefined) =>
    (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`)
  return (doc: unknown): { ok: true } | { ok: false; errors: string[] } =>
    validate(doc) ? { ok: true } : { ok: false, errors: describe(validate.errors) }
}
