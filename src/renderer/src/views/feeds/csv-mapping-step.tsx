import {
  CSV_MAPPED_FIELDS,
  mappingKey,
  type CsvMappedField,
  type CsvMapping,
  type CsvPreview,
} from '#shared/contract/feeds.contract'

const FIELD_LABELS: Record<CsvMappedField, string> = {
  value: 'Indicator (value)',
  type: 'Type',
  tags: 'Tags',
  description: 'Description',
  confidence: 'Confidence (0-100)',
  severity: 'Severity',
  classification: 'Classification',
  firstSeen: 'First seen',
  lastSeen: 'Last seen',
  tlp: 'TLP',
  threatType: 'Threat type',
  malware: 'Malware family',
  reference: 'Reference',
}

/** The mapping the step starts from: whatever the core recognised, or nothing mapped yet. */
export const initialMapping = (preview: CsvPreview): CsvMapping => ({
  hasHeader: true,
  ...(preview.mapping ?? {}),
  ...(preview.delimiter === ',' ? {} : { delimiter: preview.delimiter }),
})

/** True once the indicator's column is chosen: the one field an import cannot do without. */
export const mappingReady = (m: CsvMapping): boolean => m.valueColumn !== undefined

/**
 * The mapping step for a CSV whose columns were not recognised: its header and first rows, and for each
 * field the column it comes from. Columns are chosen by index, so a file without a header maps as well.
 */
export const CsvMappingStep = (props: {
  preview: CsvPreview
  mapping: CsvMapping
  onChange: (m: CsvMapping) => void
}) => {
  const { preview, mapping, onChange } = props
  const hasHeader = mapping.hasHeader !== false
  const width = Math.max(preview.columns.length, ...preview.rows.map((r) => r.length))
  const names = Array.from({ length: width }, (_, i) =>
    hasHeader && preview.columns[i] ? preview.columns[i] : `Column ${i + 1}`,
  )
  const rows = hasHeader ? preview.rows : [preview.columns, ...preview.rows]
  const columnOf = (f: CsvMappedField): number => {
    const v = mapping[mappingKey(f)]
    if (typeof v === 'number') return v
    if (typeof v === 'string') return preview.columns.findIndex((c) => c.trim() === v)
    return -1
  }
  const setColumn = (f: CsvMappedField, index: number) => {
    const next: CsvMapping = { ...mapping }
    if (index < 0) delete next[mappingKey(f)]
    else next[mappingKey(f)] = index
    onChange(next)
  }

  return (
    <div className="csv-mapping" data-testid="csv-mapping">
      <p>
        The columns of this CSV were not recognised. Pick the column each field comes from; only the
        indicator is required.
      </p>
      <label className="format-option">
        <input
          type="checkbox"
          checked={hasHeader}
          data-testid="csv-has-header"
          onChange={(e) => onChange({ ...mapping, hasHeader: e.target.checked })}
        />
        The first row is a header
      </label>
      <div className="csv-mapping-fields">
        {CSV_MAPPED_FIELDS.map((f) => (
          <label key={f} className="filter">
            <span>{FIELD_LABELS[f]}</span>
            <select
              value={columnOf(f)}
              data-testid={`csv-map-${f}`}
              onChange={(e) => setColumn(f, Number(e.target.value))}
            >
              <option value={-1}>{f === 'value' ? 'Choose a column…' : '(none)'}</option>
              {names.map((n, i) => (
                <option key={i} value={i}>
                  {n}
                </option>
              ))}
            </select>
          </label>
        ))}
      </div>
      <div className="csv-mapping-preview">
        <table className="csv-preview" data-testid="csv-preview">
          <thead>
            <tr>
              {names.map((n, i) => (
                <th key={i}>{n}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={i}>
                {names.map((_, j) => (
                  <td key={j} className="mono">
                    {r[j] ?? ''}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  )
}
