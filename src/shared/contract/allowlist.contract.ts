import { z } from 'zod'
import { IOC_TYPES } from '../domain/enums'
import { Ok, Timestamp, Uuid } from './common.schemas'
import { method } from './define'

const IocType = z.enum(IOC_TYPES)

export const AllowlistEntrySchema = z.object({
  /** The indicator id of (type, value). */
  id: Uuid,
  type: IocType,
  value: z.string(),
  reason: z.string(),
  createdBy: z.string(),
  createdAt: Timestamp,
})
export type AllowlistEntry = z.infer<typeof AllowlistEntrySchema>

/** The analysts' false-positive allowlist: later imports store these values as false positive and inactive. */
export const allowlistContract = {
  'allowlist.list': method({
    summary: 'The allowlist, newest first',
    input: z.strictObject({
      type: IocType.optional(),
      limit: z.number().int().min(1).max(10_000).default(1000),
    }),
    output: z.object({ items: z.array(AllowlistEntrySchema), total: z.number().int() }),
  }),
  'allowlist.add': method({
    summary:
      'Allowlist a value (canonicalised): later imports store it as false positive and inactive',
    input: z.strictObject({
      type: IocType.optional(),
      value: z.string().min(1).max(8192),
      reason: z.string().max(2000).optional(),
    }),
    output: AllowlistEntrySchema,
    mutates: true,
  }),
  'allowlist.remove': method({
    summary: 'Take a value off the allowlist (by id, or by value and optional type)',
    input: z.union([
      z.strictObject({ id: Uuid }),
      z.strictObject({ type: IocType.optional(), value: z.string().min(1).max(8192) }),
    ]),
    output: Ok,
    mutates: true,
  }),
} as const
