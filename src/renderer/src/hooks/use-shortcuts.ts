import { useEffect } from 'react'
import { useServices } from '../app-context'

export const SEARCH_INPUT_ID = 'global-search'

const isTyping = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))

/** Enter on a button or link must press it, not open the detail panel. */
const isInteractive = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement &&
  (isTyping(target) || ['BUTTON', 'A', 'SUMMARY'].includes(target.tagName))

/** The "go to row" field of the indicators view. */
export const GOTO_INPUT_ID = 'goto-row'

/**
 * The analyst's keyboard, as listed in shortcuts.ts (the `?` dialog and the sidebar show that list). Keys
 * typed into a field belong to the field; an open dialog owns the keyboard (it handles its own Escape).
 * `tableShortcuts`: the table's keys act only while the indicators view is on screen.
 */
export const useShortcuts = (tableShortcuts = true): void => {
  const { ui, indicators } = useServices()
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return
      if (ui.getState().dialog !== null) return
      const typing = isTyping(e.target)
      if (e.key === 'Escape') {
        if (typing && e.target instanceof HTMLElement) {
          e.target.blur()
          return
        }
        if (indicators.getState().detailId !== null) {
          e.preventDefault()
          indicators.getState().openDetail(null)
        }
        return
      }
      if (typing) return
      const state = indicators.getState()
      if (e.key === '/') {
        e.preventDefault()
        document.getElementById(SEARCH_INPUT_ID)?.focus()
        return
      }
      if (e.key === 'n') {
        e.preventDefault()
        ui.getState().openDialog('create-indicator')
        return
      }
      if (e.key === '?') {
        e.preventDefault()
        ui.getState().openDialog('shortcuts')
        return
      }
      if (!tableShortcuts) return
      switch (e.key) {
        case 'j':
          e.preventDefault()
          state.moveSelection(1)
          return
        case 'k':
          e.preventDefault()
          state.moveSelection(-1)
          return
        case 'Home':
          e.preventDefault()
          state.select(0)
          return
        case 'End':
          e.preventDefault()
          state.select(state.total ?? Number.MAX_SAFE_INTEGER)
          return
        case 'g':
          e.preventDefault()
          document.getElementById(GOTO_INPUT_ID)?.focus()
          return
        case 'Enter':
          if (isInteractive(e.target) || state.selectedId === null) return
          e.preventDefault()
          state.openDetail(state.selectedId)
          return
        default:
          return
      }
    }
    window.addEventListener('keydown', onKeyDown)
    return () => window.removeEventListener('keydown', onKeyDown)
  }, [ui, indicators, tableShortcuts])
}
