import { describe, expect, it } from 'vitest'
import { entityStixId } from '#core/export/stix/stix-entities'
import { threatEyeFieldsOf } from '#core/export/stix/stix-threateye-props'
import type { IntelEntity } from '#shared/contract/intel.schemas'
import { ACTOR, CAMPAIGN, IMPORTED_SET, MALWARE, REPORT, VULN, fullSet } from './export-set-fixture'
import { exportStix } from './stream-support'

/** Details fields STIX has a standard property for (the rest travel as x_threateye_*). */
const STANDARD: Readonly<Record<IntelEntity['kind'], readonly string[]>> = {
  'threat-actor': ['motivation', 'sophistication'],
  campaign: [],
  vulnerability: ['cveId'],
  malware: ['malwareTypes', 'capabilities', 'isFamily'],
  report: ['summary', 'publishedAt'],
}

describe('the x_threateye_* properties', () => {
  it('carry every entity field STIX has no property for, and read back to the same values', async () => {
    const { bundle } = await exportStix(fullSet())
    const byId = new Map(bundle.objects.map((o) => [o.id, o]))
    for (const e of [ACTOR, IMPORTED_SET, CAMPAIGN, VULN, MALWARE, REPORT]) {
      const sdo = byId.get(entityStixId(e))
      if (sdo === undefined) throw new Error(`no SDO for ${e.name}`)
      const fields = threatEyeFieldsOf(sdo, e.kind)
      const details = e.details as Record<string, unknown>
      // Every value read back is the entity's own.
      expect(details, e.name).toMatchObject(fields.details)
      // Every details field with something in it travels: as a standard property or as ours.
      for (const [k, v] of Object.entries(details)) {
        const empty = v === null || v === '' || v === false || (Array.isArray(v) && v.length === 0)
        if (empty || STANDARD[e.kind].includes(k)) continue
        expect(fields.details, `${e.name}.${k}`).toHaveProperty(k)
      }
      expect(fields.sources).toEqual(e.sources)
    }
    const vuln = threatEyeFieldsOf(byId.get(entityStixId(VULN)) ?? {}, 'vulnerability')
    expect(vuln.name).toBe('Log4Shell')
    const actor = threatEyeFieldsOf(byId.get(entityStixId(IMPORTED_SET)) ?? {}, 'threat-actor')
    // An intrusion set has no threat_actor_types: the type travels as ours.
    expect(actor.details.actorType).toBe('cybercrime')
  })

  it('drop a bad value alone', () => {
    const f = threatEyeFieldsOf(
      {
        x_threateye_origin_country: 'Russia',
        x_threateye_target_countries: ['de'],
        x_threateye_tools: 'not a list',
      },
      'threat-actor',
    )
    expect(f.details).toEqual({ targetCountries: ['DE'] })
  })
})
