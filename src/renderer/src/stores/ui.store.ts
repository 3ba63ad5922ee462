import { createStore, type StoreApi } from 'zustand/vanilla'
import type { Settings } from '#shared/contract/settings.contract'
import { errorMessage, type Client } from '../api/client'

export type ThemeSetting = Settings['theme']
export type ToastKind = 'info' | 'success' | 'error'
export type Toast = { id: number; kind: ToastKind; message: string }

/** The app's modal dialogs; one at a time. */
export type DialogName = 'create-indicator' | 'paste-import' | 'shortcuts' | 'analyze-url'

export type UiState = {
  theme: ThemeSetting
  /** What is actually applied: `system` resolved against the OS preference. */
  resolvedTheme: 'light' | 'dark'
  toasts: Toast[]
  /** Set when the HTTP server refuses our token: the app shows the "open the printed URL" screen. */
  authFailed: boolean
  dialog: DialogName | null
  openDialog(dialog: DialogName | null): void
  init(): Promise<void>
  setTheme(theme: ThemeSetting): Promise<void>
  cycleTheme(): Promise<void>
  toast(kind: ToastKind, message: string): void
  dismissToast(id: number): void
  dispose(): void
}

const THEME_ORDER: readonly ThemeSetting[] = ['system', 'light', 'dark']
const TOAST_MS = 5000
const MAX_TOASTS = 4

export type UiStore = StoreApi<UiState>

export const createUiStore = (client: Client): UiStore => {
  const media = window.matchMedia('(prefers-color-scheme: dark)')
  const resolve = (theme: ThemeSetting): 'light' | 'dark' =>
    theme === 'system' ? (media.matches ? 'dark' : 'light') : theme
  const timers = new Map<number, number>()
  const cleanups: (() => void)[] = []
  let nextToastId = 1

  const store = createStore<UiState>()((set, get) => {
    const apply = (theme: ThemeSetting) => {
      const resolvedTheme = resolve(theme)
      document.documentElement.dataset.theme = resolvedTheme
      set({ theme, resolvedTheme })
    }
    return {
      theme: 'system',
      resolvedTheme: resolve('system'),
      toasts: [],
      authFailed: false,
      dialog: null,
      openDialog: (dialog) => set({ dialog }),
      init: async () => {
        apply(get().theme)
        const onMedia = () => apply(get().theme)
        media.addEventListener('change', onMedia)
        cleanups.push(() => media.removeEventListener('change', onMedia))
        cleanups.push(client.transport.onUnauthorized(() => set({ authFailed: true })))
        // Another window (or the CLI) may change the theme: follow it.
        cleanups.push(client.on('settings.onDidChange', (s) => apply(s.theme)))
        try {
          const settings = await client.call('settings.get', {})
          apply(settings.theme)
        } catch (e) {
          if (!get().authFailed) get().toast('error', `Could not load settings: ${errorMessage(e)}`)
        }
      },
      setTheme: async (theme) => {
        const previous = get().theme
        apply(theme)
        try {
          await client.call('settings.update', { patch: { theme } })
        } catch (e) {
          apply(previous)
          get().toast('error', `Could not save the theme: ${errorMessage(e)}`)
        }
      },
      cycleTheme: () => {
        const i = THEME_ORDER.indexOf(get().theme)
        return get().setTheme(THEME_ORDER[(i + 1) % THEME_ORDER.length] ?? 'system')
      },
      toast: (kind, message) => {
        const id = nextToastId++
        set((s) => ({ toasts: [...s.toasts, { id, kind, message }].slice(-MAX_TOASTS) }))
        timers.set(
          id,
          window.setTimeout(
            () => get().dismissToast(id),
            kind === 'error' ? TOAST_MS * 2 : TOAST_MS,
          ),
        )
      },
      dismissToast: (id) => {
        window.clearTimeout(timers.get(id))
        timers.delete(id)
        set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }))
      },
      dispose: () => {
        for (const c of cleanups.splice(0)) c()
        for (const t of timers.values()) window.clearTimeout(t)
        timers.clear()
      },
    }
  })
  return store
}
