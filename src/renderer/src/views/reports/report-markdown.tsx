import { memo } from 'react'
import Markdown, { type Components } from 'react-markdown'
import { remarkPipeTables } from './markdown-tables'

/**
 * A link is shown, not followed: its text and, beside it, where it points, as plain text. Reports quote
 * hostile URLs (that is what indicators are), so nothing in the preview may navigate or be clicked by
 * mistake; the desktop denies navigation anyway, and the browser build must be as safe.
 */
const ShownLink: Components['a'] = ({ href, children }) => (
  <span className="md-link" data-testid="md-link">
    {children}
    {href ? <span className="md-link-href"> ⟨{href}⟩</span> : null}
  </span>
)

/** An image is never fetched (no remote content, and the CSP would refuse it): its alt text and URL. */
const ShownImage: Components['img'] = ({ src, alt }) => (
  <span className="md-image" data-testid="md-image">
    [image{alt ? `: ${alt}` : ''}]
    {typeof src === 'string' && src !== '' ? <span className="md-link-href"> ⟨{src}⟩</span> : null}
  </span>
)

const COMPONENTS: Components = { a: ShownLink, img: ShownImage }
const REMARK_PLUGINS = [remarkPipeTables]
/** URLs are only ever shown as text here, so they are shown as written (react-markdown would blank some). */
const keepUrl = (url: string) => url

/**
 * A report's Markdown as the reader sees it. Raw HTML in the Markdown is dropped (skipHtml, and no
 * rehype-raw): report text may quote attacker-controlled strings and must never become markup.
 */
export const ReportMarkdown = memo(function ReportMarkdown(props: { content: string }) {
  return (
    <div className="report-markdown" data-testid="report-preview">
      <Markdown
        skipHtml
        remarkPlugins={REMARK_PLUGINS}
        components={COMPONENTS}
        urlTransform={keepUrl}
      >
        {props.content}
      </Markdown>
    </div>
  )
})
