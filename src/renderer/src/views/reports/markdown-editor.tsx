import {
  useDeferredValue,
  useLayoutEffect,
  useRef,
  type KeyboardEvent,
  type ReactNode,
} from 'react'
import {
  SHORTCUT_ACTIONS,
  TOOLBAR_ACTIONS,
  TOOLBAR_LABELS,
  applyToolbarAction,
  type ToolbarAction,
} from './markdown-toolbar'
import { ReportMarkdown } from './report-markdown'

/** Plain glyphs a bare Linux desktop's fonts all have (no emoji); the link is drawn. */
const LinkGlyph = () => (
  <svg
    width="14"
    height="14"
    viewBox="0 0 16 16"
    fill="none"
    stroke="currentColor"
    strokeWidth="1.5"
  >
    <path d="M6.5 9.5l3-3M7 4.5l1-1a2.5 2.5 0 0 1 3.5 3.5l-1 1M9 11.5l-1 1A2.5 2.5 0 0 1 4.5 9l1-1" />
  </svg>
)

const TOOLBAR_GLYPHS: Record<ToolbarAction, ReactNode> = {
  heading: 'H',
  bold: 'B',
  italic: 'I',
  list: '•',
  code: '</>',
  link: <LinkGlyph />,
  table: '▦',
}

const SHORTCUT_HINTS: Partial<Record<ToolbarAction, string>> = {
  bold: 'Ctrl+B',
  italic: 'Ctrl+I',
  link: 'Ctrl+K',
}

/**
 * The report's Markdown: a textarea with a small toolbar, and the live preview beside it. The preview
 * renders a deferred copy of the text, so typing stays immediate in a long report.
 */
export const MarkdownEditor = (props: {
  value: string
  onChange: (value: string) => void
  disabled?: boolean
  error?: string
}) => {
  const area = useRef<HTMLTextAreaElement>(null)
  const pendingSelection = useRef<{ start: number; end: number } | null>(null)
  const preview = useDeferredValue(props.value)

  // After a toolbar edit re-renders the text, put the selection where the action said.
  useLayoutEffect(() => {
    const sel = pendingSelection.current
    if (!sel || !area.current) return
    pendingSelection.current = null
    area.current.focus()
    area.current.setSelectionRange(sel.start, sel.end)
  }, [props.value])

  const apply = (action: ToolbarAction) => {
    const el = area.current
    if (!el || props.disabled) return
    const next = applyToolbarAction(action, {
      text: props.value,
      start: el.selectionStart,
      end: el.selectionEnd,
    })
    pendingSelection.current = { start: next.start, end: next.end }
    props.onChange(next.text)
  }

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return
    const action = SHORTCUT_ACTIONS[e.key.toLowerCase()]
    if (action === undefined) return
    e.preventDefault()
    apply(action)
  }

  return (
    <div className="md-editor" data-testid="markdown-editor">
      <div className="md-toolbar" role="toolbar" aria-label="Formatting">
        {TOOLBAR_ACTIONS.map((a) => {
          const hint = SHORTCUT_HINTS[a]
          return (
            <button
              key={a}
              type="button"
              className={`md-tool md-tool-${a}`}
              title={hint ? `${TOOLBAR_LABELS[a]} (${hint})` : TOOLBAR_LABELS[a]}
              aria-label={TOOLBAR_LABELS[a]}
              disabled={props.disabled}
              data-testid={`md-tool-${a}`}
              // Keep the textarea's selection: a mouse-down on the button would otherwise take focus first.
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => apply(a)}
            >
              <span aria-hidden="true">{TOOLBAR_GLYPHS[a]}</span>
            </button>
          )
        })}
        <span className="md-toolbar-note">Markdown · HTML is not rendered</span>
      </div>
      <div className="md-panes">
        <label className="md-source">
          <span className="visually-hidden">Report content (Markdown)</span>
          <textarea
            ref={area}
            value={props.value}
            disabled={props.disabled}
            spellCheck
            aria-invalid={props.error !== undefined}
            data-testid="report-content"
            placeholder={'## Overview\n\nWhat happened, who is behind it, what to look for…'}
            onChange={(e) => props.onChange(e.target.value)}
            onKeyDown={onKeyDown}
          />
          {props.error ? <span className="field-error">{props.error}</span> : null}
        </label>
        <div className="md-preview" aria-label="Preview" role="region">
          <ReportMarkdown content={preview} />
        </div>
      </div>
    </div>
  )
}
