import type { Tlp } from '#shared/domain/enums'

/** Which TLP a bundle speaks: 2.0 (the default, CLEAR and AMBER+STRICT exist) or 1.0 for legacy peers. */
export type TlpVersion = '2.0' | '1.0'

export type StixMarkingDefinition = {
  type: 'marking-definition'
  spec_version: '2.1'
  id: string
  created: string
  name: string
  definition_type?: 'tlp'
  definition?: { tlp: string }
  extensions?: Record<string, { extension_type: 'property-extension'; tlp_2_0: string }>
}

/** The extension every TLP 2.0 marking declares itself through (formats.md §3.1). */
export const TLP2_EXTENSION_ID = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d'

// The marking objects are published ones: their ids, names and `created` are part of the object, and a
// consumer recognises them by id. They are written exactly as published, never minted per bundle.
const TLP2: Readonly<Record<Tlp, { id: string; name: string }>> = {
  clear: { id: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487', name: 'TLP:CLEAR' },
  green: { id: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb', name: 'TLP:GREEN' },
  amber: { id: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421', name: 'TLP:AMBER' },
  'amber+strict': {
    id: 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
    name: 'TLP:AMBER+STRICT',
  },
  red: { id: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1', name: 'TLP:RED' },
}

type Tlp1 = 'white' | 'green' | 'amber' | 'red'

const TLP1: Readonly<Record<Tlp1, string>> = {
  white: 'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9',
  green: 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da',
  amber: 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82',
  red: 'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed',
}

/**
 * TLP 1.0 has no CLEAR (it was WHITE) and no AMBER+STRICT: that one goes down to RED, the 1.0 level that
 * still keeps it inside the recipient's organisation (AMBER would let it reach their clients).
 */
export const TLP1_OF: Readonly<Record<Tlp, Tlp1>> = {
  clear: 'white',
  green: 'green',
  amber: 'amber',
  'amber+strict': 'red',
  red: 'red',
}

/** The id of the marking definition for a TLP level in the chosen TLP version. */
export const tlpMarkingId = (tlp: Tlp, version: TlpVersion): string =>
  version === '2.0' ? TLP2[tlp].id : TLP1[TLP1_OF[tlp]]

/** The marking-definition object for a TLP level, as published. */
export const tlpMarkingObject = (tlp: Tlp, version: TlpVersion): StixMarkingDefinition => {
  if (version === '2.0') {
    const m = TLP2[tlp]
    return {
      type: 'marking-definition',
      spec_version: '2.1',
      id: m.id,
      created: '2022-10-01T00:00:00.000Z',
      name: m.name,
      extensions: {
        [TLP2_EXTENSION_ID]: { extension_type: 'property-extension', tlp_2_0: tlp },
      },
    }
  }
  const level = TLP1_OF[tlp]
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: TLP1[level],
    created: '2017-01-20T00:00:00.000Z',
    definition_type: 'tlp',
    name: `TLP:${level.toUpperCase()}`,
    definition: { tlp: level },
  }
}
