import { createStore, type StoreApi } from 'zustand/vanilla'
import type { EventPayload, In } from '#shared/contract'
import type { CatalogueEntry, Feed, FeedRun } from '#shared/contract/feeds.contract'
import { ApiError, errorMessage, type Client } from '../api/client'

export type RunProgress = EventPayload<'feeds.onDidProgress'>

/** Coalesces bursts of feeds.onDidChange (a catalogue add, a delete) into one reload. */
const RELOAD_DEBOUNCE_MS = 150

export type FeedsState = {
  feeds: Feed[] | null
  catalogue: CatalogueEntry[] | null
  loadError: string | null
  /** Latest progress of each run in flight, by run id. */
  progress: Record<string, RunProgress>
  /** The run in flight of each feed, by feed id (known from feeds.run or from progress events). */
  activeRuns: Record<string, string>
  /** Latest progress of an ad-hoc import (feedId null): the import dialog shows it. */
  importProgress: RunProgress | null
  /** Bumped whenever a run finishes: history lists reload. */
  runsVersion: number
  /** The last finished run of each feed this window has seen finish, by feed id. */
  justFinished: Record<string, FeedRun>

  /** Subscribes to the feed events and loads; returns the function that undoes it. */
  start(): () => void
  reload(): Promise<void>
  runNow(feedId: string): Promise<void>
  cancel(runId: string): Promise<void>
  setEnabled(feed: Feed, enabled: boolean): Promise<void>
  remove(feedId: string): Promise<void>
  /** Throws the ApiError so the caller's form can show it. */
  addFromCatalogue(key: string, authKey?: string): Promise<Feed>
  create(input: In<'feeds.create'>): Promise<Feed>
  update(id: string, patch: In<'feeds.update'>['patch']): Promise<Feed>
}

export type FeedsStore = StoreApi<FeedsState>

type Notify = { error(message: string): void; success(message: string): void }

const omit = <T>(record: Record<string, T>, key: string): Record<string, T> => {
  if (!(key in record)) return record
  const { [key]: _gone, ...rest } = record
  return rest
}

/** A feed that the list says is running and whose last run is still open: that run is the active one. */
const activeRunsOf = (feeds: Feed[], current: Record<string, string>): Record<string, string> => {
  const next: Record<string, string> = {}
  for (const f of feeds) {
    const open = f.lastRun && (f.lastRun.status === 'running' || f.lastRun.status === 'queued')
    const known = current[f.id]
    if (f.running && open && f.lastRun) next[f.id] = f.lastRun.id
    else if (f.running && known) next[f.id] = known
  }
  return next
}

/**
 * Feeds as the Feeds view shows them: the configured feeds with their last run, the catalogue, and live
 * progress of the runs in flight. Events keep it current; nothing polls.
 */
