import type { Project } from '#shared/contract/projects.contract'

/** The edit form of a project, as text fields. */
export type ProjectDraft = { name: string; description: string; tags: string }

export const draftOf = (p: Project | null): ProjectDraft => ({
  name: p?.name ?? '',
  description: p?.description ?? '',
  tags: p?.tags.join(', ') ?? '',
})

/** Comma-separated tags as typed: trimmed, empty ones dropped, each kept once. */
export const parseTags = (text: string): string[] => [
  ...new Set(
    text
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== ''),
  ),
]

/** A count table sorted by size, largest first. */
export const sortedCounts = (counts: Record<string, number>): [string, number][] =>
  Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))

export const plural = (n: number, one: string, many = `${one}s`): string =>
  `${n} ${n === 1 ? one : many}`
