import { assertNever } from '#shared/domain/enums'

/**
 * The Markdown editor's toolbar as pure edits: each action takes the text and the selection and returns the
 * new text and the new selection, so the textarea only applies the result (and undo stays a plain edit).
 * Inline marks toggle (applied twice they come off); line marks apply to every line the selection touches.
 */
export const TOOLBAR_ACTIONS = [
  'heading',
  'bold',
  'italic',
  'list',
  'code',
  'link',
  'table',
] as const
export type ToolbarAction = (typeof TOOLBAR_ACTIONS)[number]

export type EditState = { text: string; start: number; end: number }

export const TOOLBAR_LABELS: Record<ToolbarAction, string> = {
  heading: 'Heading',
  bold: 'Bold',
  italic: 'Italic',
  list: 'Bulleted list',
  code: 'Code',
  link: 'Link',
  table: 'Table',
}

const PLACEHOLDER: Record<'bold' | 'italic' | 'code', string> = {
  bold: 'bold text',
  italic: 'italic text',
  code: 'code',
}

const TABLE_TEMPLATE = '| Column | Column |\n| --- | --- |\n| Cell | Cell |'

const ordered = (s: EditState): EditState =>
  s.start <= s.end ? s : { text: s.text, start: s.end, end: s.start }

const clamp = (s: EditState): EditState => {
  const len = s.text.length
  const start = Math.max(0, Math.min(s.start, len))
  const end = Math.max(0, Math.min(s.end, len))
  return ordered({ text: s.text, start, end })
}

/** Wraps the selection in `mark`, or takes the mark off when the selection is already wrapped in it. */
const toggleInline = (s: EditState, mark: string, placeholder: string): EditState => {
  const { text, start, end } = s
  const before = text.slice(start - mark.length, start)
  const after = text.slice(end, end + mark.length)
  if (start >= mark.length && before === mark && after === mark) {
    return {
      text:
        text.slice(0, start - mark.length) + text.slice(start, end) + text.slice(end + mark.length),
      start: start - mark.length,
      end: end - mark.length,
    }
  }
  const selected = text.slice(start, end)
  if (selected.length > mark.length * 2 && selected.startsWith(mark) && selected.endsWith(mark)) {
    const inner = selected.slice(mark.length, -mark.length)
    return {
      text: text.slice(0, start) + inner + text.slice(end),
      start,
      end: start + inner.length,
    }
  }
  const inner = selected === '' ? placeholder : selected
  return {
    text: text.slice(0, start) + mark + inner + mark + text.slice(end),
    start: start + mark.length,
    end: start + mark.length + inner.length,
  }
}

/** The offsets of the start of the first line and the end of the last line the selection touches. */
const lineSpan = (s: EditState): { from: number; to: number } => {
  const from = s.text.lastIndexOf('\n', s.start - 1) + 1
  // A selection ending just after a newline does not take in the next line.
  const endAt = s.end > s.start && s.text[s.end - 1] === '\n' ? s.end - 1 : s.end
  const next = s.text.indexOf('\n', endAt)
  return { from, to: next === -1 ? s.text.length : next }
}

/** Applies `edit` to every line the selection touches; the selection then covers those lines. */
const mapLines = (s: EditState, edit: (lines: string[]) => string[]): EditState => {
  const { from, to } = lineSpan(s)
  const block = edit(s.text.slice(from, to).split('\n')).join('\n')
  return {
    text: s.text.slice(0, from) + block + s.text.slice(to),
    start: from,
    end: from + block.length,
  }
}

const HEADING = /^#{1,6}\s+/
/** The level the toolbar sets; a line at another level is moved to it rather than unmarked. */
const LEVEL_TWO = /^##\s+/
const BULLET = /^(\s*)[-*+]\s+/

const toggleHeading = (s: EditState): EditState =>
  mapLines(s, (lines) => {
    const allHeadings = lines.every((l) => l.trim() === '' || LEVEL_TWO.test(l))
    return lines.map((l) => {
      if (l.trim() === '') return l
      return allHeadings ? l.replace(HEADING, '') : `## ${l.replace(HEADING, '')}`
    })
  })

const toggleList = (s: EditState): EditState =>
  mapLines(s, (lines) => {
    const allItems = lines.every((l) => l.trim() === '' || BULLET.test(l))
    return lines.map((l) => {
      if (l.trim() === '') return l
      return allItems ? l.replace(BULLET, '$1') : `- ${l}`
    })
  })

/** Inline code for part of a line; a fenced block when the selection spans lines. */
const toggleCode = (s: EditState): EditState => {
  const selected = s.text.slice(s.start, s.end)
  if (!selected.includes('\n')) return toggleInline(s, '`', PLACEHOLDER.code)
  const { from, to } = lineSpan(s)
  const block = s.text.slice(from, to)
  const fenced = /^```[^\n]*\n([\s\S]*)\n```$/.exec(block)
  const replaced = fenced ? (fenced[1] ?? '') : `\`\`\`\n${block}\n\`\`\``
  return {
    text: s.text.slice(0, from) + replaced + s.text.slice(to),
    start: from,
    end: from + replaced.length,
  }
}

const LOOKS_LIKE_URL = /^(https?:\/\/|mailto:)\S+$/i

/** `[text](url)`: the selection becomes the text (or the URL when it is one) and the other part is selected. */
const insertLink = (s: EditState): EditState => {
  const selected = s.text.slice(s.start, s.end)
  const isUrl = LOOKS_LIKE_URL.test(selected.trim())
  const label = isUrl || selected === '' ? 'link text' : selected
  const url = isUrl ? selected.trim() : 'https://'
  const link = `[${label}](${url})`
  const text = s.text.slice(0, s.start) + link + s.text.slice(s.end)
  // Select what the analyst has still to type.
  if (isUrl || selected === '') return { text, start: s.start + 1, end: s.start + 1 + label.length }
  const urlAt = s.start + label.length + 3
  return { text, start: urlAt, end: urlAt + url.length }
}

/** A two-column table on its own lines (a table must not run into a paragraph), its first header selected. */
const insertTable = (s: EditState): EditState => {
  const head = s.text.slice(0, s.start)
  const tail = s.text.slice(s.end)
  const lead = head === '' ? '' : head.endsWith('\n\n') ? '' : head.endsWith('\n') ? '\n' : '\n\n'
  const trail =
    tail === '' ? '\n' : tail.startsWith('\n\n') ? '' : tail.startsWith('\n') ? '\n' : '\n\n'
  const at = head.length + lead.length + 2
  return {
    text: head + lead + TABLE_TEMPLATE + trail + tail,
    start: at,
    end: at + 'Column'.length,
  }
}

export const applyToolbarAction = (action: ToolbarAction, state: EditState): EditState => {
  const s = clamp(state)
  switch (action) {
    case 'heading':
      return toggleHeading(s)
    case 'bold':
      return toggleInline(s, '**', PLACEHOLDER.bold)
    case 'italic':
      return toggleInline(s, '_', PLACEHOLDER.italic)
    case 'list':
      return toggleList(s)
    case 'code':
      return toggleCode(s)
    case 'link':
      return insertLink(s)
    case 'table':
      return insertTable(s)
    default:
      return assertNever(action, 'toolbar action')
  }
}

/** Ctrl/Cmd + key shortcuts the editor understands. */
export const SHORTCUT_ACTIONS: Readonly<Record<string, ToolbarAction>> = {
  b: 'bold',
  i: 'italic',
  k: 'link',
}
