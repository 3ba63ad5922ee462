import type {
  AttackCatalogueInfo,
  AttackTacticDto,
  AttackTechniqueDto,
} from '#shared/contract/attack.contract'
import { AppError } from '#shared/contract/errors'
import type { z } from 'zod'
import type {
  AttackMatrixSchema,
  AttackTechniqueDetailSchema,
} from '#shared/contract/attack.contract'
import type { AttackCatalogue } from './attack-catalogue'

type Matrix = z.infer<typeof AttackMatrixSchema>
type TechniqueDetail = z.infer<typeof AttackTechniqueDetailSchema>

export type AttackOrigin = { origin: 'builtin' | 'imported'; importedAt: string | null }

/** A catalogue made searchable: lookups by id, techniques per tactic, the matrix, name words. */
export type AttackIndex = {
  readonly catalogue: AttackCatalogue
  info(): AttackCatalogueInfo
  tactics(): AttackTacticDto[]
  /** The tactic by id (TA0002) or shortname (execution). */
  tactic(idOrShortname: string): AttackTacticDto | undefined
  technique(id: string): AttackTechniqueDto | undefined
  search(q: { q: string; tactic?: string; limit: number }): AttackTechniqueDto[]
  detail(id: string): TechniqueDetail
  matrix(): Matrix
  /** Whether an id is a known technique or sub-technique. */
  has(id: string): boolean
}

const parentOf = (id: string): string | null =>
  id.includes('.') ? id.slice(0, id.indexOf('.')) : null

const words = (s: string): string[] =>
  s
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '')

const ATTACK_ID_PREFIX = /^T\d{1,4}(\.\d{0,3})?$/i

export const createAttackIndex = (
  catalogue: AttackCatalogue,
  origin: AttackOrigin,
): AttackIndex => {
  const rank = new Map(catalogue.tactics.map((t, i) => [t.shortname, i]))
  const tacticsByKey = new Map<string, AttackTacticDto>()
  for (const t of catalogue.tactics) {
    tacticsByKey.set(t.id, t)
    tacticsByKey.set(t.shortname, t)
  }
  const techniques = new Map<string, AttackTechniqueDto>()
  const children = new Map<string, AttackTechniqueDto[]>()
  const haystack = new Map<string, string>()
  for (const t of catalogue.techniques) {
    const dto: AttackTechniqueDto = {
      id: t.id,
      name: t.name,
      tactics: [...t.tactics].sort((a, b) => (rank.get(a) ?? 0) - (rank.get(b) ?? 0)),
      platforms: t.platforms,
      parentId: parentOf(t.id),
    }
    techniques.set(t.id, dto)
    haystack.set(t.id, words(t.name).join(' '))
    if (dto.parentId !== null) {
      const list = children.get(dto.parentId) ?? []
      list.push(dto)
      children.set(dto.parentId, list)
    }
  }
  const ordered = [...techniques.values()]
  const ref = (t: AttackTechniqueDto) => ({ id: t.id, name: t.name })

  const info = (): AttackCatalogueInfo => {
    const subs = ordered.filter((t) => t.parentId !== null).length
    return {
      domain: catalogue.domain,
      version: catalogue.version,
      source: catalogue.source,
      origin: origin.origin,
      importedAt: origin.importedAt,
      counts: {
        tactics: catalogue.tactics.length,
        techniques: ordered.length - subs,
        subTechniques: subs,
        groups: catalogue.groups.length,
        software: catalogue.software.length,
      },
    }
  }

  const search: AttackIndex['search'] = ({ q, tactic, limit }) => {
    let shortname: string | undefined
    if (tactic !== undefined) {
      shortname =
        tacticsByKey.get(tactic)?.shortname ?? tacticsByKey.get(tactic.toLowerCase())?.shortname
      if (shortname === undefined) {
        throw new AppError(
          'invalid_input',
          `tactic: ${JSON.stringify(tactic)} is not an ATT&CK tactic`,
          {
            field: 'tactic',
          },
        )
      }
    }
    const text = q.trim()
    const byId = ATTACK_ID_PREFIX.test(text) ? text.toUpperCase() : null
    const terms = byId === null ? words(text) : []
    const out: AttackTechniqueDto[] = []
    // An exact id first, then the rest in id order (T1059 before its sub-techniques).
    const exact = byId === null ? undefined : techniques.get(byId)
    if (exact !== undefined && (shortname === undefined || exact.tactics.includes(shortname)))
      out.push(exact)
    for (const t of ordered) {
      if (out.length >= limit) break
      if (t === exact) continue
      if (shortname !== undefined && !t.tactics.includes(shortname)) continue
      if (byId !== null) {
        if (!t.id.startsWith(byId)) continue
      } else if (terms.length > 0) {
        const hay = haystack.get(t.id) ?? ''
        const hayWords = hay.split(' ')
        if (!terms.every((w) => hayWords.some((h) => h.startsWith(w)))) continue
      }
      out.push(t)
    }
    return out.slice(0, limit)
  }

  const detail = (id: string): TechniqueDetail => {
    const t = techniques.get(id)
    if (t === undefined) {
      throw new AppError(
        'not_found',
        `id: ${id} is not a technique of ATT&CK ${catalogue.version}`,
        { field: 'id' },
      )
    }
    const parent = t.parentId === null ? undefined : techniques.get(t.parentId)
    return {
      ...t,
      parent: parent === undefined ? null : ref(parent),
      subTechniques: (children.get(t.id) ?? []).map(ref),
      tacticRefs: t.tactics
        .map((s) => tacticsByKey.get(s))
        .filter((x): x is AttackTacticDto => x !== undefined),
    }
  }

  const matrix = (): Matrix => ({
    version: catalogue.version,
    tactics: catalogue.tactics.map((tac) => ({
      ...tac,
      techniques: ordered
        .filter((t) => t.parentId === null && t.tactics.includes(tac.shortname))
        .map((t) => ({
          ...ref(t),
          subTechniques: (children.get(t.id) ?? [])
            .filter((s) => s.tactics.includes(tac.shortname))
            .map(ref),
        })),
    })),
  })

  return {
    catalogue,
    info,
    tactics: () => catalogue.tactics.map((t) => ({ ...t })),
    tactic: (k) => tacticsByKey.get(k),
    technique: (id) => techniques.get(id),
    search,
    detail,
    matrix,
    has: (id) => techniques.has(id),
  }
}
