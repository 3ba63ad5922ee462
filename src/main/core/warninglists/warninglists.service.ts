import { randomUUID } from 'node:crypto'
import { AppError } from '#shared/contract/errors'
import type { WarninglistDto, WarninglistIssueDto } from '#shared/contract/warninglists.contract'
import { parseIndicator, type IocType } from '#shared/domain'
import type { ChangeCaller } from '../audit/change-caller'
import { createAllowlistRepository } from '../allowlist/allowlist.repository'
import type { CoreContext } from '../core-context'
import { indicatorId } from '../indicators/indicator-id.node'
import {
  rescanWarninglistHits,
  type RescanControl,
  type RescanReport,
} from '../jobs/warninglists-rescan'
import { type Warninglist, parseWarninglistText } from './warninglist-format'
import {
  type WarninglistFile,
  loadBuiltinWarninglists,
  readWarninglistFolder,
} from './warninglist-loader'
import { createIngestScreen, type IngestScreen } from './ingest-screen'
import {
  type ListState,
  type NamedHit,
  createWarninglistState,
  storedContent,
  toDto,
} from './warninglist-state'
import { createWarninglistsRepository, type StoredHit } from './warninglists.repository'

/** Issues listed in an import's answer (each file's own are capped by the parser already). */
const MAX_LISTED_ISSUES = 500
/** The version column is a 32-bit integer on both databases. */
const MAX_VERSION = 2_147_483_647

export type ImportResult = {
  imported: WarninglistDto[]
  errors: WarninglistIssueDto[]
  issues: WarninglistIssueDto[]
}

export type CheckResult = {
  value: string
  type: IocType | null
  canonical: string | null
  hits: NamedHit[]
  allowlisted: boolean
  reason?: string
}

type Deps = Pick<CoreContext, 'db' | 'clock' | 'events' | 'logger' | 'changes'>

/** The built-in lists, read from the app's files; a broken install logs and runs without them. */
const loadBuiltins = async (deps: Deps): Promise<Warninglist[]> => {
  try {
    const loaded = await loadBuiltinWarninglists()
    if (loaded.errors.length > 0 || loaded.issues.length > 0) {
      deps.logger.warn('built-in warninglists have problems', {
        errors: loaded.errors.slice(0, 5),
        issues: loaded.issues.slice(0, 5),
      })
    }
    return loaded.lists
  } catch (e) {
    deps.logger.error('built-in warninglists not loaded', { error: e })
    return []
  }
}

/**
 * The warninglists of a core: the built-ins and the imported lists, their enabled state, the compiled
 * matcher of the enabled ones (shared with ingest through `screen`), on-demand checks, the hits stored on
 * an indicator, and the rescan job. Every change is one write-queue job and one transaction with its
 * change-log entry.
 */
