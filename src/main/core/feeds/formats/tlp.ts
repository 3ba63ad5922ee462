import { TLP_LEVELS, type Tlp } from '#shared/domain/enums'
import { own } from './parse-support'

/** The fixed STIX marking-definition ids for TLP 1.0 and TLP 2.0 (formats.md §3.1). */
export const STIX_TLP_MARKINGS: Readonly<Record<string, Tlp>> = {
  // TLP 1.0
  'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9': 'clear',
  'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da': 'green',
  'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82': 'amber',
  'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed': 'red',
  // TLP 2.0
  'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487': 'clear',
  'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb': 'green',
  'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421': 'amber',
  'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003': 'amber+strict',
  'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1': 'red',
}

const RANK: Record<Tlp, number> = Object.fromEntries(TLP_LEVELS.map((t, i) => [t, i])) as Record<
  Tlp,
  number
>

/** When a source puts several TLP markings on one thing, the most restrictive one binds. */
export const stricterTlp = (a: Tlp | undefined, b: Tlp | undefined): Tlp | undefined => {
  if (a === undefined) return b
  if (b === undefined) return a
  return RANK[b] > RANK[a] ? b : a
}

const TLP_NAMES: Readonly<Record<string, Tlp>> = {
  white: 'clear',
  clear: 'clear',
  green: 'green',
  amber: 'amber',
  'amber+strict': 'amber+strict',
  red: 'red',
}

/** `tlp:amber`, `TLP:WHITE`, `tlp:amber+strict` (MISP tags, free-text labels) → our TLP; else undefined. */
export const tlpFromTag = (tag: string): Tlp | undefined => {
  if (tag.length > 20 || !/^tlp\s*:/i.test(tag)) return undefined
  return own(
    TLP_NAMES,
    tag
      .slice(tag.indexOf(':') + 1)
      .trim()
      .toLowerCase(),
  )
}

/** A TLP name as written in a STIX marking definition's `definition.tlp` or `name` ("TLP:GREEN"). */
export const tlpFromName = (name: string): Tlp | undefined =>
  own(TLP_NAMES, name.trim().toLowerCase()) ?? tlpFromTag(name)
