import { z } from 'zod'
import { Ok, Timestamp, Uuid } from './common.schemas'
import { method } from './define'

export const ProjectSchema = z.object({
  id: Uuid,
  name: z.string(),
  description: z.string(),
  archived: z.boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
})
export type Project = z.infer<typeof ProjectSchema>

const ProjectFields = {
  name: z.string().trim().min(1).max(200),
  description: z.string().max(20_000),
}

export const ProjectStatsSchema = z.object({
  projectId: Uuid,
  indicatorCount: z.number().int(),
  activeCount: z.number().int(),
  falsePositiveCount: z.number().int(),
  byType: z.record(z.string(), z.number().int()),
  bySeverity: z.record(z.string(), z.number().int()),
  lastActivity: Timestamp.nullable(),
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
    }),
    output: ProjectSchema,
    mutates: true,
  }),
  'projects.update': method({
    summary: 'Rename or describe a project',
    input: z.strictObject({ id: Uuid, patch: z.strictObject(ProjectFields).partial() }),
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
