import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Core } from '#core/create-core'
import type { createFixedClock } from '#core/platform/clock'

type Clock = ReturnType<typeof createFixedClock>

/** What seedWeek made, for the assertions. */
export type SeededWeek = {
  feedId: string
  highIp: string
  highDomain: string
  alertIds: string[]
  incidentId: string
}

const setScore = (core: Core, id: string, score: number) =>
  core.db.writes.run('test.score', () => {
    core.db.sqlite.prepare('UPDATE indicators SET score = ? WHERE id = ?').run(score, id)
  })

const intelRow = (
  core: Core,
  id: string,
  kind: string,
  name: string,
  created: string,
  updated: string,
) =>
  core.db.writes.run('test.intel', () => {
    core.db.sqlite
      .prepare(
        `INSERT INTO intel_entities (id, kind, name, name_key, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(id, kind, name, name.toLowerCase(), created, updated)
  })

/**
 * A week of activity through the core's own calls, each at its own time on the fixed clock:
 * - 2026-11-30 (before the range): one indicator, one threat actor.
 * - 2026-12-01: a feed run of three lines (two IPs and a domain), one of them TLP:RED; an alert rule on the
 *   tag `seed` raises an alert on a hand-added indicator; an incident is opened.
 * - 2026-12-02: the alert is acknowledged and the incident escalated; a campaign is created and the
 *   older actor updated; another hand-added indicator.
 * - 2026-12-03: the alert resolved, the incident resolved (outside a range ending on 12-03).
 * Scores are then set by hand (the scoring rules are not what is tested here).
 */
export const seedWeek = async (core: Core, clock: Clock, dir: string): Promise<SeededWeek> => {
  clock.set('2026-11-30T12:00:00.000Z')
  const old = await core.call('indicators.create', { value: '198.51.100.99' })
  await intelRow(
    core,
    '00000000-0000-4000-8000-0000000000a1',
    'threat-actor',
    'Old Actor',
    '2026-11-30T12:00:00.000Z',
    '2026-12-02T09:00:00.000Z',
  )

  clock.set('2026-12-01T08:00:00.000Z')
  const list = join(dir, 'week.txt')
  writeFileSync(list, '45.155.205.7\n45.155.205.8\nbad-host.example.com\n')
  const feed = await core.call('feeds.create', { name: 'Week list', format: 'text', path: list })
  await core.call('feeds.run', { id: feed.id, wait: true })
  await core.call('alerts.createRule', { name: 'Seeded', condition: { kind: 'tag', tag: 'seed' } })
  clock.set('2026-12-01T09:00:00.000Z')
  const tagged = await core.call('indicators.create', {
    value: '45.155.205.9',
    tags: ['seed'],
    tlp: 'red',
  })
  await core.waitForIdle()
  const alerts = await core.call('alerts.list', { filter: { status: ['open'] } })
  const incident = await core.call('incidents.create', {
    url: 'http://phish.example/login',
    severity: 70,
  })

  clock.set('2026-12-02T10:00:00.000Z')
  await core.call('alerts.acknowledge', { ids: alerts.items.map((a) => a.id) })
  await core.call('incidents.update', {
    id: incident.incident.id,
    patch: { status: 'escalated' },
  })
  await intelRow(
    core,
    '00000000-0000-4000-8000-0000000000a2',
    'campaign',
    'New Campaign',
    '2026-12-02T10:00:00.000Z',
    '2026-12-02T10:00:00.000Z',
  )
  const later = await core.call('indicators.create', { value: 'later.example.org' })

  clock.set('2026-12-03T10:00:00.000Z')
  await core.call('alerts.resolve', { ids: alerts.items.map((a) => a.id) })
  await core.call('incidents.update', { id: incident.incident.id, patch: { status: 'resolved' } })
  await core.waitForIdle()

  const ip = await core.call('indicators.lookup', { value: '45.155.205.7' })
  const low = await core.call('indicators.lookup', { value: '45.155.205.8' })
  const domain = await core.call('indicators.lookup', { value: 'bad-host.example.com' })
  if (ip === null || low === null || domain === null)
    throw new Error('the feed run did not import its lines')
  await setScore(core, old.id, 99)
  await setScore(core, ip.id, 95)
  await setScore(core, domain.id, 80)
  await setScore(core, tagged.id, 10)
  await setScore(core, low.id, 30)
  await setScore(core, later.id, 20)
  return {
    feedId: feed.id,
    highIp: ip.id,
    highDomain: domain.id,
    alertIds: alerts.items.map((a) => a.id),
    incidentId: incident.incident.id,
  }
}
