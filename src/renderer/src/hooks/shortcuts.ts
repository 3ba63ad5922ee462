/**
 * The analyst's keyboard, in one list: the `?` dialog shows all of it, the sidebar the entries with a
 * `hint`, and use-shortcuts.ts handles exactly these keys (`key` is KeyboardEvent.key).
 */
export type Shortcut = {
  keys: readonly { key: string; label: string }[]
  description: string
  /** Short form for the sidebar; absent means dialog only. */
  hint?: string
}

const k = (key: string, label = key) => ({ key, label })

export const SHORTCUTS: readonly Shortcut[] = [
  { keys: [k('/')], description: 'Search indicators', hint: 'search' },
  { keys: [k('j'), k('k')], description: 'Select the next / previous row', hint: 'move' },
  { keys: [k('Enter', '↵')], description: 'Open the selected row', hint: 'open' },
  { keys: [k('Escape', 'esc')], description: 'Close the detail panel or a dialog', hint: 'close' },
  { keys: [k('Home')], description: 'First row' },
  { keys: [k('End')], description: 'Last row' },
  { keys: [k('g')], description: 'Go to row…' },
  { keys: [k('n')], description: 'New indicator', hint: 'new indicator' },
  { keys: [k('?')], description: 'Show these shortcuts', hint: 'all shortcuts' },
  // The triage view's keys (views/triage/use-triage-keys.ts); j/k, Enter and Escape as above.
  { keys: [k('x')], description: 'Triage: select or unselect the row' },
  { keys: [k('J', '⇧j'), k('K', '⇧k')], description: 'Triage: extend the selection down / up' },
  { keys: [k('a')], description: 'Triage: acknowledge (the selection, or the row)' },
  { keys: [k('e')], description: 'Triage: escalate' },
  { keys: [k('r')], description: 'Triage: resolve' },
  { keys: [k('f')], description: 'Triage: false positive (resolves it)' },
  { keys: [k('t')], description: 'Triage: true positive' },
]
