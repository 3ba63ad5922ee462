import { describe, expect, it } from 'vitest'
import {
  applyToolbarAction,
  type EditState,
} from '../../../../../src/renderer/src/views/reports/markdown-toolbar'

/** `text` with the selection marked by [ and ] (a caret when they touch). */
const at = (marked: string): EditState => {
  const start = marked.indexOf('[')
  const end = marked.indexOf(']') - 1
  return { text: marked.replace('[', '').replace(']', ''), start, end }
}

const show = (s: EditState): string =>
  `${s.text.slice(0, s.start)}[${s.text.slice(s.start, s.end)}]${s.text.slice(s.end)}`

describe('the Markdown toolbar', () => {
  it('wraps the selection in bold and takes it off again', () => {
    const bold = applyToolbarAction('bold', at('an [important] word'))
    expect(show(bold)).toBe('an **[important]** word')
    expect(show(applyToolbarAction('bold', bold))).toBe('an [important] word')
  })

  it('unwraps a selection that includes its marks', () => {
    expect(show(applyToolbarAction('italic', at('x [_y_] z')))).toBe('x [y] z')
  })

  it('inserts a selected placeholder when nothing is selected', () => {
    expect(show(applyToolbarAction('bold', at('a []b')))).toBe('a **[bold text]**b')
    expect(show(applyToolbarAction('italic', at('[]')))).toBe('_[italic text]_')
  })

  it('makes every touched line a heading, and plain again', () => {
    const h = applyToolbarAction('heading', at('intro\nfir[st\nsec]ond\nlast'))
    expect(h.text).toBe('intro\n## first\n## second\nlast')
    expect(show(h)).toBe('intro\n[## first\n## second]\nlast')
    expect(applyToolbarAction('heading', h).text).toBe('intro\nfirst\nsecond\nlast')
  })

  it('replaces a heading of another level rather than stacking marks', () => {
    expect(applyToolbarAction('heading', at('#### Ti[]tle')).text).toBe('## Title')
  })

  it('bullets the touched lines, skipping blank ones, and un-bullets them', () => {
    const l = applyToolbarAction('list', at('[one\n\ntwo]'))
    expect(l.text).toBe('- one\n\n- two')
    expect(applyToolbarAction('list', l).text).toBe('one\n\ntwo')
  })

  it('does not take in the next line when the selection ends after a newline', () => {
    expect(applyToolbarAction('list', at('[a\n]b')).text).toBe('- a\nb')
  })

  it('uses inline code within a line and a fence across lines, and unfences', () => {
    expect(show(applyToolbarAction('code', at('run [whoami] now')))).toBe('run `[whoami]` now')
    const fenced = applyToolbarAction('code', at('[a = 1\nb = 2]'))
    expect(fenced.text).toBe('```\na = 1\nb = 2\n```')
    expect(applyToolbarAction('code', fenced).text).toBe('a = 1\nb = 2')
  })

  it('links the selected text and selects the URL to type', () => {
    expect(show(applyToolbarAction('link', at('see [the advisory]')))).toBe(
      'see [the advisory]([https://])',
    )
  })

  it('links a selected URL and selects the text to type', () => {
    expect(show(applyToolbarAction('link', at('[https://example.org/a]')))).toBe(
      '[[link text]](https://example.org/a)',
    )
  })

  it('inserts a table on its own lines with its first header selected', () => {
    const t = applyToolbarAction('table', at('Para[]graph'))
    expect(t.text).toBe('Para\n\n| Column | Column |\n| --- | --- |\n| Cell | Cell |\n\ngraph')
    expect(t.text.slice(t.start, t.end)).toBe('Column')
    expect(applyToolbarAction('table', at('[]')).text).toBe(
      '| Column | Column |\n| --- | --- |\n| Cell | Cell |\n',
    )
  })

  it('clamps a selection outside the text and orders a backwards one', () => {
    expect(applyToolbarAction('bold', { text: 'ab', start: 9, end: 9 }).text).toBe(
      'ab**bold text**',
    )
    expect(show(applyToolbarAction('bold', { text: 'abc', start: 2, end: 1 }))).toBe('a**[b]**c')
  })
})
