import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { DataSource } from 'typeorm'
import { afterEach, describe, expect, it } from 'vitest'
import { CreateIndicators1763683200000 } from '#core/db/migrations/0001-create-indicators'
import { CreateFeeds1763683300000 } from '#core/db/migrations/0002-create-feeds'
import { CreateSearchLog1763683400000 } from '#core/db/migrations/0003-create-search-log'
import { AddProjectTagsSettings1763683800000 } from '#core/db/migrations/0006-add-project-tags-settings'
import { migrations } from '#core/db/migrations/index'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const before0006 = [
  CreateIndicators1763683200000,
  CreateFeeds1763683300000,
  CreateSearchLog1763683400000,
]

const sourceFor = (file: string, list: (typeof migrations)[number][]) =>
  new DataSource({ type: 'better-sqlite3', database: file, migrations: list })

const columns = (file: string): string[] => {
  const db = new Database(file, { readonly: true })
  try {
    return (db.prepare('PRAGMA table_info(projects)').all() as { name: string }[]).map(
      (c) => c.name,
    )
  } finally {
    db.close()
  }
}

describe('migration 0006 (project tags and settings)', () => {
  it('adds the columns with empty values for the projects that exist, and goes back down', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'te-'))
    dirs.push(dir)
    const file = join(dir, 'threateye.sqlite')
    const old = sourceFor(file, before0006)
    await old.initialize()
    await old.runMigrations({ transaction: 'each' })
    await old.destroy()
    const raw = new Database(file)
    raw
      .prepare(
        `INSERT INTO projects (id, name, description, archived, created_at, updated_at)
         VALUES ('00000000-0000-4000-8000-000000000001', 'Legacy case', 'kept', 0, ?, ?)`,
      )
      .run('2025-11-21T10:00:00.000Z', '2025-11-21T10:00:00.000Z')
    raw.close()

    const ds = sourceFor(file, [...before0006, AddProjectTagsSettings1763683800000])
    await ds.initialize()
    const ran = await ds.runMigrations({ transaction: 'each' })
    expect(ran.map((m) => m.name)).toEqual(['AddProjectTagsSettings1763683800000'])
    const rows = await ds.query<{ tags: string }[]>(
      'SELECT name, description, tags, settings FROM projects',
    )
    expect(rows).toEqual([{ name: 'Legacy case', description: 'kept', tags: '[]', settings: '{}' }])
    await ds.undoLastMigration({ transaction: 'each' })
    await ds.destroy()
    expect(columns(file)).not.toContain('tags')
    expect(columns(file)).not.toContain('settings')
    expect(columns(file)).toEqual(expect.arrayContaining(['name', 'description', 'archived']))
  })

  it('is listed after 0003 with a 13-digit timestamp name', () => {
    const names = migrations.map((m) => new m().name)
    expect(names.indexOf('AddProjectTagsSettings1763683800000')).toBeGreaterThan(
      names.indexOf('CreateSearchLog1763683400000'),
    )
    expect(new AddProjectTagsSettings1763683800000().name).toMatch(/^AddProjectTagsSettings\d{13}$/)
  })
})
