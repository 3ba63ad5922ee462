import { useMemo, useState } from 'react'
import {
  layoutMatrix,
  type MatrixCell,
  type MatrixTactic,
  type MatrixTechnique,
} from './attack-matrix-layout'

const cellTitle = (c: MatrixCell): string => {
  const subs =
    c.subTotal === 0 ? '' : `; ${c.subSelected} of ${c.subTotal} sub-techniques on this entity`
  return `${c.id} ${c.name}${c.selected ? ' (on this entity)' : ''}${subs}`
}

/**
 * The tactic-by-technique matrix of an actor or campaign: a column per tactic in kill-chain order, a cell
 * per technique, the entity's techniques highlighted and its sub-techniques counted on the parent. With
 * `onToggle` a cell click adds or removes the technique (the picker edits through the same grid).
 */
export const AttackMatrix = (props: {
  tactics: readonly MatrixTactic[]
  techniques: readonly MatrixTechnique[]
  selected: readonly string[]
  onToggle?: (techniqueId: string) => void
  busy?: boolean
}) => {
  const [onlySelected, setOnlySelected] = useState(props.onToggle === undefined)
  const layout = useMemo(
    () => layoutMatrix(props.tactics, props.techniques, props.selected, { onlySelected }),
    [props.tactics, props.techniques, props.selected, onlySelected],
  )
  const hits = layout.columns.reduce((n, c) => n + c.hits, 0)
  return (
    <div className="attack-matrix" data-testid="attack-matrix" data-hits={hits}>
      <div className="attack-matrix-tools">
        <label className="checkbox">
          <input
            type="checkbox"
            checked={onlySelected}
            data-testid="matrix-only-selected"
            onChange={(e) => setOnlySelected(e.target.checked)}
          />
          Only this entity&apos;s techniques
        </label>
        <span className="muted">
          {layout.known} technique{layout.known === 1 ? '' : 's'} in the matrix
        </span>
      </div>
      <div className="attack-matrix-grid" role="table" aria-label="ATT&CK matrix">
        {layout.columns.map((col) => (
          <div
            key={col.tactic.id}
            className="attack-column"
            role="rowgroup"
            data-testid="matrix-column"
            data-tactic={col.tactic.id}
          >
            <div className="attack-tactic" role="columnheader" title={col.tactic.id}>
              {col.tactic.name}
              <span className="attack-tactic-count">
                {col.hits}/{col.cells.length}
              </span>
            </div>
            {col.cells.map((c) => {
              const hit = c.selected || c.subSelected > 0
              const cls = [
                'attack-cell',
                c.selected ? 'attack-cell-selected' : '',
                !c.selected && c.subSelected > 0 ? 'attack-cell-sub' : '',
              ]
              const body = (
                <>
                  <span className="attack-cell-name">{c.name}</span>
                  <span className="attack-cell-id">
                    {c.id}
                    {c.subSelected > 0 ? ` · ${c.subSelected}/${c.subTotal} sub` : ''}
                  </span>
                </>
              )
              const { onToggle } = props
              return onToggle === undefined ? (
                <div
                  key={c.id}
                  role="cell"
                  className={cls.join(' ').trim()}
                  title={cellTitle(c)}
                  data-testid="matrix-cell"
                  data-technique={c.id}
                  data-hit={hit ? 'true' : 'false'}
                >
                  {body}
                </div>
              ) : (
                <button
                  key={c.id}
                  type="button"
                  role="cell"
                  className={cls.join(' ').trim()}
                  title={`${cellTitle(c)}: click to ${c.selected ? 'remove' : 'add'}`}
                  aria-pressed={c.selected}
                  disabled={props.busy}
                  data-testid="matrix-cell"
                  data-technique={c.id}
                  data-hit={hit ? 'true' : 'false'}
                  onClick={() => onToggle(c.id)}
                >
                  {body}
                </button>
              )
            })}
          </div>
        ))}
      </div>
      {layout.unknown.length > 0 ? (
        <p className="muted" data-testid="matrix-unknown">
          Not in the ATT&amp;CK catalogue: {layout.unknown.join(', ')}
        </p>
      ) : null}
    </div>
  )
}