export const createWarninglistsService = async (deps: Deps) => {
  const { db, clock, events, changes } = deps
  const sqlite = db.sqlite
  const repo = createWarninglistsRepository(sqlite)
  const allowlist = createAllowlistRepository(sqlite)
  const state = createWarninglistState({
    repo,
    builtins: await loadBuiltins(deps),
    logger: deps.logger,
  })
  const screen: IngestScreen = createIngestScreen({ state, allowlist })
  const nowIso = () => clock.now().toISOString()

  const mustGet = (id: string): ListState => {
    const found = state.current().lists.find((l) => l.id === id)
    if (found === undefined) {
      throw new AppError('not_found', `id: no warninglist has id ${id}`, { field: 'id', id })
    }
    return found
  }

  const dtoOf = (id: string): WarninglistDto => toDto(mustGet(id))

  /** Drops a list's hits off the indicators (a list turned off, removed or replaced). */
  const dropHits = (listId: string): number => repo.dropHitsOf(listId)

  const afterListChange = (dropped: number) => {
    state.invalidate()
    if (dropped > 0) events.emit('indicators.onDidChange', { kind: 'bulk' })
  }

  const setEnabled = (id: string, enabled: boolean, by: ChangeCaller): Promise<WarninglistDto> =>
    db.writes.run('warninglists.setEnabled', () => {
      const s = mustGet(id)
      if (s.enabled === enabled) return toDto(s)
      const now = nowIso()
      let dropped = 0
      sqlite.transaction(() => {
        if (s.source === 'builtin') {
          const l = s.list
          repo.upsert({
            id,
            name: l.name,
            source: 'builtin',
            enabled,
            description: l.description,
            version: Math.min(l.version, MAX_VERSION),
            type: l.type,
            category: l.category,
            matching_attributes:
              l.matchingAttributes === null ? null : JSON.stringify(l.matchingAttributes),
            entry_count: l.entries.length,
            content: null,
            created_at: repo.get(id)?.created_at ?? now,
            updated_at: now,
          })
        } else repo.setEnabled(id, enabled, now)
        if (!enabled) dropped = dropHits(id)
        changes.record(by, {
          entity: 'warninglist',
          entityId: id,
          operation: 'update',
          changes: { name: s.list.name, enabled: { before: s.enabled, after: enabled }, dropped },
        })
      })()
      afterListChange(dropped)
      return dtoOf(id)
    })

  /** Validates every file first (off the write queue), then stores the good ones in one transaction. */
  const importFiles = async (
    files: readonly WarninglistFile[],
    by: ChangeCaller,
    errors: WarninglistIssueDto[] = [],
  ): Promise<ImportResult> => {
    const issues: WarninglistIssueDto[] = []
    const builtinNames = new Set(
      state
        .current()
        .lists.filter((l) => l.source === 'builtin')
        .map((l) => l.list.name),
    )
    const good: Warninglist[] = []
    const names = new Set<string>()
    for (const f of files) {
      const parsed = parseWarninglistText(f.name, f.content)
      if (!parsed.ok) {
        errors.push(...parsed.errors)
        continue
      }
      const l = parsed.list
      const refuse = (field: string, message: string) =>
        errors.push({ file: f.name, field, message })
      if (l.version > MAX_VERSION) refuse('version', `${l.version} is larger than ${MAX_VERSION}`)
      else if (builtinNames.has(l.name))
        refuse('name', `${JSON.stringify(l.name)} is the name of a built-in list`)
      else if (names.has(l.name))
        refuse(
          'name',
          `${JSON.stringify(l.name)} is already the name of another file in this import`,
        )
      else {
        names.add(l.name)
        good.push(l)
        for (const i of parsed.issues) if (issues.length < MAX_LISTED_ISSUES) issues.push(i)
      }
    }
    if (good.length === 0) return { imported: [], errors, issues }
    const ids = await db.writes.run('warninglists.import', () => {
      const now = nowIso()
      let dropped = 0
      const written = sqlite.transaction(() =>
        good.map((l) => {
          const existing = repo.getByName(l.name)
          const id = existing?.id ?? randomUUID()
          // A new version of a list replaces the old one's hits: the next rescan finds the new ones.
          if (existing !== undefined) dropped += dropHits(id)
          repo.upsert({
            id,
            name: l.name,
            source: 'imported',
            enabled: existing === undefined ? true : existing.enabled === 1,
            description: l.description,
            version: l.version,
            type: l.type,
            category: l.category,
            matching_attributes:
              l.matchingAttributes === null ? null : JSON.stringify(l.matchingAttributes),
            entry_count: l.entries.length,
            content: storedContent(l),
            created_at: existing?.created_at ?? now,
            updated_at: now,
          })
          changes.record(by, {
            entity: 'warninglist',
            entityId: id,
            operation: 'import',
            changes: {
              name: l.name,
              file: l.file,
              version: l.version,
              type: l.type,
              entries: l.entries.length,
              replaced: existing !== undefined,
            },
          })
          return id
        }),
      )()
      afterListChange(dropped)
      return written
    })
    return { imported: ids.map(dtoOf), errors, issues }
  }

  const remove = (id: string, by: ChangeCaller): Promise<{ ok: true }> =>
    db.writes.run('warninglists.remove', () => {
      const s = mustGet(id)
      if (s.source === 'builtin') {
        throw new AppError(
          'invalid_input',
          `id: ${id} is a built-in list; built-in lists can be disabled, not removed`,
          { field: 'id', id },
        )
      }
      let dropped = 0
      sqlite.transaction(() => {
        dropped = dropHits(id)
        repo.remove(id)
        changes.record(by, {
          entity: 'warninglist',
          entityId: id,
          operation: 'delete',
          changes: { name: s.list.name, dropped },
        })
      })()
      afterListChange(dropped)
      return { ok: true as const }
    })

  const check = (items: readonly { type?: IocType; value: string }[]): CheckResult[] => {
    const compiled = state.current()
    return items.map(({ type, value }) => {
      const parsed = parseIndicator(value, type)
      if (!parsed.ok) {
        return {
          value,
          type: null,
          canonical: null,
          hits: [],
          allowlisted: false,
          reason: parsed.reason,
        }
      }
      return {
        value,
        type: parsed.type,
        canonical: parsed.value,
        hits: state.match(compiled, parsed.type, parsed.value),
        allowlisted: allowlist.get(indicatorId(parsed.type, parsed.value)) !== undefined,
      }
    })
  }

  const indicatorExists = sqlite
    .prepare<[string], number>('SELECT 1 FROM indicators WHERE id = ?')
    .pluck()
  const hitsOf = (
    id: string,
  ): { hits: (StoredHit & { listName: string })[]; allowlisted: boolean } => {
    if (indicatorExists.get(id) === undefined) {
      throw new AppError('not_found', `id: no indicator has id ${id}`, { field: 'id', id })
    }
    // A stored hit's list is known (turning a list off or removing it drops its hits): it has a name.
    const names = new Map(state.current().lists.map((l) => [l.id, l.list.name]))
    const hits = repo
      .hitsOf(id)
      .map((h) => ({ ...h, listName: names.get(h.listId) ?? h.listId }))
      .sort((a, b) => a.listName.localeCompare(b.listName))
    // The allowlist's id is the indicator id of the same (type, value).
    return { hits, allowlisted: allowlist.get(id) !== undefined }
  }

  const rescan = (job: RescanControl, by: ChangeCaller): Promise<RescanReport> => {
    const compiled = state.current()
    return rescanWarninglistHits(deps, (type, value) => state.match(compiled, type, value), job, by)
  }

  return {
    screen,
    list: (): WarninglistDto[] => state.current().lists.map(toDto),
    setEnabled,
    importFiles,
    importFolder: async (dir: string, by: ChangeCaller): Promise<ImportResult> => {
      const read = await readWarninglistFolder(dir)
      if (read.files.length === 0 && read.errors.length === 0) {
        throw new AppError(
          'invalid_input',
          `${dir} holds no warninglists (*.json files, or <name>/list.json as in the MISP repository)`,
          { field: 'dir' },
        )
      }
      return importFiles(read.files, by, read.errors)
    },
    remove,
    check,
    hitsOf,
    rescan,
  }
}

export type WarninglistsService = Awaited<ReturnType<typeof createWarninglistsService>>
