import type { z } from 'zod'

/**
 * A contract method is data: its input and output schemas plus a one-line summary (used by the OpenAPI
 * document and the CLI help). Handlers, transports and the typed client are all derived from these objects.
 */
export type MethodSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> = {
  readonly input: I
  readonly output: O
  readonly summary: string
  /** Methods that change data; transports and the audit log treat them differently from reads. */
  readonly mutates: boolean
}

export const method = <I extends z.ZodType, O extends z.ZodType>(spec: {
  input: I
  output: O
  summary: string
  mutates?: boolean
}): MethodSpec<I, O> => ({ ...spec, mutates: spec.mutates ?? false })

export type ContractShape = Readonly<Record<string, MethodSpec>>
export type EventShape = Readonly<Record<string, z.ZodType>>

/** Merges per-domain contracts, refusing a method name declared twice (a silent override would be a bug). */
export const mergeContracts = <T extends readonly ContractShape[]>(
  ...parts: T
): UnionToIntersection<T[number]> => {
  const merged: Record<string, MethodSpec> = {}
  for (const part of parts) {
    for (const [name, spec] of Object.entries(part)) {
      if (name in merged) throw new Error(`Contract method declared twice: ${name}`)
      if (!/^[a-z][a-zA-Z]*\.[a-z][a-zA-Z]*$/.test(name)) {
        throw new Error(`Contract method name must be domain.verbNoun: ${name}`)
      }
      merged[name] = spec
    }
  }
  return merged as UnionToIntersection<T[number]>
}

export const mergeEvents = <T extends readonly EventShape[]>(
  ...parts: T
): UnionToIntersection<T[number]> => {
  const merged: Record<string, z.ZodType> = {}
  for (const part of parts) {
    for (const [name, schema] of Object.entries(part)) {
      if (name in merged) throw new Error(`Event declared twice: ${name}`)
      merged[name] = schema
    }
  }
  return merged as UnionToIntersection<T[number]>
}

type UnionToIntersection<U> = (U extends unknown ? (k: U) => void : never) extends (
  k: infer I,
) => void
  ? I
  : never
