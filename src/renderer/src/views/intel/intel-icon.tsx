/** The Intel view's nav icon: three linked nodes (the knowledge graph). Same stroke style as components/icons. */
export const IntelIcon = (props: { size?: number }) => (
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
    <circle cx="4" cy="4" r="2" />
    <circle cx="12" cy="5" r="2" />
    <circle cx="7" cy="12.5" r="2" />
    <path d="M6 4.3 10 4.8M4.8 5.8l1.5 4.8M11 6.8l-3 4" />
  </svg>
)
