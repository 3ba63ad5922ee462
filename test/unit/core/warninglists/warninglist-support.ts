import { canonicalize, type IocType } from '#shared/domain'
import {
  type Warninglist,
  type WarninglistType,
  parseWarninglist,
} from '#core/warninglists/warninglist-format'

/** A validated list built from entries, as a loaded file would give it. */
export const makeList = (
  type: WarninglistType,
  list: string[],
  extra: Record<string, unknown> = {},
): Warninglist => {
  const parsed = parseWarninglist(`${type}.json`, {
    name: `test ${type}`,
    description: 'test list',
    version: 1,
    type,
    list,
    ...extra,
  })
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => `${e.field} ${e.message}`).join('; '))
  return parsed.list
}

/** The canonical value of a raw indicator, as the matcher is given it. */
export const canon = (type: IocType, raw: string): string => {
  const r = canonicalize(type, raw)
  if (!r.ok) throw new Error(r.reason)
  return r.value
}
