import { z } from 'zod'
import { Ok, Timestamp, Uuid, boundedJsonObject } from './common.schemas'
import { method } from './define'
import { IntelKindSchema } from './intel.schemas'

/** Bounds of a project's free-form settings: they are stored as one JSON text and sent on every read. */
export const PROJECT_SETTINGS_MAX_BYTES = 16 * 1024
export const PROJECT_SETTINGS_MAX_DEPTH = 8
export const PROJECT_TAGS_MAX = 64

/** A JSON object the analyst or a tool keeps with the project; bounded in size and nesting. */
export const ProjectSettingsSchema = boundedJsonObject({
  maxBytes: PROJECT_SETTINGS_MAX_BYTES,
  maxDepth: PROJECT_SETTINGS_MAX_DEPTH,
})
export type ProjectSettings = z.infer<typeof ProjectSettingsSchema>

const ProjectTag = z.string().trim().min(1).max(128)

export const ProjectSchema = z.object({
  id: Uuid,
  name: z.string(),
  description: z.string(),
  tags: z.array(z.string()),
  settings: z.record(z.string(), z.unknown()),
  archived: z.boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
})
export type Project = z.infer<typeof ProjectSchema>

const ProjectFields = {
  name: z.string().trim().min(1).max(200),
  description: z.string().max(20_000),
  tags: z.array(ProjectTag).max(PROJECT_TAGS_MAX),
  settings: ProjectSettingsSchema,
}

export const ProjectPatchSchema = z.strictObject({
  ...z.object(ProjectFields).partial().shape,
  archived: z.boolean().optional(),
})
export type ProjectPatch = z.infer<typeof ProjectPatchSchema>

/** Days counted as "recent" in a project's statistics. */
export const PROJECT_RECENT_DAYS = 7

/**
 * A day of a project's activity, from the tables: an entity counts as updated on the day of its latest
 * change (not on each change), and a report as published on its publishedAt.
 */
export const ProjectDaySchema = z.object({
  /** YYYY-MM-DD, UTC. */
  day: z.string(),
  indicatorsAdded: z.number().int(),
  entitiesAdded: z.number().int(),
  /** Changed that day, created on an earlier one. */
  entitiesUpdated: z.number().int(),
  reportsPublished: z.number().int(),
})
export type ProjectDay = z.infer<typeof ProjectDaySchema>

export const ProjectStatsSchema = z.object({
  projectId: Uuid,
  totalIndicators: z.number().int(),
  activeCount: z.number().int(),
  falsePositiveCount: z.number().int(),
  /** Indicators created or changed in the last PROJECT_RECENT_DAYS days. */
  recentActivityCount: z.number().int(),
  /** Mean score (0-100) of the project's active indicators; null without any. */
  riskScore: z.number().nullable(),
  byType: z.record(z.string(), z.number().int()),
  bySeverity: z.record(z.string(), z.number().int()),
  lastActivity: Timestamp.nullable(),
  /** The project's intel entities by kind (every kind, 0 included). */
  intelCounts: z.record(IntelKindSchema, z.number().int()),
  /** One entry per UTC day of the last PROJECT_RECENT_DAYS days, oldest first, today last. */
  activity: z.array(ProjectDaySchema),
})
export type ProjectStats = z.infer<typeof ProjectStatsSchema>

export const projectsContract = {
  'projects.list': method({
    summary: 'List projects',
    input: z.strictObject({ includeArchived: z.boolean().default(false) }),
    output: z.object({ items: z.array(ProjectSchema) }),
  }),
  'projects.get': method({
    summary: 'Get one project',
    input: z.strictObject({ id: Uuid }),
    output: ProjectSchema,
  }),
  'projects.create': method({
    summary: 'Create a project; 409 if the name is taken',
    input: z.strictObject({
      name: ProjectFields.name,
      description: ProjectFields.description.default(''),
      tags: ProjectFields.tags.default([]),
      settings: ProjectFields.settings.default({}),
    }),
    output: ProjectSchema,
    mutates: true,
  }),
  'projects.update': method({
    summary:
      'Rename, describe, tag, configure or (un)archive a project; 409 if the new name is taken',
    input: z.strictObject({ id: Uuid, patch: ProjectPatchSchema }),
    output: ProjectSchema,
    mutates: true,
  }),
  'projects.delete': method({
    summary: 'Delete a project; its indicators are kept and detached',
    input: z.strictObject({ id: Uuid }),
    output: Ok,
    mutates: true,
  }),
  'projects.archive': method({
    summary: 'Archive a project',
    input: z.strictObject({ id: Uuid }),
    output: ProjectSchema,
    mutates: true,
  }),
  'projects.unarchive': method({
    summary: 'Unarchive a project',
    input: z.strictObject({ id: Uuid }),
    output: ProjectSchema,
    mutates: true,
  }),
  'projects.stats': method({
    summary: 'Indicator statistics of a project',
    input: z.strictObject({ id: Uuid }),
    output: ProjectStatsSchema,
  }),
} as const
