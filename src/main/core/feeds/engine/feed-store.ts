import { randomUUID } from 'node:crypto'
import type BetterSqlite3 from 'better-sqlite3'
import type { DataSource } from 'typeorm'
import { AppError } from '#shared/contract/errors'
import type { AUTH_KINDS, FeedCreate, FeedPatch } from '#shared/contract/feeds.contract'
import type { Tlp } from '#shared/domain/enums'
import { FeedEntity } from '#core/db/entities/feed.entity'
import type { FeedFormat } from '../feed-types'
import type { Reliability } from './engine-types'

/** A feed row with its JSON columns parsed. */
export type FeedRecordRow = {
  id: string
  name: string
  format: FeedFormat
  url: string | null
  path: string | null
  schedule: string | null
  enabled: boolean
  authKind: (typeof AUTH_KINDS)[number]
  secretRef: string | null
  defaultTlp: Tlp
  reliability: Reliability
  tags: string[]
  options: Record<string, unknown>
  state: FeedState
  catalogueKey: string | null
  /** The URL or options were set over the HTTP API: every run keeps the API's fetch restriction. */
  urlFromHttp: boolean
  createdAt: string
  updatedAt: string
}

/** Conditional-request and cursor state; only ever replaced after a successful run. */
export type FeedState = {
  etag?: string | null
  lastModified?: string | null
  /** TAXII: `added_after` cursor per "<api root>|<collection id>". */
  taxii?: Record<string, string>
  /** MISP feed: event uuid -> manifest timestamp already imported. */
  misp?: Record<string, number>
}

const parseJson = <T>(s: string, fallback: T): T => {
  try {
    return JSON.parse(s) as T
  } catch {
    return fallback
  }
}

const toRow = (e: FeedEntity): FeedRecordRow => ({
  id: e.id,
  name: e.name,
  format: e.format as FeedFormat,
  url: e.url,
  path: e.path,
  schedule: e.schedule,
  enabled: Boolean(e.enabled),
  authKind: e.authKind as FeedRecordRow['authKind'],
  secretRef: e.secretRef,
  defaultTlp: e.defaultTlp as Tlp,
  reliability: e.reliability as Reliability,
  tags: parseJson<string[]>(e.tags, []),
  options: parseJson<Record<string, unknown>>(e.options, {}),
  state: parseJson<FeedState>(e.state, {}),
  catalogueKey: e.catalogueKey,
  urlFromHttp: Boolean(e.urlFromHttp),
  createdAt: e.createdAt,
  updatedAt: e.updatedAt,
})

export const secretRefOf = (feedId: string): string => `feed:${feedId}:auth`

export type FeedStore = ReturnType<typeof createFeedStore>

/**
 * The feeds table. CRUD through TypeORM (few rows, house style); the state update is a raw statement
 * because it runs inside the run's final better-sqlite3 transaction. Callers queue writes on db.writes.
 */
export const createFeedStore = (dataSource: DataSource, sqlite: BetterSqlite3.Database) => {
  const repo = () => dataSource.getRepository(FeedEntity)
  const readState = sqlite.prepare('SELECT state FROM feeds WHERE id = ?').pluck()
  const writeState = sqlite.prepare('UPDATE feeds SET state = ? WHERE id = ?')

  const nameTaken = async (name: string, exceptId?: string) => {
    const found = await repo()
      .createQueryBuilder('f')
      .where('lower(f.name) = lower(:name)', { name })
      .getOne()
    return found !== null && found.id !== exceptId
  }

  return {
    async list(): Promise<FeedRecordRow[]> {
      return (await repo().find({ order: { name: 'ASC' } })).map(toRow)
    },
    async get(id: string): Promise<FeedRecordRow | null> {
      const e = await repo().findOneBy({ id })
      return e ? toRow(e) : null
    },
    async require(id: string): Promise<FeedRecordRow> {
      const e = await repo().findOneBy({ id })
      if (!e) throw new AppError('not_found', `id: no feed ${id}`)
      return toRow(e)
    },
    async findByName(name: string): Promise<FeedRecordRow | null> {
      const e = await repo()
        .createQueryBuilder('f')
        .where('lower(f.name) = lower(:name)', { name })
        .getOne()
      return e ? toRow(e) : null
    },
    async insert(
      input: Omit<FeedCreate, 'auth'> & {
        authKind: FeedRecordRow['authKind']
        catalogueKey?: string | null
        urlFromHttp: boolean
      },
      now: string,
      id: string = randomUUID(),
    ): Promise<FeedRecordRow> {
      if (await nameTaken(input.name))
        throw new AppError('conflict', `name: a feed named '${input.name}' exists already`)
      const e = repo().create({
        id,
        name: input.name,
        format: input.format,
        url: input.url,
        path: input.path,
        schedule: input.schedule,
        enabled: input.enabled,
        authKind: input.authKind,
        secretRef: input.authKind === 'none' ? null : secretRefOf(id),
        defaultTlp: input.defaultTlp,
        reliability: input.reliability,
        tags: JSON.stringify(input.tags),
        options: JSON.stringify(input.options),
        state: '{}',
        catalogueKey: input.catalogueKey ?? null,
        urlFromHttp: input.urlFromHttp,
        createdAt: now,
        updatedAt: now,
      })
      await repo().insert(e)
      return toRow(e)
    },
    async update(
      current: FeedRecordRow,
      patch: Omit<FeedPatch, 'auth'> & {
        authKind?: FeedRecordRow['authKind']
        urlFromHttp?: boolean
      },
      now: string,
    ): Promise<FeedRecordRow> {
      if (patch.name !== undefined && (await nameTaken(patch.name, current.id))) {
        throw new AppError('conflict', `patch.name: a feed named '${patch.name}' exists already`)
      }
      const next = {
        ...current,
        ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
      }
      if ((next.url === null) === (next.path === null)) {
        throw new AppError('invalid_input', 'patch.url: a feed needs exactly one of url or path')
      }
      // A different source or format makes the saved ETag and cursors meaningless.
      const sourceChanged =
        next.url !== current.url || next.path !== current.path || next.format !== current.format
      await repo().update(
        { id: current.id },
        {
          name: next.name,
          format: next.format,
          url: next.url,
          path: next.path,
          schedule: next.schedule,
          enabled: next.enabled,
          authKind: next.authKind,
          secretRef: next.authKind === 'none' ? null : secretRefOf(current.id),
          defaultTlp: next.defaultTlp,
          reliability: next.reliability,
          tags: JSON.stringify(next.tags),
          options: JSON.stringify(next.options),
          urlFromHttp: next.urlFromHttp,
          ...(sourceChanged ? { state: '{}' } : {}),
          updatedAt: now,
        },
      )
      return (await this.get(current.id)) as FeedRecordRow
    },
    async remove(id: string): Promise<void> {
      await repo().delete({ id })
    },
    /** Synchronous, for the run's final transaction: merges `patch` into the stored state. */
    mergeState(id: string, patch: Partial<FeedState>): void {
      const raw = readState.get(id) as string | undefined
      if (raw === undefined) return
      writeState.run(JSON.stringify({ ...parseJson<FeedState>(raw, {}), ...patch }), id)
    },
  }
}