export const createFeedsStore = (client: Client, notify: Notify): FeedsStore => {
  let reloadTimer: number | undefined
  let loadSeq = 0

  const store = createStore<FeedsState>()((set, get) => {
    const load = async () => {
      const seq = ++loadSeq
      try {
        const [list, catalogue] = await Promise.all([
          client.call('feeds.list', {}),
          client.call('feeds.catalogue', {}),
        ])
        if (seq !== loadSeq) return
        set((s) => ({
          feeds: list.items,
          catalogue: catalogue.items,
          loadError: null,
          activeRuns: activeRunsOf(list.items, s.activeRuns),
        }))
      } catch (e) {
        if (seq === loadSeq) set({ loadError: errorMessage(e) })
      }
    }

    const scheduleReload = () => {
      window.clearTimeout(reloadTimer)
      reloadTimer = window.setTimeout(() => void load(), RELOAD_DEBOUNCE_MS)
    }

    const replaceFeed = (feed: Feed) =>
      set((s) => ({
        feeds: s.feeds?.map((f) => (f.id === feed.id ? feed : f)) ?? null,
      }))

    const onProgress = (p: RunProgress) => {
      if (p.feedId === null) {
        set({ importProgress: p })
        return
      }
      const feedId = p.feedId
      set((s) => ({
        progress: { ...s.progress, [p.runId]: p },
        // A run started elsewhere (the scheduler, the CLI, another window) shows up here too.
        activeRuns: s.activeRuns[feedId] ? s.activeRuns : { ...s.activeRuns, [feedId]: p.runId },
      }))
    }

    const onFinish = ({ run }: EventPayload<'feeds.onDidFinishRun'>) => {
      set((s) => {
        const feedId = run.feedId
        const activeRuns =
          feedId !== null && s.activeRuns[feedId] === run.id
            ? omit(s.activeRuns, feedId)
            : s.activeRuns
        return {
          progress: omit(s.progress, run.id),
          activeRuns,
          importProgress: s.importProgress?.runId === run.id ? null : s.importProgress,
          runsVersion: s.runsVersion + 1,
          justFinished: feedId === null ? s.justFinished : { ...s.justFinished, [feedId]: run },
          feeds:
            s.feeds?.map((f) => (f.id === feedId ? { ...f, running: false, lastRun: run } : f)) ??
            null,
        }
      })
      // The next scheduled time and the running flag come from the core.
      if (run.feedId !== null) {
        client.call('feeds.get', { id: run.feedId }).then(replaceFeed, () => undefined)
      }
    }

    return {
      feeds: null,
      catalogue: null,
      loadError: null,
      progress: {},
      activeRuns: {},
      importProgress: null,
      runsVersion: 0,
      justFinished: {},

      start: () => {
        const offs = [
          client.on('feeds.onDidProgress', onProgress),
          client.on('feeds.onDidFinishRun', onFinish),
          client.on('feeds.onDidChange', scheduleReload),
        ]
        void load()
        return () => {
          for (const off of offs) off()
          window.clearTimeout(reloadTimer)
        }
      },
      reload: load,

      runNow: async (feedId) => {
        try {
          const run = await client.call('feeds.run', { id: feedId, wait: false })
          set((s) => {
            // The run may already have finished (a tiny local feed) before this answer arrived.
            const finished = s.justFinished[feedId]?.id === run.id
            return {
              activeRuns: finished ? s.activeRuns : { ...s.activeRuns, [feedId]: run.id },
              feeds:
                s.feeds?.map((f) =>
                  f.id === feedId && !finished ? { ...f, running: true, lastRun: run } : f,
                ) ?? null,
            }
          })
        } catch (e) {
          const runId =
            e instanceof ApiError && e.code === 'conflict'
              ? (e.details as { runId?: unknown } | undefined)?.runId
              : undefined
          if (typeof runId === 'string')
            set((s) => ({ activeRuns: { ...s.activeRuns, [feedId]: runId } }))
          notify.error(errorMessage(e))
        }
      },

      cancel: async (runId) => {
        try {
          await client.call('feeds.cancel', { runId })
        } catch (e) {
          // Finished in the meantime: the finish event already updated the list.
          if (!(e instanceof ApiError && e.code === 'conflict')) notify.error(errorMessage(e))
        }
      },

      setEnabled: async (feed, enabled) => {
        replaceFeed({ ...feed, enabled })
        try {
          replaceFeed(await client.call('feeds.update', { id: feed.id, patch: { enabled } }))
        } catch (e) {
          replaceFeed(feed)
          notify.error(
            `Could not ${enabled ? 'enable' : 'disable'} ${feed.name}: ${errorMessage(e)}`,
          )
        }
      },

      remove: async (feedId) => {
        const feed = get().feeds?.find((f) => f.id === feedId)
        try {
          await client.call('feeds.delete', { id: feedId })
          set((s) => ({ feeds: s.feeds?.filter((f) => f.id !== feedId) ?? null }))
          notify.success(`Deleted feed ${feed?.name ?? ''}`.trim())
          scheduleReload()
        } catch (e) {
          notify.error(errorMessage(e))
        }
      },

      addFromCatalogue: async (key, authKey) => {
        const feed = await client.call('feeds.addFromCatalogue', {
          key,
          ...(authKey ? { authKey } : {}),
        })
        set((s) => ({
          feeds: s.feeds && !s.feeds.some((f) => f.id === feed.id) ? [...s.feeds, feed] : s.feeds,
          catalogue: s.catalogue?.map((c) => (c.key === key ? { ...c, added: true } : c)) ?? null,
        }))
        return feed
      },

      create: async (input) => {
        const feed = await client.call('feeds.create', input)
        set((s) => ({
          feeds: s.feeds && !s.feeds.some((f) => f.id === feed.id) ? [...s.feeds, feed] : s.feeds,
        }))
        return feed
      },

      update: async (id, patch) => {
        const feed = await client.call('feeds.update', { id, patch })
        replaceFeed(feed)
        return feed
      },
    }
  })
  return store
}
