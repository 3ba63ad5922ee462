import { z } from 'zod'
import {
  IntelCreateSchema,
  IntelListItemSchema,
  IntelPatchSchema,
} from '#shared/contract/intel.contract'
import {
  INTEL_DETAILS_SCHEMAS,
  IntelEntitySchema,
  type IntelKind,
} from '#shared/contract/intel.schemas'
import {
  asObject,
  route,
  snakeSchema,
  type InputMapping,
  type OutputMapping,
  type RestRoute,
} from './rest'
import { fromBody, fromParams, fromQuery } from './rest.mappings'
import { fromSnake, snakePath, toSnake } from './snake-case'

/**
 * The seed's intel routes, one collection per kind (`/threat-actors`, `/campaigns`, `/vulnerabilities`,
 * `/malware`, `/reports`), all on the one intel.* contract. The contract's schemas are unions over the
 * kinds; each route renames and documents through its own kind's schema, so `details` keys are snake_case
 * too (`cvss_score`) and the OpenAPI document shows the fields that kind has. Every call names the kind it
 * expects: `GET /malware/<an actor's id>` is a 404, not an actor.
 */

const createOf = (kind: IntelKind) => {
  const option = IntelCreateSchema.options.find((o) => o.shape.kind.value === kind)
  if (option === undefined) throw new Error(`no create schema for ${kind}`)
  return option.omit({ kind: true })
}
const entityOf = (kind: IntelKind) => {
  const option = IntelEntitySchema.options.find((o) => o.shape.kind.value === kind)
  if (option === undefined) throw new Error(`no entity schema for ${kind}`)
  return option
}
const listItemOf = (kind: IntelKind): z.ZodType => {
  const option = IntelListItemSchema.options.find((o) => o.shape.kind.value === kind)
  if (option === undefined) throw new Error(`no list item schema for ${kind}`)
  return option
}

/** Sets the route's kind on whatever the base mapping built. */
const withKind = (kind: IntelKind, base: InputMapping): InputMapping => ({
  ...base,
  build: (parts, spec) => {
    const built = base.build(parts, spec)
    const obj = asObject(built.input)
    return { ...built, input: obj ? { ...obj, kind } : built.input }
  },
  queryParams: (spec) => base.queryParams(spec).filter((p) => p.name !== 'kind'),
})

/** POST /<kind>: the body is the kind's create input, without `kind`. */
const createBody = (kind: IntelKind): InputMapping => {
  const schema = createOf(kind)
  return {
    accepts: ['json'],
    build: (parts) => ({
      input: { ...asObject(fromSnake(schema, parts.body ?? {})), kind },
      skip: 0,
    }),
    requestPath: (path) => snakePath(schema, path),
    bodySchema: () => snakeSchema(schema, 'input'),
    queryParams: () => [],
  }
}

/** PATCH /<kind>/:id: the body is the patch; its `details` are renamed through the kind's details. */
const patchBody = (kind: IntelKind): InputMapping => {
  const details = INTEL_DETAILS_SCHEMAS[kind]
  const documented = IntelPatchSchema.extend({ details: details.partial().optional() })
  return {
    accepts: ['json'],
    build: (parts) => {
      const patch = asObject(fromSnake(IntelPatchSchema, parts.body ?? {})) ?? {}
      if (asObject(patch.details)) patch.details = fromSnake(details, patch.details)
      return { input: { id: parts.params.id, kind, patch }, skip: 0 }
    },
    requestPath: (path) => (path[0] === 'patch' ? snakePath(documented, path.slice(1)) : [...path]),
    bodySchema: () => snakeSchema(documented, 'input'),
    queryParams: () => [],
  }
}

/** POST /reports/:id/publish and /unpublish: the publish switch of intel.update. */
const publishSwitch = (published: boolean): InputMapping => ({
  ...fromParams(),
  build: (parts) => ({
    input: { id: parts.params.id, kind: 'report', patch: { published } },
    skip: 0,
  }),
})

const asKind = (schema: z.ZodType): OutputMapping => ({
  send: (value) => Promise.resolve(toSnake(schema, value)),
  schema: () => snakeSchema(schema, 'output'),
})

const asKindPage = (kind: IntelKind): OutputMapping => {
  const page = z.object({
    items: z.array(listItemOf(kind)),
    nextCursor: z.string().nullable(),
    total: z.number().int(),
  })
  return asKind(page)
}

const COLLECTIONS: readonly [string, IntelKind][] = [
  ['/threat-actors', 'threat-actor'],
  ['/campaigns', 'campaign'],
  ['/vulnerabilities', 'vulnerability'],
  ['/malware', 'malware'],
  ['/reports', 'report'],
]

const collectionRoutes = ([path, kind]: [string, IntelKind]): RestRoute[] => [
  route('GET', path, 'intel.list', withKind(kind, fromQuery()), { output: asKindPage(kind) }),
  route('POST', path, 'intel.create', createBody(kind), {
    status: 201,
    output: asKind(entityOf(kind)),
  }),
  route('GET', `${path}/:id`, 'intel.get', withKind(kind, fromParams()), {
    output: asKind(entityOf(kind)),
  }),
  route('PATCH', `${path}/:id`, 'intel.update', patchBody(kind), {
    output: asKind(entityOf(kind)),
  }),
  route('DELETE', `${path}/:id`, 'intel.delete', withKind(kind, fromParams()), { status: 204 }),
  route('GET', `${path}/:id/indicators`, 'intel.linkedIndicators', fromQuery()),
]

export const INTEL_REST_ROUTES: readonly RestRoute[] = [
  ...COLLECTIONS.flatMap(collectionRoutes),
  route('POST', '/reports/:id/publish', 'intel.update', publishSwitch(true), {
    output: asKind(entityOf('report')),
  }),
  route('POST', '/reports/:id/unpublish', 'intel.update', publishSwitch(false), {
    output: asKind(entityOf('report')),
  }),
  route('GET', '/reports/:reportId/objects', 'intel.reportObjects', fromQuery()),
  route('POST', '/reports/:reportId/objects', 'intel.attachToReport', fromBody()),
  route('POST', '/reports/:reportId/objects/detach', 'intel.detachFromReport', fromBody()),
  route('GET', '/relationships', 'intel.listRelationships', fromQuery()),
  // 201 for a new edge, 200 when it merged into the same edge said before.
  route('POST', '/relationships', 'intel.createRelationship', fromBody(), {
    status: 201,
    output: {
      send: (value, spec) => Promise.resolve(toSnake(spec.output, value)),
      schema: (spec) => snakeSchema(spec.output, 'output'),
      status: (value) => (asObject(value)?.created === true ? 201 : 200),
    },
  }),
  route('DELETE', '/relationships/:id', 'intel.deleteRelationship', fromParams(), {
    status: 204,
  }),
  route('GET', '/intel/search', 'intel.searchObjects', fromQuery()),
  route('GET', '/intel/:ref/neighbours', 'intel.neighbours', fromQuery()),
  route('GET', '/indicators/:indicatorId/intel', 'intel.forIndicator', fromQuery()),
]
