import { describe, expect, it } from 'vitest'
import {
  catalogueOf,
  layoutMatrix,
  toggleTechnique,
  type MatrixTactic,
  type MatrixTechnique,
} from '../../../../../src/renderer/src/views/intel/attack-matrix-layout'

// Given out of kill-chain order on purpose.
const tactics: MatrixTactic[] = [
  { id: 'TA0002', name: 'Execution', shortName: 'execution' },
  { id: 'TA0040', name: 'Impact', shortName: 'impact' },
  { id: 'TA0001', name: 'Initial Access', shortName: 'initial-access' },
]

const techniques: MatrixTechnique[] = [
  { id: 'T1566', name: 'Phishing', tactics: ['initial-access'] },
  { id: 'T1566.001', name: 'Spearphishing Attachment', tactics: ['initial-access'] },
  { id: 'T1566.002', name: 'Spearphishing Link', tactics: ['initial-access'] },
  { id: 'T1059', name: 'Command and Scripting Interpreter', tactics: ['TA0002'] },
  { id: 'T1059.001', name: 'PowerShell', tactics: ['TA0002'], parentId: 'T1059' },
  { id: 'T1486', name: 'Data Encrypted for Impact', tactics: ['impact'] },
  { id: 'T1078', name: 'Valid Accounts', tactics: ['initial-access', 'TA0040'] },
]

describe('layoutMatrix', () => {
  it('orders the tactic columns by the kill chain and lists each parent technique under its tactics', () => {
    const m = layoutMatrix(tactics, techniques, [])
    expect(m.columns.map((c) => c.tactic.id)).toEqual(['TA0001', 'TA0002', 'TA0040'])
    expect(m.columns[0].cells.map((c) => c.id)).toEqual(['T1566', 'T1078'])
    expect(m.columns[1].cells.map((c) => c.id)).toEqual(['T1059'])
    // A technique of two tactics has a cell in both.
    expect(m.columns[2].cells.map((c) => c.id)).toEqual(['T1486', 'T1078'])
  })

  it('uses the catalogue order when it has one', () => {
    const ordered = tactics.map((t, i) => ({ ...t, order: -i }))
    const m = layoutMatrix(ordered, techniques, [])
    expect(m.columns.map((c) => c.tactic.id)).toEqual(['TA0001', 'TA0040', 'TA0002'])
  })

  it("marks the entity's techniques and counts its sub-techniques on the parent", () => {
    const m = layoutMatrix(tactics, techniques, ['t1566.001', 'T1566.002', 'T1059', 'T9999'])
    const phishing = m.columns[0].cells.find((c) => c.id === 'T1566')!
    expect(phishing).toMatchObject({ selected: false, subSelected: 2, subTotal: 2 })
    const exec = m.columns[1].cells[0]
    expect(exec).toMatchObject({ selected: true, subSelected: 0, subTotal: 1 })
    expect(m.columns.map((c) => c.hits)).toEqual([1, 1, 0])
    expect(m.unknown).toEqual(['T9999'])
    expect(m.known).toBe(3)
  })

  it('shows only the hit cells when asked', () => {
    const m = layoutMatrix(tactics, techniques, ['T1078'], { onlySelected: true })
    expect(m.columns.map((c) => c.cells.map((x) => x.id))).toEqual([['T1078'], [], ['T1078']])
  })
})

describe('toggleTechnique', () => {
  it('adds a normalised id once and removes it whatever its case', () => {
    expect(toggleTechnique(['T1059'], ' t1566.001 ')).toEqual(['T1059', 'T1566.001'])
    expect(toggleTechnique(['T1059', 'T1566.001'], 't1059')).toEqual(['T1566.001'])
  })
})

describe('catalogueOf', () => {
  it("turns attack.matrix's nested tactics into one entry per technique, keeping the kill-chain order", () => {
    const c = catalogueOf({
      tactics: [
        {
          id: 'TA0040',
          shortname: 'impact',
          name: 'Impact',
          techniques: [{ id: 'T1078', name: 'Valid Accounts', subTechniques: [] }],
        },
        {
          id: 'TA0001',
          shortname: 'initial-access',
          name: 'Initial Access',
          techniques: [
            { id: 'T1078', name: 'Valid Accounts', subTechniques: [] },
            {
              id: 'T1566',
              name: 'Phishing',
              subTechniques: [{ id: 'T1566.001', name: 'Spearphishing Attachment' }],
            },
          ],
        },
      ],
    })
    expect(c.tactics.map((t) => [t.id, t.order])).toEqual([
      ['TA0040', 0],
      ['TA0001', 1],
    ])
    expect(c.techniques).toEqual([
      { id: 'T1078', name: 'Valid Accounts', tactics: ['TA0040', 'TA0001'], parentId: null },
      { id: 'T1566', name: 'Phishing', tactics: ['TA0001'], parentId: null },
      { id: 'T1566.001', name: 'Spearphishing Attachment', tactics: ['TA0001'], parentId: 'T1566' },
    ])
    const m = layoutMatrix(c.tactics, c.techniques, ['T1566.001'])
    expect(m.columns.map((col) => col.tactic.id)).toEqual(['TA0040', 'TA0001'])
    expect(m.columns[1]?.cells.find((x) => x.id === 'T1566')).toMatchObject({ subSelected: 1 })
  })
})
