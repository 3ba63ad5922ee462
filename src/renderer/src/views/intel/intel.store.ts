import { createStore, type StoreApi } from 'zustand/vanilla'
import type { IntelFilter, IntelListItem } from '#shared/contract/intel.contract'
import type { Tlp } from '#shared/domain/enums'
import { errorMessage, type Client } from '../../api/client'
import type { EditableKind } from './intel-form-model'

export const INTEL_PAGE_SIZE = 100

export type IntelTab = EditableKind | 'graph'

export const INTEL_TABS: readonly { id: IntelTab; label: string }[] = [
  { id: 'threat-actor', label: 'Threat actors' },
  { id: 'campaign', label: 'Campaigns' },
  { id: 'vulnerability', label: 'Vulnerabilities' },
  { id: 'malware', label: 'Malware' },
  { id: 'graph', label: 'Graph' },
]

/** The list's filters as the analyst set them (the kind is the tab). */
export type IntelListFilter = {
  q?: string
  technique?: string
  tlp?: Tlp
  projectId?: string
}

export type IntelViewState = {
  tab: IntelTab
  filter: IntelListFilter
  items: IntelListItem[]
  total: number | null
  nextCursor: string | null
  loading: boolean
  loadError: string | null
  /** The entity shown in the detail pane (any kind: a report opened from a relationship too). */
  selectedId: string | null
  /** The create form of the current tab's kind is open. */
  creating: boolean
  /** Bumped by every list load: tests and screen readers wait on the view's data-state. */
  generation: number

  setTab(tab: IntelTab): void
  setFilter(filter: IntelListFilter): void
  reload(): Promise<void>
  loadMore(): Promise<void>
  select(id: string | null): void
  /** Shows an entity: its kind's tab (when it has one) and its detail. */
  open(id: string, kind: string): void
  setCreating(on: boolean): void
  start(): () => void
}

export type IntelViewStore = StoreApi<IntelViewState>

const isListKind = (tab: string): tab is EditableKind =>
  tab === 'threat-actor' || tab === 'campaign' || tab === 'vulnerability' || tab === 'malware'

const REFRESH_DEBOUNCE_MS = 150

export const createIntelViewStore = (client: Client): IntelViewStore =>
  createStore<IntelViewState>()((set, get) => {
    let generation = 0

    const query = (kind: EditableKind, f: IntelListFilter): IntelFilter => ({
      kind,
      ...(f.q !== undefined && f.q.trim() !== '' ? { q: f.q.trim() } : {}),
      ...(f.technique !== undefined && f.technique.trim() !== ''
        ? { technique: f.technique.trim().toUpperCase() }
        : {}),
      ...(f.tlp === undefined ? {} : { tlp: [f.tlp] }),
      ...(f.projectId === undefined ? {} : { projectId: f.projectId }),
    })

    const load = async (append: boolean) => {
      const { tab, filter, nextCursor } = get()
      if (!isListKind(tab)) return
      if (append && nextCursor === null) return
      const mine = ++generation
      set({ loading: true })
      try {
        const r = await client.call('intel.list', {
          ...query(tab, filter),
          limit: INTEL_PAGE_SIZE,
          ...(append && nextCursor !== null ? { cursor: nextCursor } : {}),
        })
        if (mine !== generation) return
        set((s) => ({
          items: append ? [...s.items, ...r.items] : r.items,
          nextCursor: r.nextCursor,
          total: r.total,
          loadError: null,
          loading: false,
          generation: s.generation + 1,
        }))
      } catch (e) {
        if (mine === generation) set({ loadError: errorMessage(e), loading: false })
      }
    }

    let timer: ReturnType<typeof setTimeout> | null = null

    return {
      tab: 'threat-actor',
      filter: {},
      items: [],
      total: null,
      nextCursor: null,
      loading: false,
      loadError: null,
      selectedId: null,
      creating: false,
      generation: 0,

      setTab: (tab) => {
        if (tab === get().tab) return
        // Each kind starts unfiltered: a technique filter on actors means nothing on vulnerabilities.
        set({ tab, filter: {}, items: [], total: null, nextCursor: null, creating: false })
        if (tab !== 'graph') set({ selectedId: null })
        void load(false)
      },
      setFilter: (filter) => {
        set({ filter })
        void load(false)
      },
      reload: () => load(false),
      loadMore: () => load(true),
      select: (id) => set({ selectedId: id, creating: false }),
      open: (id, kind) => {
        const current = get().tab
        // A report has no tab here (the Reports view lists them): it opens over the current list.
        const tab = isListKind(kind) ? kind : current === 'graph' ? 'threat-actor' : current
        set({ selectedId: id, creating: false })
        if (tab !== current) {
          set({ tab, filter: {}, items: [], total: null, nextCursor: null })
          void load(false)
        }
      },
      setCreating: (creating) => set({ creating, ...(creating ? { selectedId: null } : {}) }),
      start: () => {
        void load(false)
        const off = client.on('intel.onDidChange', () => {
          if (timer !== null) clearTimeout(timer)
          timer = setTimeout(() => {
            timer = null
            void load(false)
          }, REFRESH_DEBOUNCE_MS)
        })
        return () => {
          off()
          if (timer !== null) clearTimeout(timer)
        }
      },
    }
  })
