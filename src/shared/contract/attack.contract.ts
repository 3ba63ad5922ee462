import { z } from 'zod'
import { Timestamp } from './common.schemas'
import { method } from './define'
import { FileHandleSchema } from './files.contract'

/**
 * MITRE ATT&CK offline (issue 11): the catalogue the app ships (resources/attack, built by
 * scripts/build-attack-catalogue.ts) or the newer enterprise-attack STIX bundle the user imported, and the
 * rebuild of the intel knowledge base from the STIX and MISP objects imports stored raw.
 */

/** A bundle sent as text (HTTP, the browser build): MITRE's enterprise-attack.json fits with room. */
export const MAX_ATTACK_BUNDLE_TEXT = 200 * 1024 * 1024
export const MAX_TECHNIQUE_RESULTS = 1000

const TechniqueId = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^T\d{4}(\.\d{3})?$/, 'an ATT&CK technique id such as T1059 or T1059.001')

export const AttackTacticSchema = z.object({
  id: z.string(),
  /** The kill-chain phase name techniques use (execution, defense-evasion). */
  shortname: z.string(),
  name: z.string(),
})
export type AttackTacticDto = z.infer<typeof AttackTacticSchema>

export const AttackTechniqueSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Tactic shortnames, in kill-chain order. */
  tactics: z.array(z.string()),
  platforms: z.array(z.string()),
  /** T1059 for T1059.001; null for a technique. */
  parentId: z.string().nullable(),
})
export type AttackTechniqueDto = z.infer<typeof AttackTechniqueSchema>

const Ref = z.object({ id: z.string(), name: z.string() })

export const AttackTechniqueDetailSchema = AttackTechniqueSchema.extend({
  parent: Ref.nullable(),
  subTechniques: z.array(Ref),
  /** The tactics it serves, with their names. */
  tacticRefs: z.array(AttackTacticSchema),
})

export const AttackCatalogueInfoSchema = z.object({
  domain: z.string(),
  /** The ATT&CK version, e.g. 18.1. */
  version: z.string(),
  /** MITRE's notice, which its terms require to be shown with the data. */
  source: z.string(),
  /** builtin: shipped with the app; imported: a bundle the user imported replaces it. */
  origin: z.enum(['builtin', 'imported']),
  importedAt: Timestamp.nullable(),
  counts: z.object({
    tactics: z.number().int(),
    techniques: z.number().int(),
    subTechniques: z.number().int(),
    groups: z.number().int(),
    software: z.number().int(),
  }),
})
export type AttackCatalogueInfo = z.infer<typeof AttackCatalogueInfoSchema>

export const AttackMatrixSchema = z.object({
  version: z.string(),
  tactics: z.array(
    AttackTacticSchema.extend({
      techniques: z.array(Ref.extend({ subTechniques: z.array(Ref) })),
    }),
  ),
})

const BundleIssueSchema = z.object({ object: z.string(), message: z.string() })

export const AttackImportResultSchema = z.object({
  catalogue: AttackCatalogueInfoSchema,
  /** Objects left out or cut, named by position and id (the first 100). */
  issues: z.array(BundleIssueSchema),
  /** Revoked and deprecated objects left out. */
  retired: z.number().int(),
  skipped: z.number().int(),
})

export const KnowledgeRebuildReportSchema = z.object({
  /** Raw STIX and MISP objects read. */
  objects: z.number().int(),
  /** Entity writes: created, merged with something new, or given techniques (one entity may count twice). */
  entities: z.number().int(),
  relationships: z.number().int(),
  reportObjects: z.number().int(),
  /** References to objects not imported yet, kept to be resolved when they arrive. */
  pending: z.number().int(),
})
export type KnowledgeRebuildReport = z.infer<typeof KnowledgeRebuildReportSchema>

export const attackContract = {
  'attack.getCatalogue': method({
    summary:
      'The ATT&CK catalogue in use: version, MITRE notice, whether built in or imported, and counts',
    input: z.strictObject({}),
    output: AttackCatalogueInfoSchema,
  }),
  'attack.listTactics': method({
    summary: 'The ATT&CK tactics in kill-chain order',
    input: z.strictObject({}),
    output: z.object({ items: z.array(AttackTacticSchema) }),
  }),
  'attack.searchTechniques': method({
    summary:
      'ATT&CK techniques and sub-techniques by id (T1059, T1059.001, a prefix) or name words, optionally of one tactic (id or shortname)',
    input: z.strictObject({
      q: z.string().trim().max(200).default(''),
      tactic: z.string().trim().min(1).max(64).optional(),
      limit: z.number().int().min(1).max(MAX_TECHNIQUE_RESULTS).default(50),
    }),
    output: z.object({ items: z.array(AttackTechniqueSchema) }),
  }),
  'attack.getTechnique': method({
    summary: 'One ATT&CK technique or sub-technique with its tactics, parent and sub-techniques',
    input: z.strictObject({ id: TechniqueId }),
    output: AttackTechniqueDetailSchema,
  }),
  'attack.matrix': method({
    summary:
      'The ATT&CK matrix: tactics in kill-chain order, each with its techniques and their sub-techniques',
    input: z.strictObject({}),
    output: AttackMatrixSchema,
  }),
  'attack.importBundle': method({
    summary:
      'Import a newer enterprise-attack STIX bundle (its text; a path from the CLI; a handle from the desktop file dialog, files.pickImport): it replaces the built-in catalogue and survives a restart',
    input: z
      .strictObject({
        text: z.string().min(1).max(MAX_ATTACK_BUNDLE_TEXT).optional(),
        /** The CLI and in-process callers only. */
        path: z.string().min(1).max(4096).optional(),
        handle: FileHandleSchema.optional(),
      })
      .refine(
        (q) => [q.text, q.path, q.handle].filter((x) => x !== undefined).length === 1,
        'give exactly one of text, path or handle',
      ),
    output: AttackImportResultSchema,
    mutates: true,
  }),
  'attack.resetCatalogue': method({
    summary: 'Drop the imported ATT&CK bundle and go back to the built-in catalogue',
    input: z.strictObject({}),
    output: AttackCatalogueInfoSchema,
    mutates: true,
  }),
  'attack.rebuildKnowledge': method({
    summary:
      'Rebuild threat actors, campaigns, vulnerabilities, malware, reports and relationships from every STIX and MISP object imports stored (data imported before the knowledge base existed); also a job (jobs.start)',
    input: z.strictObject({}),
    output: KnowledgeRebuildReportSchema,
    mutates: true,
  }),
} as const
