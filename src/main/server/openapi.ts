import {
  contract,
  events,
  EVENT_NAMES,
  METHODS,
  RpcErrorSchema,
  type MethodSpec,
} from '#shared/contract'
import { PUBLIC_API_PATHS } from './guards'
import { snakeKey } from './snake-case'
import { mediaType, toJsonSchema, type JsonSchema, type RestRoute } from './rest'

/**
 * Inputs are described as clients write them (defaults make fields optional); outputs as the server sends
 * them. The RPC routes carry the contract's camelCase; the /api/v1 routes their snake_case mapping.
 */
export { toJsonSchema }

const ERROR_REF = { $ref: '#/components/schemas/Error' }
const RPC_ERROR_REF = { $ref: '#/components/schemas/RpcFailure' }
const json = (schema: JsonSchema) => ({ 'application/json': { schema } })

const errorResponses = (schemaRef: JsonSchema) => ({
  '400': { description: 'Invalid input: the message names the field', content: json(schemaRef) },
  '401': { description: 'Missing or wrong bearer token', content: json(schemaRef) },
  '413': { description: 'Request body over the size limit', content: json(schemaRef) },
  '415': { description: 'Unsupported Content-Type', content: json(schemaRef) },
  default: { description: 'Error (`code` says which)', content: json(schemaRef) },
})

const tagOf = (method: string): string => method.slice(0, method.indexOf('.'))

const rpcOperation = (name: string, spec: MethodSpec) => ({
  operationId: name,
  summary: spec.summary,
  tags: [tagOf(name)],
  'x-mutates': spec.mutates,
  requestBody: { required: false, content: json(toJsonSchema(spec.input, 'input')) },
  responses: {
    '200': {
      description: 'The method ran',
      content: json({
        type: 'object',
        required: ['ok', 'value'],
        properties: { ok: { const: true }, value: toJsonSchema(spec.output, 'output') },
      }),
    },
    '404': { description: 'Unknown method', content: json(RPC_ERROR_REF) },
    ...errorResponses(RPC_ERROR_REF),
  },
})

const restOperation = (r: RestRoute) => {
  const spec: MethodSpec = contract[r.method]
  const pathParams = [...r.path.matchAll(/:(\w+)/g)].map((m) => m[1] ?? '')
  const query = r.input
    .queryParams(spec)
    .filter((q) => !pathParams.some((p) => p === q.name || snakeKey(p) === q.name))
  const body = r.input.bodySchema(spec)
  const parameters = [
    ...pathParams.map((name) => ({
      name: snakeKey(name),
      in: 'path',
      required: true,
      schema: { type: 'string' },
    })),
    ...query.map((q) => ({
      name: q.name,
      in: 'query',
      required: false,
      schema: q.schema,
      // Repeated (`?type=ip&type=domain`) or comma-separated (`?type=ip,domain`) both work.
      ...(q.array ? { style: 'form', explode: true } : {}),
    })),
  ]
  const content = Object.fromEntries(
    r.input.accepts.map((kind) => [
      mediaType(kind),
      { schema: kind === 'text' ? { type: 'string' } : (body ?? {}) },
    ]),
  )
  const success =
    r.status === 204
      ? { description: 'Done; no content' }
      : {
          description: 'The result',
          content: json(r.output.schema(spec)),
          ...(r.output.headers ? { headers: r.output.headers.docs } : {}),
        }
  return {
    operationId: `rest.${r.verb.toLowerCase()}.${r.path.replace(/[/:]+/g, '.').replace(/^\.|\.$/g, '')}`,
    summary: spec.summary,
    tags: [tagOf(r.method)],
    description: `Calls \`${r.method}\` (see \`POST /api/rpc/${r.method}\`).`,
    'x-rpc-method': r.method,
    ...(parameters.length ? { parameters } : {}),
    ...(body && r.input.accepts.length ? { requestBody: { required: false, content } } : {}),
    responses: {
      // A create that may merge into an existing record (POST /api/threats) answers 200 then.
      ...(r.output.status && r.status === 201
        ? { '200': { ...success, description: 'Already there: merged into the existing record' } }
        : {}),
      [String(r.status)]: success,
      '404': { description: 'Not found', content: json(ERROR_REF) },
      ...errorResponses(ERROR_REF),
    },
  }
}

export type OpenApiOptions = {
  routes: readonly RestRoute[]
  version: string
  bodyLimit: number
}

/** The whole HTTP surface, generated from the contract so it cannot drift from what the server accepts. */
export const buildOpenApi = (opts: OpenApiOptions): JsonSchema => {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const name of METHODS)
    paths[`/api/rpc/${name}`] = { post: rpcOperation(name, contract[name]) }
  for (const r of opts.routes) {
    const path = r.prefix + r.path.replace(/:(\w+)/g, (_, name: string) => `{${snakeKey(name)}}`)
    paths[path] = { ...paths[path], [r.verb.toLowerCase()]: restOperation(r) }
  }
  paths['/api/events'] = {
    get: {
      operationId: 'events',
      summary:
        'Server-Sent Events: `event: <name>` / `data: <json>`; the token may be given as ?token=',
      tags: ['events'],
      parameters: [{ name: 'token', in: 'query', required: false, schema: { type: 'string' } }],
      responses: {
        '200': {
          description: `Event stream. Events: ${EVENT_NAMES.join(', ')}; payloads in components.schemas (event.<name>)`,
          content: { 'text/event-stream': { schema: { type: 'string' } } },
        },
        '401': { description: 'Missing or wrong token', content: json(ERROR_REF) },
      },
    },
  }
  for (const p of PUBLIC_API_PATHS) {
    paths[p] = {
      get: {
        operationId: `public${p.replace(/\W+/g, '.')}`,
        summary: p.endsWith('.json') ? 'This document' : 'API documentation page',
        tags: ['meta'],
        security: [],
        responses: { '200': { description: 'OK' } },
      },
    }
  }
  const eventSchemas = Object.fromEntries(
    EVENT_NAMES.map((n) => [`event.${n}`, toJsonSchema(events[n], 'output')]),
  )
  const limitMiB = Math.round((opts.bodyLimit / 1024 / 1024) * 10) / 10
  return {
    openapi: '3.1.0',
    info: {
      title: 'ThreatEye local API',
      version: opts.version,
      description:
        'Every contract method is `POST /api/rpc/<method>` with the input as the JSON body, answering ' +
        '`{ ok: true, value }` or `{ ok: false, error: { code, message, details } }`. The `/api/v1` routes ' +
        "are the seed platform's REST API over the same methods: snake_case names (`project_id`, `first_seen`), " +
        'its query parameters (`type_filter`, `active_only`, `limit`, `offset`), lists as bare arrays; their ' +
        'errors are `{ code, message, details }`, `details.field` naming the field in those names. ' +
        `Authenticate with \`Authorization: Bearer <token>\` (\`threateye token\`). Request bodies are limited to ${limitMiB} MiB.`,
    },
    servers: [{ url: '/' }],
    'x-body-limit-bytes': opts.bodyLimit,
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Error: toJsonSchema(RpcErrorSchema, 'output'),
        RpcFailure: {
          type: 'object',
          required: ['ok', 'error'],
          properties: { ok: { const: false }, error: ERROR_REF },
        },
        ...eventSchemas,
      },
    },
    paths,
  }
}
