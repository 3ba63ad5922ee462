import type { Core } from '#core/create-core'

/** A MISP list.json as text. */
export const listFile = (
  name: string,
  type: string,
  list: unknown[],
  matching?: string[],
  extra: Record<string, unknown> = {},
): { name: string; content: string } => ({
  name: `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}/list.json`,
  content: JSON.stringify({
    name,
    description: `${name} (test)`,
    version: 1,
    type,
    ...(matching === undefined ? {} : { matching_attributes: matching }),
    list,
    ...extra,
  }),
})

/** One list of each kind the engine has, on top of the built-ins (which cover RFC 1918 and the rest). */
export const TEST_LISTS = [
  listFile('Office networks', 'cidr', ['185.199.108.0/22'], ['ip-src', 'ip-dst']),
  listFile('Corp hosts', 'hostname', ['benign-corp.net'], ['domain', 'hostname', 'url']),
  listFile('Tracking links', 'substring', ['utm_source='], ['url']),
  listFile('Update servers', 'regex', ['/^https?:\\/\\/update\\.[a-z]+\\.org\\//i'], ['url']),
]

/** The stored hit count and hits of an indicator, by value. */
export const storedHits = (core: Core, value: string) => {
  const sqlite = core.db.sqlite
  const row = sqlite
    .prepare<
      [string],
      { id: string; warninglist_hits: number; false_positive: number; active: number }
    >('SELECT id, warninglist_hits, false_positive, active FROM indicators WHERE value = ?')
    .get(value)
  if (row === undefined) throw new Error(`no indicator ${value}`)
  const names = new Map(core.warninglists.list().map((l) => [l.id, l.name]))
  const lists = sqlite
    .prepare<[string], { list_id: string; entry: string }>(
      'SELECT list_id, entry FROM indicator_warninglist_hits WHERE indicator_id = ?',
    )
    .all(row.id)
    .map((h) => ({ list_name: names.get(h.list_id) ?? h.list_id, entry: h.entry }))
    .sort((a, b) => a.list_name.localeCompare(b.list_name))
  return {
    id: row.id,
    count: row.warninglist_hits,
    lists,
    falsePositive: row.false_positive === 1,
    active: row.active === 1,
  }
}
