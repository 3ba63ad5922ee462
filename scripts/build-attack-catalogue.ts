// `npm run build:attack-catalogue -- <input.json> [output.json]`: turns ATT&CK Enterprise data into the
// compact catalogue the app ships (resources/attack/enterprise-attack.json). The input is either ATT&CK
// facts ({source, tactics, techniques, groups, software}) or MITRE's enterprise-attack STIX bundle
// (github.com/mitre/cti), read through the same importer the app uses. MITRE's notice stays in `source`.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { catalogueFromFacts, type AttackCatalogue } from '#core/attack/attack-catalogue'
import { catalogueFromBundleText } from '#core/attack/attack-bundle'

export const DEFAULT_OUTPUT = join('resources', 'attack', 'enterprise-attack.json')

/** The input's text → the catalogue, whichever of the two shapes it is. */
export const buildCatalogue = (text: string): AttackCatalogue => {
  const doc: unknown = JSON.parse(text)
  const isBundle =
    doc !== null && typeof doc === 'object' && (doc as { type?: unknown }).type === 'bundle'
  return isBundle ? catalogueFromBundleText(text).catalogue : catalogueFromFacts(doc)
}

/** One technique per line: small diffs when MITRE publishes a new version, still a compact file. */
export const serialiseCatalogue = (c: AttackCatalogue): string => {
  const lines = (xs: readonly unknown[]) => xs.map((x) => `    ${JSON.stringify(x)}`).join(',\n')
  return `{
  "format": ${c.format},
  "domain": ${JSON.stringify(c.domain)},
  "version": ${JSON.stringify(c.version)},
  "source": ${JSON.stringify(c.source)},
  "tactics": [
${lines(c.tactics)}
  ],
  "techniques": [
${lines(c.techniques)}
  ],
  "groups": [
${lines(c.groups)}
  ],
  "software": [
${lines(c.software)}
  ]
}
`
}

const main = (): void => {
  const [input, output = DEFAULT_OUTPUT] = process.argv.slice(2)
  if (input === undefined) {
    console.error(
      'usage: npm run build:attack-catalogue -- <attack facts or STIX bundle.json> [out]',
    )
    process.exit(2)
  }
  const catalogue = buildCatalogue(readFileSync(input, 'utf8'))
  writeFileSync(output, serialiseCatalogue(catalogue))
  console.log(
    `${output}: ATT&CK ${catalogue.version}, ${catalogue.tactics.length} tactics, ${catalogue.techniques.length} techniques, ${catalogue.groups.length} groups, ${catalogue.software.length} software`,
  )
}

if (process.argv[1]?.endsWith('build-attack-catalogue.ts')) main()
