import { readdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020'
import { describe, expect, it } from 'vitest'
import { fullSet } from './export-set-fixture'
import { exportStix } from './stream-support'

/**
 * The OASIS STIX 2.1 JSON schemas (oasis-open/cti-stix2-json-schemas) are not on npm and may not be copied
 * into this repository, so this test runs when STIX_SCHEMAS_DIR names a checkout's `schemas` directory
 * (the one holding common/, sdos/, sros/, observables/). Our own schemas (stix-bundle.test.ts) always run.
 */
const dir = process.env.STIX_SCHEMAS_DIR

const jsonFiles = (root: string): string[] =>
  readdirSync(root, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? jsonFiles(join(root, e.name))
      : e.name.endsWith('.json')
        ? [join(root, e.name)]
        : [],
  )

const RFC3339 =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i

const loadOfficial = (root: string) => {
  // The official files use keywords of their own (titles, descriptions inside $defs, format names ajv
  // does not know): strict mode would refuse them, so only the validation keywords count.
  const ajv = new Ajv2020({ allErrors: true, strict: false, logger: false })
  ajv.addFormat('date-time', RFC3339)
  ajv.addFormat('uri', (s: string) => URL.canParse(s))
  ajv.addFormat('uri-reference', true)
  ajv.addFormat('regex', (s: string) => {
    try {
      new RegExp(s, 'u')
      return true
    } catch {
      return false
    }
  })
  const byName = new Map<string, string>()
  for (const file of jsonFiles(root)) {
    const schema = JSON.parse(readFileSync(file, 'utf8')) as { $id?: string }
    if (typeof schema.$id !== 'string') continue
    ajv.addSchema(schema)
    byName.set(`${basename(join(file, '..'))}/${basename(file, '.json')}`, schema.$id)
  }
  const schemaFor = (type: string): string => {
    for (const folder of ['sdos', 'sros', 'observables', 'common']) {
      const id = byName.get(`${folder}/${type}`)
      if (id !== undefined) return id
    }
    // Types the specification does not define (our x-threateye-indicator): the common core.
    const core = byName.get('common/core')
    if (core === undefined) throw new Error(`no common/core.json under ${root}`)
    return core
  }
  return { ajv, schemaFor, bundleId: byName.get('common/bundle') }
}

describe('the official OASIS STIX 2.1 schemas', () => {
  it.skipIf(dir === undefined)(
    'validates against the official OASIS schemas (set STIX_SCHEMAS_DIR to run)',
    async () => {
      const { ajv, schemaFor, bundleId } = loadOfficial(dir ?? '')
      for (const tlpVersion of ['2.0', '1.0'] as const) {
        const { bundle } = await exportStix(fullSet(), { tlpVersion, observables: true })
        if (bundleId !== undefined) {
          const validate = ajv.getSchema(bundleId)
          expect(validate?.(bundle), JSON.stringify(validate?.errors)).toBe(true)
        }
        const failures: { id: string; errors: unknown }[] = []
        for (const obj of bundle.objects) {
          const validate = ajv.getSchema(schemaFor(obj.type))
          if (validate === undefined) throw new Error(`schema for ${obj.type} did not compile`)
          if (!validate(obj)) failures.push({ id: obj.id, errors: validate.errors })
        }
        expect(failures).toEqual([])
      }
    },
  )
})

if (dir === undefined) {
  console.info(
    'Skipping the official OASIS STIX 2.1 schema check: set STIX_SCHEMAS_DIR to the schemas/ directory of a checkout of oasis-open/cti-stix2-json-schemas to run it.',
  )
}
