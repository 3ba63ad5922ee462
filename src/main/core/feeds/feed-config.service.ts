import { randomUUID } from 'node:crypto'
import { AppError } from '#shared/contract/errors'
import type {
  CatalogueEntry,
  Feed,
  FeedAuthInput,
  FeedCreate,
  FeedPatch,
} from '#shared/contract/feeds.contract'
import { CORE_CALLER, type ChangeCaller } from '../audit/change-caller'
import { fieldDiff } from '../audit/change-log-writer'
import type { CoreContext } from '../core-context'
import { catalogue } from './catalogue'
import { scrubberFor } from './engine/secret-scrub'
import { feedConfigForLog } from './feed-audit'
import { secretRefOf, type FeedRecordRow, type FeedStore } from './engine/feed-store'
import type { FeedFormat } from './feed-types'
import type { FeedRunsService } from './feed-runs.service'

export type FeedConfigService = ReturnType<typeof createFeedConfigService>

/** A TAXII feed's `options.apiRoot`: a second URL the feed fetches. */
const apiRootOf = (options: Record<string, unknown> | undefined): string | undefined =>
  typeof options?.apiRoot === 'string' ? options.apiRoot : undefined

/** Where a feed's stored credentials may be sent: its URL's origin and the origins its options name. */
const credentialTargets = (
  url: string | null,
  options: Record<string, unknown> | undefined,
): Set<string> => {
  const out = new Set<string>()
  if (url === null) return out
  try {
    out.add(new URL(url).origin)
  } catch {
    return out
  }
  const more = options?.credentialOrigins
  if (Array.isArray(more)) for (const o of more) if (typeof o === 'string') out.add(o)
  return out
}

/**
 * Credentials were given for the origins the feed had then. A change that would send them somewhere new
 * (another URL origin, more credentialOrigins) must give them again: otherwise anyone who may edit a feed
 * (an API token, a script in the page) could point it at their own server and collect the key.
 */
const refuseCredentialMove = (
  current: FeedRecordRow,
  patch: Omit<FeedPatch, 'auth'>,
  auth: FeedPatch['auth'],
): void => {
  if (auth !== undefined || current.authKind === 'none') return
  if (patch.url === undefined && patch.options === undefined) return
  const before = credentialTargets(current.url, current.options)
  const after = credentialTargets(
    patch.url === undefined ? current.url : patch.url,
    patch.options ?? current.options,
  )
  const added = [...after].filter((o) => !before.has(o))
  if (added.length === 0) return
  throw new AppError(
    'invalid_input',
    `patch.auth: the feed's stored credentials were given for ${[...before].join(', ')}; to send ` +
      `them to ${added.join(', ')}, give them again (or remove them with auth: null)`,
    { field: 'patch.auth' },
  )
}

/**
 * Whether a feed keeps the API's fetch restriction after a change: an API caller that sets the URL or the
 * options (which may name more URLs) makes it restricted; the user setting the URL in the app or the CLI
 * makes it theirs again; other changes keep what it was.
 */
const urlFromHttpAfter = (
  current: FeedRecordRow,
  patch: Omit<FeedPatch, 'auth'>,
  by: ChangeCaller,
): boolean => {
  if (by.transport === 'http')
    return current.urlFromHttp || patch.url !== undefined || patch.options !== undefined
  return patch.url !== undefined && patch.url !== null ? false : current.urlFromHttp
}

/**
 * Feed configuration: create, change, delete and list feeds (secrets in ctx.secrets, never in the DB or
 * any output), and the catalogue of built-in feeds. What it shows of runs comes from the runs service.
 */
