import { useEffect, useState } from 'react'
import { useIndicators, useServices, useUi } from '../app-context'
import { SEARCH_INPUT_ID } from '../hooks/use-shortcuts'
import { SearchIcon } from './icons'

/** Typing pauses this long before the query runs: one request per thought, not per keystroke. */
const SEARCH_DEBOUNCE_MS = 250

const THEME_LABEL = { system: 'System theme', light: 'Light theme', dark: 'Dark theme' } as const
const THEME_ICON = { system: '◐', light: '☀', dark: '☾' } as const

/** `onSearch`: the search box searches indicators, so typing in it brings their view forward. */
export const TopBar = ({ onSearch }: { onSearch?: () => void }) => {
  const { ui, indicators } = useServices()
  const theme = useUi((s) => s.theme)
  const applied = useIndicators((s) => s.filter.q ?? '')
  const [text, setText] = useState(applied)
  const urlSeq = useIndicators((s) => s.urlSeq)

  const [seenUrlSeq, setSeenUrlSeq] = useState(urlSeq)
  // Back/forward brought another query: the box shows it (typing is left alone otherwise).
  if (seenUrlSeq !== urlSeq) {
    setSeenUrlSeq(urlSeq)
    setText(applied)
  }

  useEffect(() => {
    if (text.trim() === applied) return
    const timer = window.setTimeout(
      () => indicators.getState().setFilter({ q: text.trim() || undefined }),
      SEARCH_DEBOUNCE_MS,
    )
    return () => window.clearTimeout(timer)
  }, [text, applied, indicators])

  return (
    <header className="topbar">
      <div className="search" role="search">
        <label htmlFor={SEARCH_INPUT_ID} className="visually-hidden">
          Search indicators
        </label>
        <span className="search-icon">
          <SearchIcon />
        </span>
        <input
          id={SEARCH_INPUT_ID}
          type="search"
          placeholder="Search values, tags, descriptions…"
          value={text}
          maxLength={512}
          autoComplete="off"
          spellCheck={false}
          data-testid="search"
          onChange={(e) => {
            setText(e.target.value)
            onSearch?.()
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') indicators.getState().setFilter({ q: text.trim() || undefined })
          }}
        />
        <kbd className="search-hint" aria-hidden="true">
          /
        </kbd>
      </div>
      <div className="topbar-actions">
        <button
          type="button"
          className="button"
          data-testid="open-analyze-url"
          onClick={() => ui.getState().openDialog('analyze-url')}
        >
          Analyse URL
        </button>
        <button
          type="button"
          className="button"
          data-testid="open-paste-import"
          onClick={() => ui.getState().openDialog('paste-import')}
        >
          Paste import
        </button>
        <button
          type="button"
          className="button button-primary"
          data-testid="new-indicator"
          title="New indicator (n)"
          onClick={() => ui.getState().openDialog('create-indicator')}
        >
          New indicator
        </button>
        <button
          type="button"
          className="icon-button theme-toggle"
          data-testid="theme-toggle"
          data-theme-setting={theme}
          aria-label={`${THEME_LABEL[theme]} (click to change)`}
          title={THEME_LABEL[theme]}
          onClick={() => void ui.getState().cycleTheme()}
        >
          {THEME_ICON[theme]}
        </button>
      </div>
    </header>
  )
}
