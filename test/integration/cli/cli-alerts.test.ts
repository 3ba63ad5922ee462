import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from './cli-support'

type AlertJson = {
  id: string
  status: string
  assignee: string | null
  title: string
  incidentId: string | null
}
type RuleJson = { id: string; name: string; enabled: boolean; condition: { kind: string } }

let dataDir: string
const cli = (...args: string[]) => runCli(args, { THREATEYE_DATA_DIR: dataDir })
const json = <T>(stdout: string) => JSON.parse(stdout) as T

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'te-'))
})
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true })
})

describe('threateye alerts and alert-rules', () => {
  it(
    'adds a rule, an import triggers it, and the alerts are acknowledged, assigned and resolved',
    { timeout: 180_000 },
    async () => {
      const missing = await cli('alert-rules', 'add', 'Tagged', '--kind', 'tag')
      expect(missing.code).toBe(2)
      expect(missing.stderr).toContain('--tag')
      const added = await cli(
        'alert-rules',
        'add',
        'Tagged',
        '--kind',
        'tag',
        '--tag',
        'c2',
        '--open-incident',
        '--json',
      )
      expect(added.code, added.stderr).toBe(0)
      const rule = json<RuleJson>(added.stdout)
      expect(rule).toMatchObject({
        name: 'Tagged',
        enabled: true,
        openIncident: true,
        condition: { kind: 'tag' },
      })
      const listed = await cli('alert-rules', 'list')
      expect(listed.stdout).toContain('tag c2')

      const add = await cli('indicators', 'add', '45.155.205.9', '--tag', 'c2')
      expect(add.code, add.stderr).toBe(0)
      const open = await cli('alerts', 'list', '--json')
      const page = json<{ items: AlertJson[]; total: number }>(open.stdout)
      expect(page.total).toBe(1)
      const id = page.items[0]?.id ?? ''
      expect(page.items[0]).toMatchObject({ status: 'open', title: 'Tagged: ip 45.155.205.9' })
      expect(page.items[0]?.incidentId).toEqual(expect.any(String))

      expect((await cli('alerts', 'ack', id)).stderr).toContain('1 of 1 alert(s) changed')
      const assigned = await cli('alerts', 'assign', id, '--to', 'analyst-1', '--json')
      expect(json<{ items: AlertJson[] }>(assigned.stdout).items[0]).toMatchObject({
        status: 'acknowledged',
        assignee: 'analyst-1',
      })
      expect((await cli('alerts', 'assign', id)).code).toBe(2)
      const resolved = await cli('alerts', 'resolve', id, '--note', 'sinkholed', '--json')
      expect(json<{ items: AlertJson[] }>(resolved.stdout).items[0]?.status).toBe('resolved')
      const none = await cli('alerts', 'list', '--json')
      expect(json<{ total: number }>(none.stdout).total).toBe(0)
      const all = await cli('alerts', 'list', '--status', 'resolved')
      expect(all.stdout).toContain('analyst-1')

      expect((await cli('alerts', 'ack', 'not-an-id')).code).toBe(2)
      const disabled = await cli('alert-rules', 'disable', 'tagged', '--json')
      expect(json<RuleJson>(disabled.stdout)).toMatchObject({ id: rule.id, enabled: false })
      const del = await cli('alert-rules', 'delete', 'Tagged')
      expect(del.stdout).toContain('Deleted alert rule Tagged')
      expect((await cli('alert-rules', 'delete', 'Tagged')).code).toBe(1)
    },
  )
})
