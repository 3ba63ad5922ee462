import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useRef } from 'react'
import { useStore } from 'zustand'
import type { TriageItem } from '#shared/contract/triage.contract'
import { rowAt, rowCount } from '../../stores/page-window'
import type { TriageStore } from '../../stores/triage.store'
import { ageOf } from './triage-format'

const ROW_HEIGHT = 36

const Row = (props: {
  item: TriageItem | null
  index: number
  focused: boolean
  selected: boolean
  now: number
  onClick: () => void
}) => {
  const { item } = props
  if (item === null) {
    return <div className="triage-row loading">…</div>
  }
  const cls = ['triage-row', props.focused ? 'focused' : '', props.selected ? 'selected' : '']
  return (
    <div
      className={cls.join(' ').trim()}
      role="row"
      aria-selected={props.selected}
      data-testid="triage-row"
      data-kind={item.kind}
      data-id={item.id}
      data-focused={props.focused ? 'true' : undefined}
      data-status={item.status}
      onClick={props.onClick}
    >
      <span className="cell sel" aria-hidden="true">
        {props.selected ? '✓' : ''}
      </span>
      <span className={`cell kind kind-${item.kind}`}>{item.kind}</span>
      <span className="cell num" data-testid="triage-severity">
        {item.severity}
      </span>
      <span className="cell num">{item.score ?? '–'}</span>
      <span className="cell title" title={item.value ?? item.title}>
        {item.title}
        {item.value !== null && item.value !== item.title ? (
          <span className="value"> {item.value}</span>
        ) : null}
      </span>
      <span className="cell status" data-testid="triage-status">
        {item.status}
      </span>
      <span className="cell sources" title={item.sources.join(', ')}>
        {item.sources.slice(0, 3).join(', ')}
      </span>
      <span className="cell age">{ageOf(item.at, props.now)}</span>
      <span className="cell assignee" data-testid="triage-assignee">
        {item.assignee ?? ''}
      </span>
    </div>
  )
}

/** The queue as a virtual list: only the rows on screen exist; pages load as they come into view. */
export const TriageList = (props: { store: TriageStore }) => {
  const { store } = props
  const w = useStore(store, (s) => s.window)
  const focus = useStore(store, (s) => s.focus)
  const selection = useStore(store, (s) => s.selection)
  const revealSeq = useStore(store, (s) => s.revealSeq)
  const scroller = useRef<HTMLDivElement>(null)
  const count = rowCount(w)
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is used as documented
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  })
  const rows = virtualizer.getVirtualItems()
  const first = rows[0]?.index ?? 0
  const last = rows[rows.length - 1]?.index ?? 0
  useEffect(() => {
    void store.getState().ensureRows(first, last)
  }, [store, first, last, w])
  useEffect(() => {
    if (revealSeq > 0) virtualizer.scrollToIndex(store.getState().focus, { align: 'auto' })
  }, [revealSeq, store, virtualizer])
  const now = Date.now()
  return (
    <div className="triage-list" role="grid" aria-rowcount={count} data-testid="triage-list">
      <div className="triage-row header" role="row">
        <span className="cell sel" />
        <span className="cell kind">kind</span>
        <span className="cell num">sev</span>
        <span className="cell num">score</span>
        <span className="cell title">title / value</span>
        <span className="cell status">status</span>
        <span className="cell sources">sources</span>
        <span className="cell age">age</span>
        <span className="cell assignee">assignee</span>
      </div>
      <div className="triage-scroll" ref={scroller}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {rows.map((r) => {
            const item = rowAt(w, r.index)
            return (
              <div
                key={r.key}
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  right: 0,
                  height: ROW_HEIGHT,
                  transform: `translateY(${r.start}px)`,
                }}
              >
                <Row
                  item={item}
                  index={r.index}
                  focused={r.index === focus}
                  selected={item !== null && selection.has(`${item.kind}:${item.id}`)}
                  now={now}
                  onClick={() => store.getState().focusAt(r.index)}
                />
              </div>
            )
          })}
        </div>
      </div>
    </div>
  )
}
