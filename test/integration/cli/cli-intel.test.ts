import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from './cli-support'

type Json = Record<string, unknown>

let dataDir: string
const cli = (...args: string[]) => runCli(args, { THREATEYE_DATA_DIR: dataDir })
const json = <T = Json>(stdout: string) => JSON.parse(stdout) as T

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'te-'))
})
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true })
})

describe('threateye intel and report', () => {
  it('lists its commands with their help', async () => {
    const all = await cli('--help')
    for (const c of ['intel list', 'intel show', 'intel create', 'intel delete'])
      expect(all.stdout).toContain(c)
    for (const c of ['list', 'show', 'create', 'attach', 'publish'])
      expect(all.stdout).toContain(`report ${c}`)
    const attach = await cli('report', 'attach', '--help')
    expect(attach.code).toBe(0)
    for (const o of ['--indicator', '--type', '--q', '--json']) expect(attach.stdout).toContain(o)
  })

  it(
    'creates, lists, shows and deletes an entity; refuses a bad kind, a dupe and a delete without --yes',
    { timeout: 120_000 },
    async () => {
      const made = await cli(
        'intel',
        'create',
        'threat-actor',
        'APT Cli',
        '--alias',
        'Cli Bear',
        '--technique',
        'T1059.001',
        '--details',
        '{"actorType":"apt"}',
        '--json',
      )
      expect(made.code, made.stderr).toBe(0)
      const actor = json(made.stdout)
      expect(actor).toMatchObject({ kind: 'threat-actor', aliases: ['Cli Bear'] })
      const dupe = await cli('intel', 'create', 'threat-actor', 'cli bear')
      expect(dupe.code).toBe(1)
      expect(dupe.stderr).toContain('APT Cli')
      const badKind = await cli('intel', 'list', 'pirates')
      expect(badKind.code).toBe(2)
      expect(badKind.stderr).toContain('<kind>')
      const list = await cli('intel', 'list', 'threat-actor', '--technique', 'T1059')
      expect(list.stdout).toContain('APT Cli')
      const shown = await cli('intel', 'show', 'Cli Bear', '--kind', 'threat-actor')
      expect(shown.code, shown.stderr).toBe(0)
      expect(shown.stdout).toContain('T1059.001')
      expect(shown.stdout).toContain('actorType')
      const refused = await cli('intel', 'delete', String(actor.id))
      expect(refused.code).toBe(2)
      expect((await cli('intel', 'delete', String(actor.id), '--yes')).code).toBe(0)
      expect((await cli('intel', 'show', String(actor.id))).code).toBe(1)
    },
  )

  it(
    'writes a report from a Markdown file, attaches a query of indicators, publishes and shows it',
    { timeout: 120_000 },
    async () => {
      const md = join(dataDir, 'brief.md')
      writeFileSync(md, '# Weekly brief\n\nC2 seen at \u001b[31mred\u001b[0m.\n')
      const created = await cli(
        'report',
        'create',
        'Weekly brief',
        '--content',
        md,
        '--tlp',
        'amber',
        '--json',
      )
      expect(created.code, created.stderr).toBe(0)
      const report = json(created.stdout)
      expect(report).toMatchObject({ kind: 'report', tlp: 'amber' })
      await cli('indicators', 'add', '198.51.100.21')
      await cli('indicators', 'add', '198.51.100.22')
      await cli('indicators', 'add', 'cli-evil.example')
      const attached = await cli('report', 'attach', 'Weekly brief', '--type', 'ip', '--json')
      expect(attached.code, attached.stderr).toBe(0)
      expect(json(attached.stdout)).toEqual({ added: 2, alreadyThere: 0 })
      const none = await cli('report', 'attach', 'Weekly brief')
      expect(none.code).toBe(2)
      const published = await cli('report', 'publish', String(report.id), '--json')
      expect(json<{ details: Json }>(published.stdout).details).toMatchObject({ published: true })
      const drafts = await cli('report', 'list', '--drafts')
      expect(drafts.stdout).not.toContain('Weekly brief')
      const shown = await cli('report', 'show', 'Weekly brief')
      expect(shown.stdout).toContain('Contains 2 object(s)')
      expect(shown.stdout).toContain('198.51.100.21')
      expect(shown.stdout).toContain('# Weekly brief')
      // The escape sequence in the Markdown reaches the terminal as text, not as a colour.
      expect(shown.stdout).not.toContain('\u001b')
      expect(shown.stdout).toContain('\\u001b[31m')
    },
  )
})
