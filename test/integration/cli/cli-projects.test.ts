import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from './cli-support'

type ProjectJson = {
  id: string
  name: string
  description: string
  tags: string[]
  archived: boolean
}

let dataDir: string
const cli = (...args: string[]) => runCli(args, { THREATEYE_DATA_DIR: dataDir })
const json = <T>(stdout: string) => JSON.parse(stdout) as T

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'te-'))
})
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true })
})

describe('threateye projects', () => {
  it('lists its commands with their help', async () => {
    const all = await cli('--help')
    for (const c of ['list', 'create', 'rename', 'tag', 'archive', 'unarchive', 'delete', 'stats'])
      expect(all.stdout).toContain(`projects ${c}`)
    const del = await cli('projects', 'delete', '--help')
    expect(del.code).toBe(0)
    for (const o of ['--yes', '--json', '--data-dir']) expect(del.stdout).toContain(o)
    expect(del.stdout).toContain('kept')
  })

  let p: ProjectJson

  it('creates, refuses a taken name, renames and tags', { timeout: 120_000 }, async () => {
    const created = await cli(
      'projects',
      'create',
      'Operation Dusk',
      '--description',
      'APT28 infrastructure',
      '--tag',
      'apt',
      '--json',
    )
    expect(created.code, created.stderr).toBe(0)
    p = json<ProjectJson>(created.stdout)
    expect(p).toMatchObject({ name: 'Operation Dusk', tags: ['apt'], archived: false })

    const dup = await cli('projects', 'create', 'Operation Dusk')
    expect(dup.code).toBe(1)
    expect(dup.stderr).toContain('already exists')

    const renamed = await cli('projects', 'rename', 'operation dusk', 'Operation Dawn', '--json')
    expect(json<ProjectJson>(renamed.stdout)).toMatchObject({ id: p.id, name: 'Operation Dawn' })

    const tagged = await cli('projects', 'tag', p.id, 'russia', 'apt', '--json')
    expect(json<ProjectJson>(tagged.stdout).tags).toEqual(['apt', 'russia'])
    const untagged = await cli('projects', 'tag', 'Operation Dawn', 'apt', '--remove', '--json')
    expect(json<ProjectJson>(untagged.stdout).tags).toEqual(['russia'])
  })

  it('shows the statistics of its indicators', { timeout: 120_000 }, async () => {
    const added = await cli(
      'indicators',
      'add',
      '203.0.113.70',
      '--project',
      p.id,
      '--severity',
      'high',
    )
    expect(added.code, added.stderr).toBe(0)
    await cli('indicators', 'add', 'dawn.example', '--project', p.id)

    const stats = await cli('projects', 'stats', 'Operation Dawn', '--json')
    expect(json<Record<string, unknown>>(stats.stdout)).toMatchObject({
      totalIndicators: 2,
      byType: { ip: 1, domain: 1 },
      bySeverity: { high: 1, medium: 1 },
    })
    const statsText = await cli('projects', 'stats', 'Operation Dawn')
    expect(statsText.stdout).toMatch(/indicators\s+2/)
    expect(statsText.stdout).toMatch(/ip\s+1/)
    expect(statsText.stdout).toMatch(/threat-actor\s+0/)
    expect(statsText.stdout).toContain('REPORTS PUBLISHED')
  })

  it('archives, unarchives and deletes only with --yes', { timeout: 120_000 }, async () => {
    const archived = await cli('projects', 'archive', 'Operation Dawn', '--json')
    expect(json<ProjectJson>(archived.stdout).archived).toBe(true)
    expect(json<ProjectJson[]>((await cli('projects', 'list', '--json')).stdout)).toEqual([])
    const all = await cli('projects', 'list', '--all')
    expect(all.stdout).toMatch(/Operation Dawn\s+russia\s+yes/)
    const back = await cli('projects', 'unarchive', 'Operation Dawn', '--json')
    expect(json<ProjectJson>(back.stdout).archived).toBe(false)

    const refused = await cli('projects', 'delete', 'Operation Dawn')
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('detaches its 2 indicator(s)')
    expect(refused.stderr).toContain('--yes')
    const deleted = await cli('projects', 'delete', 'Operation Dawn', '--yes')
    expect(deleted.code).toBe(0)
    expect(deleted.stdout).toContain('2 indicator(s) are kept')
    const kept = await cli('indicators', 'list', '--json')
    expect(json<{ items: { projectId: string | null }[] }>(kept.stdout).items).toHaveLength(2)
  })

  it('names a project that does not exist', async () => {
    const r = await cli('projects', 'stats', 'Nothing here')
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('No project named "Nothing here"')
  })
})
