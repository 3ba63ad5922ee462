import { useEffect } from 'react'
import type { TriageAction } from '#shared/contract/triage.contract'
import type { UiStore } from '../../stores/ui.store'
import type { TriageStore } from '../../stores/triage.store'

const isTyping = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))

const isInteractive = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement &&
  (isTyping(target) || ['BUTTON', 'A', 'SUMMARY'].includes(target.tagName))

/** The queue's action keys (listed in hooks/shortcuts.ts). */
export const TRIAGE_ACTION_KEYS: Readonly<Record<string, TriageAction>> = {
  a: 'acknowledge',
  e: 'escalate',
  r: 'resolve',
  f: 'false_positive',
  t: 'true_positive',
}

/**
 * The triage view's keyboard: j/k move (shift extends the selection), Home goes to the top, x toggles it, a/e/r/f/t act on the
 * selection or the focused row, Enter opens the detail and Escape closes it. Keys typed into a field belong
 * to the field; an open dialog owns the keyboard.
 */
export const useTriageKeys = (store: TriageStore, ui: UiStore): void => {
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return
      if (ui.getState().dialog !== null || isTyping(e.target)) return
      const s = store.getState()
      const key = e.key.length === 1 ? e.key.toLowerCase() : e.key
      if (key === 'j' || key === 'k') {
        e.preventDefault()
        void s.move(key === 'j' ? 1 : -1, e.shiftKey)
        return
      }
      if (e.key === 'Home') {
        e.preventDefault()
        s.focusAt(0)
        return
      }
      if (key === 'x') {
        e.preventDefault()
        s.toggleSelection()
        return
      }
      const action = e.shiftKey ? undefined : TRIAGE_ACTION_KEYS[key]
      if (action !== undefined) {
        e.preventDefault()
        void s.act(action)
        return
      }
      if (e.key === 'Enter' && !isInteractive(e.target)) {
        e.preventDefault()
        s.openDetail()
        return
      }
      if (e.key === 'Escape' && s.detail !== null) {
        e.preventDefault()
        s.closeDetail()
      }
    }
    window.addEventListener('keydown', onKeyDown)
    return () => window.removeEventListener('keydown', onKeyDown)
  }, [store, ui])
}
