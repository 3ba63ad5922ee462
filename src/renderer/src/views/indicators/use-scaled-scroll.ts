import { useCallback, useEffect, useRef, useState, type RefObject } from 'react'

/**
 * The tallest scroll space the table makes. Browsers cap an element's height (Firefox near 17.9M px,
 * Chromium near 33.5M px), which a million 32px rows pass; above this the scroll space is scaled instead.
 */
export const MAX_SPACER_PX = 4_000_000

/** Lines and pages of a wheel event in pixels (most mice send pixels; some send lines). */
const LINE_PX = 32

export type ScaledScroll = {
  /** Offset of the viewport into the content, in content pixels. */
  top: number
  /** The element's own scrollTop (in spacer pixels). */
  scrollTop: number
  spacerHeight: number
  scaled: boolean
  scrollTo: (top: number) => void
  onScroll: () => void
}

/**
 * A scroll position over `contentHeight` pixels of rows in an element at most MAX_SPACER_PX tall. Dragging
 * the scrollbar maps its position proportionally onto the content, so its ends are the content's ends; the
 * wheel and scrollTo move the content by true pixels, so a wheel turn moves as many rows as anywhere else.
 */
export const useScaledScroll = (
  ref: RefObject<HTMLElement | null>,
  contentHeight: number,
  viewportHeight: number,
): ScaledScroll => {
  const spacerHeight = Math.min(contentHeight, MAX_SPACER_PX)
  const maxTop = Math.max(0, contentHeight - viewportHeight)
  const maxScroll = Math.max(0, spacerHeight - viewportHeight)
  const ratio = maxScroll > 0 ? maxTop / maxScroll : 1
  const [pos, setPos] = useState({ top: 0, scrollTop: 0 })
  /** The scrollTop this hook set last: its scroll event must not be read as a drag. */
  const expected = useRef<number | null>(null)
  const current = useRef({ pos, ratio, maxTop })
  useEffect(() => {
    current.current = { pos, ratio, maxTop }
  })

  const scrollTo = useCallback(
    (wanted: number) => {
      const { ratio: r, maxTop: m } = current.current
      const top = Math.max(0, Math.min(m, wanted))
      const el = ref.current
      const target = Math.round(top / r)
      if (el && Math.abs(el.scrollTop - target) >= 1) {
        expected.current = target
        el.scrollTop = target
      }
      const next = { top, scrollTop: el?.scrollTop ?? target }
      current.current = { ...current.current, pos: next }
      setPos(next)
    },
    [ref],
  )

  const onScroll = useCallback(() => {
    const el = ref.current
    if (!el) return
    const s = el.scrollTop
    if (expected.current !== null && Math.abs(s - expected.current) < 1) {
      expected.current = null
      setPos((p) => (p.scrollTop === s ? p : { ...p, scrollTop: s }))
      return
    }
    expected.current = null
    const { ratio: r, maxTop: m } = current.current
    const next = { top: Math.min(m, s * r), scrollTop: s }
    current.current = { ...current.current, pos: next }
    setPos(next)
  }, [ref])

  const scaled = ratio > 1.0001
  useEffect(() => {
    const el = ref.current
    if (!el || !scaled) return
    const onWheel = (e: WheelEvent) => {
      if (e.ctrlKey || Math.abs(e.deltaY) < Math.abs(e.deltaX)) return
      e.preventDefault()
      const unit = e.deltaMode === 1 ? LINE_PX : e.deltaMode === 2 ? viewportHeight : 1
      scrollTo(current.current.pos.top + e.deltaY * unit)
    }
    el.addEventListener('wheel', onWheel, { passive: false })
    return () => el.removeEventListener('wheel', onWheel)
  }, [ref, scaled, scrollTo, viewportHeight])

  return {
    top: Math.min(pos.top, maxTop),
    scrollTop: pos.scrollTop,
    spacerHeight,
    scaled,
    scrollTo,
    onScroll,
  }
}
