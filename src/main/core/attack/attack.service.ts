import { readFile, stat } from 'node:fs/promises'
import type { AttackCatalogueInfo } from '#shared/contract/attack.contract'
import { AppError } from '#shared/contract/errors'
import type { ChangeCaller } from '../audit/change-caller'
import type { CoreContext } from '../core-context'
import {
  MAX_ATTACK_BUNDLE_CHARS,
  catalogueFromBundleText,
  type BundleImport,
} from './attack-bundle'
import { parseCatalogue, type AttackCatalogue } from './attack-catalogue'
import { createAttackIndex, type AttackIndex } from './attack-index'
import { loadBuiltinCatalogue } from './attack-loader'

const DOMAIN = 'enterprise-attack'

type StoredRow = { data: string; imported_at: string }

export type AttackService = {
  /** The catalogue in use: the imported one if any, else the built-in one (read once, then kept). */
  index(): Promise<AttackIndex>
  importText(text: string, by: ChangeCaller): Promise<BundleImport & { info: AttackCatalogueInfo }>
  importFile(path: string, by: ChangeCaller): Promise<BundleImport & { info: AttackCatalogueInfo }>
  reset(by: ChangeCaller): Promise<AttackCatalogueInfo>
}

/**
 * ATT&CK offline: the built-in catalogue (resources/attack) unless the user imported a newer
 * enterprise-attack bundle, which is kept in attack_catalogue (migration 0017) and so survives a restart.
 * A stored catalogue that no longer parses (edited by hand, a future format) falls back to the built-in
 * one with a warning rather than leaving the app without ATT&CK.
 */
export const createAttackService = (
  ctx: Pick<CoreContext, 'db' | 'clock' | 'logger' | 'changes'>,
  deps: { builtin?: () => Promise<AttackCatalogue> } = {},
): AttackService => {
  const builtin = deps.builtin ?? (() => loadBuiltinCatalogue())
  let current: Promise<AttackIndex> | null = null

  const stored = (): AttackIndex | null => {
    const row = ctx.db.sqlite
      .prepare<[string], StoredRow>(
        'SELECT data, imported_at FROM attack_catalogue WHERE domain = ?',
      )
      .get(DOMAIN)
    if (row === undefined) return null
    try {
      const catalogue = parseCatalogue(JSON.parse(row.data), 'the imported ATT&CK catalogue')
      return createAttackIndex(catalogue, { origin: 'imported', importedAt: row.imported_at })
    } catch (e) {
      ctx.logger.warn('the imported ATT&CK catalogue is unreadable; using the built-in one', {
        error: e,
      })
      return null
    }
  }

  const load = async (): Promise<AttackIndex> =>
    stored() ?? createAttackIndex(await builtin(), { origin: 'builtin', importedAt: null })

  const index = (): Promise<AttackIndex> => {
    current ??= load().catch((e: unknown) => {
      current = null
      throw e
    })
    return current
  }

  const importText: AttackService['importText'] = async (text, by) => {
    const result = catalogueFromBundleText(text)
    const now = ctx.clock.now().toISOString()
    const c = result.catalogue
    await ctx.db.writes.run('attack.importBundle', () =>
      ctx.db.sqlite.transaction(() => {
        ctx.db.sqlite
          .prepare(
            `INSERT INTO attack_catalogue (domain, version, source, data, imported_at) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (domain) DO UPDATE SET version = excluded.version, source = excluded.source,
               data = excluded.data, imported_at = excluded.imported_at`,
          )
          .run(DOMAIN, c.version, c.source, JSON.stringify(c), now)
        ctx.changes.record(by, {
          entity: 'attack_catalogue',
          entityId: DOMAIN,
          operation: 'import',
          changes: {
            version: c.version,
            techniques: c.techniques.length,
            retired: result.retired,
            skipped: result.skipped,
          },
        })
      })(),
    )
    const next = createAttackIndex(c, { origin: 'imported', importedAt: now })
    current = Promise.resolve(next)
    return { ...result, info: next.info() }
  }

  return {
    index,
    importText,
    importFile: async (path, by) => {
      let size: number
      try {
        size = (await stat(path)).size
      } catch {
        throw new AppError('not_found', `path: ${path} does not exist`, { field: 'path' })
      }
      // Characters are at most bytes in UTF-8: a file within the byte bound is within the text one.
      if (size > MAX_ATTACK_BUNDLE_CHARS) {
        throw new AppError(
          'payload_too_large',
          `path: ${size} bytes, more than ${MAX_ATTACK_BUNDLE_CHARS}`,
          { field: 'path', limit: MAX_ATTACK_BUNDLE_CHARS },
        )
      }
      return importText(await readFile(path, 'utf8'), by)
    },
    reset: async (by) => {
      await ctx.db.writes.run('attack.resetCatalogue', () =>
        ctx.db.sqlite.transaction(() => {
          const gone = ctx.db.sqlite
            .prepare('DELETE FROM attack_catalogue WHERE domain = ?')
            .run(DOMAIN).changes
          if (gone > 0) {
            ctx.changes.record(by, {
              entity: 'attack_catalogue',
              entityId: DOMAIN,
              operation: 'delete',
              changes: {},
            })
          }
        })(),
      )
      current = null
      return (await index()).info()
    },
  }
}
