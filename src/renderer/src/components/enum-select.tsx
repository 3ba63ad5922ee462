import type { SelectHTMLAttributes } from 'react'

type Props<T extends string> = Omit<
  SelectHTMLAttributes<HTMLSelectElement>,
  'value' | 'onChange' | 'children'
> & {
  options: readonly T[]
  value: T
  onChange: (value: T) => void
  /** How an option reads; the value itself by default. */
  label?: (value: T) => string
}

/**
 * A <select> over one of the domain's closed vocabularies (severity, classification, TLP...). The change
 * handler only ever sees a member of `options`, so callers need no cast and no fallback.
 */
export const EnumSelect = <T extends string>({
  options,
  value,
  onChange,
  label = (v) => v,
  ...rest
}: Props<T>) => (
  <select
    {...rest}
    value={value}
    onChange={(e) => {
      const picked = options.find((o) => o === e.target.value)
      if (picked !== undefined) onChange(picked)
    }}
  >
    {options.map((o) => (
      <option key={o} value={o}>
        {label(o)}
      </option>
    ))}
  </select>
)

export const upperCase = (s: string): string => s.toUpperCase()
