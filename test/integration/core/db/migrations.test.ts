import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { AppError } from '#shared/contract/errors'
import { openDatabase } from '#core/db/data-source'
import { migrations } from '#core/db/migrations/index'
import { createMemoryLogger } from '#core/platform/logger'
import { namesOf, schemaOf, useTempDatabaseFile } from './migrations/migration-support'

// What holds for all migrations together. Each migration has its own test in ./migrations/NNNN-*.test.ts.

const tempFile = useTempDatabaseFile()
const migrationsDir = resolve(__dirname, '../../../../src/main/core/db/migrations')

describe('the migrations, in order', () => {
  it('one file per migration, NNNN-verb-noun.ts numbered from 0001 without gaps, listed in that order', async () => {
    const files = readdirSync(migrationsDir)
      .filter((f) => f !== 'index.ts')
      .sort()
    for (const f of files) expect(f).toMatch(/^\d{4}-[a-z]+(-[a-z0-9]+)+\.ts$/)
    expect(files.map((f) => Number(f.slice(0, 4)))).toEqual(files.map((_, i) => i + 1))
    const exported: unknown[] = []
    for (const f of files) {
      const mod = (await import(join(migrationsDir, f))) as Record<string, unknown>
      expect(Object.keys(mod), f).toHaveLength(1)
      exported.push(...Object.values(mod))
    }
    expect(exported).toEqual(migrations)
  })

  it('class names are VerbNoun<13-digit timestamp>, equal to their `name`, timestamps increasing', () => {
    const names = migrations.map((M) => new M().name ?? '')
    expect(names).toEqual(migrations.map((M) => M.name))
    for (const name of names) expect(name).toMatch(/^[A-Z][A-Za-z]+\d{13}$/)
    const stamps = names.map((n) => Number(n.slice(-13)))
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b))
    expect(new Set(stamps).size).toBe(stamps.length)
  })

  it('a new database runs every migration once, in the listed order', async () => {
    const file = tempFile()
    const logger = createMemoryLogger()
    await (await openDatabase({ file, logger })).close()
    const raw = new Database(file, { readonly: true })
    try {
      expect(raw.prepare('SELECT name FROM migrations ORDER BY id').pluck().all()).toEqual(
        migrations.map((M) => M.name),
      )
    } finally {
      raw.close()
    }
  })
})

describe('opening a database', () => {
  it('re-opening an up-to-date database runs nothing and changes nothing', async () => {
    const file = tempFile()
    await (await openDatabase({ file, logger: createMemoryLogger() })).close()
    const before = schemaOf(file)
    const logger = createMemoryLogger()
    const db = await openDatabase({ file, logger })
    const count = db.sqlite.prepare('SELECT count(*) FROM migrations').pluck().get()
    await db.close()
    expect(logger.lines.filter((l) => l.includes('migrations applied'))).toEqual([])
    expect(schemaOf(file)).toEqual(before)
    expect(count).toBe(migrations.length)
    expect(namesOf(file, 'table')).toContain('indicators')
  })

  it('refuses a database written by a newer version and leaves the file untouched', async () => {
    const file = tempFile()
    await (await openDatabase({ file, logger: createMemoryLogger() })).close()
    const raw = new Database(file)
    raw
      .prepare('INSERT INTO migrations (timestamp, name) VALUES (?, ?)')
      .run(9999999999999, 'FromTheFuture9999999999999')
    raw.pragma('wal_checkpoint(TRUNCATE)')
    raw.close()
    const digest = () => createHash('sha256').update(readFileSync(file)).digest('hex')
    const before = digest()
    const err = await openDatabase({ file, logger: createMemoryLogger() }).then(
      () => null,
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).code).toBe('database_too_new')
    expect((err as AppError).message).toContain('FromTheFuture9999999999999')
    expect(digest()).toBe(before)
  })
})