export const createFeedConfigService = (
  ctx: CoreContext,
  feeds: FeedStore,
  runs: FeedRunsService,
) => {
  const now = () => ctx.clock.now().toISOString()

  const present = (f: FeedRecordRow): Feed => ({
    id: f.id,
    name: f.name,
    format: f.format,
    url: f.url,
    path: f.path,
    schedule: f.schedule,
    enabled: f.enabled,
    hasAuth: f.authKind !== 'none',
    authKind: f.authKind,
    defaultTlp: f.defaultTlp,
    reliability: f.reliability,
    tags: f.tags,
    options: f.options,
    catalogueKey: f.catalogueKey,
    running: runs.activeRunOf(f.id) !== undefined,
    nextRunAt: f.enabled ? runs.nextRunAt(f.id) : null,
    lastRun: runs.lastOfFeed(f.id),
    createdAt: f.createdAt,
    updatedAt: f.updatedAt,
  })

  const storeAuth = async (id: string, auth: FeedAuthInput | null | undefined) => {
    if (auth === undefined) return
    if (auth === null) await ctx.secrets.delete(secretRefOf(id))
    else await ctx.secrets.set(secretRefOf(id), JSON.stringify(auth))
  }

  const checkSource = (
    f: { format: FeedFormat; url: string | null; path: string | null },
    field = 'url',
  ) => {
    if (f.format === 'taxii' && !f.url)
      throw new AppError(
        'invalid_input',
        `${field}: a TAXII feed needs the discovery or API root URL`,
      )
  }

  const create = async (
    input: FeedCreate,
    by: ChangeCaller,
    catalogueKey: string | null = null,
  ): Promise<Feed> => {
    checkSource(input)
    await runs.refuseForbiddenUrls(by, [input.url, apiRootOf(input.options)])
    const id = randomUUID()
    await storeAuth(id, input.auth)
    try {
      const row = await ctx.db.writes.run('feeds.create', () =>
        ctx.db.dataSource.transaction(async () => {
          const inserted = await feeds.insert(
            {
              ...input,
              authKind: input.auth?.kind ?? 'none',
              catalogueKey,
              urlFromHttp: by.transport === 'http',
            },
            now(),
            id,
          )
          ctx.changes.record(by, {
            entity: 'feed',
            entityId: id,
            operation: 'create',
            changes: feedConfigForLog(inserted, scrubberFor(input.auth ?? undefined)),
          })
          return inserted
        }),
      )
      await runs.resync()
      ctx.events.emit('feeds.onDidChange', { kind: 'created', id })
      return present(row)
    } catch (e) {
      if (input.auth) await ctx.secrets.delete(secretRefOf(id))
      throw e
    }
  }

  const catalogueEntries = async (): Promise<CatalogueEntry[]> => {
    const added = new Set((await feeds.list()).map((f) => f.catalogueKey).filter(Boolean))
    return catalogue.map((c) => ({
      key: c.key,
      name: c.name,
      format: c.format,
      url: c.url,
      description: c.description,
      defaultTlp: c.defaultTlp,
      reliability: c.reliability,
      schedule: c.schedule ?? null,
      needsAuthKey: c.needsAuthKey === true,
      needsConfiguration: c.needsConfiguration === true,
      homepage: c.homepage,
      added: added.has(c.key),
    }))
  }

  return {
    list: async () => (await feeds.list()).map(present),
    get: async (id: string) => present(await feeds.require(id)),
    create: (input: FeedCreate, by: ChangeCaller = CORE_CALLER) => create(input, by),
    async update(id: string, patch: FeedPatch, by: ChangeCaller = CORE_CALLER): Promise<Feed> {
      const current = await feeds.require(id)
      const { auth, ...rest } = patch
      checkSource(
        {
          format: rest.format ?? current.format,
          url: rest.url ?? current.url,
          path: rest.path ?? current.path,
        },
        'patch.url',
      )
      refuseCredentialMove(current, rest, auth)
      await runs.refuseForbiddenUrls(by, [rest.url, apiRootOf(rest.options)])
      await storeAuth(id, auth)
      const authKind = auth === undefined ? undefined : (auth?.kind ?? 'none')
      const scrub = scrubberFor(auth ?? (await runs.readAuth(current).catch(() => undefined)))
      const row = await ctx.db.writes.run('feeds.update', () =>
        ctx.db.dataSource.transaction(async () => {
          const updated = await feeds.update(
            current,
            { ...rest, authKind, urlFromHttp: urlFromHttpAfter(current, rest, by) },
            now(),
          )
          const diff = fieldDiff(feedConfigForLog(current, scrub), feedConfigForLog(updated, scrub))
          // A new credential of the same kind changes no logged field; the entry still says it happened.
          if (auth !== undefined) diff.accessReplaced = { before: null, after: true }
          if (Object.keys(diff).length > 0) {
            ctx.changes.record(by, {
              entity: 'feed',
              entityId: id,
              operation: 'update',
              changes: diff,
            })
          }
          return updated
        }),
      )
      await runs.resync()
      ctx.events.emit('feeds.onDidChange', { kind: 'updated', id })
      return present(row)
    },
    async remove(id: string, by: ChangeCaller = CORE_CALLER): Promise<void> {
      const feed = await feeds.require(id)
      await runs.stopFeed(id)
      await ctx.db.writes.run('feeds.delete', () =>
        ctx.db.dataSource.transaction(async () => {
          await feeds.remove(id)
          ctx.changes.record(by, {
            entity: 'feed',
            entityId: id,
            operation: 'delete',
            changes: { name: feed.name, format: feed.format },
          })
        }),
      )
      if (feed.secretRef) await ctx.secrets.delete(feed.secretRef)
      await runs.resync()
      ctx.events.emit('feeds.onDidChange', { kind: 'deleted', id })
    },
    catalogue: catalogueEntries,
    async addFromCatalogue(
      key: string,
      authKey?: string,
      by: ChangeCaller = CORE_CALLER,
    ): Promise<Feed> {
      const entry = catalogue.find((c) => c.key === key)
      if (!entry) throw new AppError('not_found', `key: no catalogue feed '${key}'`)
      if (entry.needsConfiguration) {
        throw new AppError(
          'invalid_input',
          `key: '${key}' is a template; add it with feeds.create and its own URL`,
        )
      }
      if (entry.needsAuthKey && !authKey) {
        throw new AppError('invalid_input', `authKey: ${entry.name} needs an API key`)
      }
      const auth: FeedAuthInput | null = !authKey
        ? null
        : entry.authKeyIn === 'url'
          ? { kind: 'url', value: authKey }
          : { kind: 'header', name: entry.authHeader ?? 'Auth-Key', value: authKey }
      return create(
        {
          name: entry.name,
          format: entry.format,
          url: entry.url,
          path: null,
          schedule: entry.schedule ?? null,
          enabled: true,
          auth,
          defaultTlp: entry.defaultTlp,
          reliability: entry.reliability,
          tags: [],
          options: entry.options ?? {},
        },
        by,
        entry.key,
      )
    },
  }
}
