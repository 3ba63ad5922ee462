import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020'
import { STIX_BUNDLE_SCHEMA, STIX_COMMON_SCHEMA, STIX_OBJECT_SCHEMAS } from './stix-objects.schema'

export type StixValidation = { ok: true } | { ok: false; errors: string[] }

const describe = (errors: ErrorObject[] | null | undefined): string[] =>
  (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`)

/**
 * Checks emitted STIX objects against our schemas (./stix-objects.schema.ts). An object of a type we have
 * no schema for is an error: the writer emits only types it has a schema for.
 */
export const createStixValidator = () => {
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    strictTypes: false,
    strictRequired: false,
  })
  ajv.addSchema(STIX_COMMON_SCHEMA)
  const byType = new Map<string, ValidateFunction>()
  for (const [type, schema] of Object.entries(STIX_OBJECT_SCHEMAS)) {
    byType.set(type, ajv.compile(schema))
  }
  const bundle = ajv.compile(STIX_BUNDLE_SCHEMA)
  return {
    types: [...byType.keys()],
    object(obj: unknown): StixValidation {
      const type =
        typeof obj === 'object' && obj !== null && 'type' in obj ? String(obj.type) : '(none)'
      const validate = byType.get(type)
      if (validate === undefined) return { ok: false, errors: [`no schema for type ${type}`] }
      return validate(obj) ? { ok: true } : { ok: false, errors: describe(validate.errors) }
    },
    bundle(doc: unknown): StixValidation {
      return bundle(doc) ? { ok: true } : { ok: false, errors: describe(bundle.errors) }
    },
  }
}
