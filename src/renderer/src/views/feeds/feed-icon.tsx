/** The navigation icon of the Feeds view (inline SVG, like the app's other icons: nothing remote). */
export const FeedIcon = (props: { size?: number }) => (
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
    <path d="M3 2.5a10.5 10.5 0 0 1 10.5 10.5M3 6.5A6.5 6.5 0 0 1 9.5 13" />
    <circle cx="3.75" cy="12.25" r="1.25" />
  </svg>
)
