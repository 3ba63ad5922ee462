/** The Enrichment view's nav icon: a magnifier over a dot (context looked up). Same stroke style as components/icons. */
export const EnrichmentIcon = (props: { size?: number }) => (
  <svg
    width={props.size ?? 14}
    height={props.size ?? 14}
    viewBox="0 0 16 16"
    fill="none"
    stroke="currentColor"
    strokeWidth="1.5"
    strokeLinecap="round"
    strokeLinejoin="round"
    aria-hidden="true"
    focusable="false"
  >
    <circle cx="6.5" cy="6.5" r="4.5" />
    <circle cx="6.5" cy="6.5" r="1.2" />
    <path d="M10 10l4 4" />
  </svg>
)
