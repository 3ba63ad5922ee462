import type { WarninglistDto } from '#shared/contract/warninglists.contract'
import type { IocType } from '#shared/domain'
import type { Logger } from '../platform/logger'
import { type Warninglist, parseWarninglistText } from './warninglist-format'
import { createWarninglistMatcher, type WarninglistMatcher } from './warninglist-matcher'
import type { WarninglistsRepository } from './warninglists.repository'

/** One list as the core knows it: its content, where it came from and whether it is on. */
export type ListState = {
  id: string
  source: 'builtin' | 'imported'
  list: Warninglist
  enabled: boolean
  updatedAt: string | null
}

/** The enabled lists compiled once; `idOf` names a hit's list as the hits table does. */
export type CompiledLists = {
  lists: readonly ListState[]
  matcher: WarninglistMatcher
  idOf: ReadonlyMap<Warninglist, ListState>
}

/** A hit as it is stored and shown. */
export type NamedHit = { listId: string; listName: string; entry: string }

/** `builtin:<file without .json>`: stable across versions of the app, unlike a list's name. */
export const builtinId = (file: string): string =>
  `builtin:${file.replace(/\/list\.json$|\.json$/, '').replace(/[^A-Za-z0-9._-]+/g, '-')}`

export const toDto = (s: ListState): WarninglistDto => ({
  id: s.id,
  name: s.list.name,
  description: s.list.description,
  version: s.list.version,
  type: s.list.type,
  category: s.list.category,
  matchingAttributes: s.list.matchingAttributes,
  appliesTo: [...s.list.appliesTo],
  source: s.source,
  enabled: s.enabled,
  entryCount: s.list.entries.length,
  updatedAt: s.updatedAt,
})

/** An imported list's content as stored: the MISP format, with the entries already normalised. */
export const storedContent = (l: Warninglist): string =>
  JSON.stringify({
    name: l.name,
    description: l.description,
    version: l.version,
    type: l.type,
    category: l.category,
    ...(l.matchingAttributes === null ? {} : { matching_attributes: l.matchingAttributes }),
    list: l.entries,
  })

/**
 * The lists of one core: the built-ins (read once from the app's files) and whatever the database holds
 * (imported lists, switched states). Compiled lazily and again only when the database's lists changed,
 * which `signature` detects for writes by another process (a CLI import) too.
 */
export const createWarninglistState = (deps: {
  repo: WarninglistsRepository
  builtins: readonly Warninglist[]
  logger: Logger
}) => {
  const { repo, logger } = deps
  let compiled: CompiledLists | null = null
  let seen = ''
  // Imported lists parsed once per stored version (the id and updated_at say which).
  const parsedCache = new Map<string, { at: string; list: Warninglist }>()

  const load = (): ListState[] => {
    const rows = new Map(repo.all().map((r) => [r.id, r]))
    const out: ListState[] = deps.builtins.map((list) => {
      const id = builtinId(list.file)
      const row = rows.get(id)
      return {
        id,
        source: 'builtin',
        list,
        enabled: row === undefined ? true : row.enabled === 1,
        updatedAt: row?.updated_at ?? null,
      }
    })
    for (const row of rows.values()) {
      if (row.source !== 'imported') continue
      let cached = parsedCache.get(row.id)
      if (cached === undefined || cached.at !== row.updated_at) {
        const parsed = parseWarninglistText(row.name, repo.content(row.id) ?? '')
        if (!parsed.ok) {
          // Stored content was validated on import: only a hand-edited database gets here.
          logger.warn('a stored warninglist no longer parses; it is skipped', {
            id: row.id,
            errors: parsed.errors.slice(0, 3),
          })
          continue
        }
        cached = { at: row.updated_at, list: parsed.list }
        parsedCache.set(row.id, cached)
      }
      out.push({
        id: row.id,
        source: 'imported',
        list: cached.list,
        enabled: row.enabled === 1,
        updatedAt: row.updated_at,
      })
    }
    for (const id of parsedCache.keys()) if (!rows.has(id)) parsedCache.delete(id)
    return out
  }

  const current = (): CompiledLists => {
    const sig = repo.signature()
    if (compiled !== null && sig === seen) return compiled
    const lists = load()
    const enabled = lists.filter((l) => l.enabled)
    compiled = {
      lists,
      matcher: createWarninglistMatcher(enabled.map((l) => l.list)),
      idOf: new Map(enabled.map((l) => [l.list, l])),
    }
    seen = sig
    return compiled
  }

  return {
    /** The lists and the matcher of the enabled ones, up to date with the database. */
    current,
    /** After this core's own writes (their timestamps may equal the last ones under a fixed clock). */
    invalidate: () => {
      compiled = null
      parsedCache.clear()
    },
    /** The enabled lists a canonical value hits, named. */
    match: (c: CompiledLists, type: IocType, value: string): NamedHit[] =>
      c.matcher.match(type, value).map((h) => ({
        listId: c.idOf.get(h.list)?.id ?? '',
        listName: h.list.name,
        entry: h.entry,
      })),
  }
}

export type WarninglistState = ReturnType<typeof createWarninglistState>
