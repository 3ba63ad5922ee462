import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HTTP_STATUS, METHODS, type ErrorCode, type Method, type RpcResult } from '#shared/contract'
import type { Core } from '#core/create-core'
import { openCore } from '../../support/test-core'
import { loadOrCreateToken } from '#server/api-token'
import { createHttpServer, type HttpServer } from '#server/server'
import { createFixedClock } from '#core/platform/clock'
import { createMemoryLogger } from '#core/platform/logger'
import { inProcessContext } from '#core/rpc/handlers'
import { createIpcDispatch } from '#desktop/ipc-dispatch'
import { createPickedFileRegistry } from '#desktop/picked-files'

// Every contract method goes through every transport with the same input, against identically seeded
// cores, and must come back the same. The case table is keyed by method: adding a method to the contract
// without a case here fails the first test.

const TRUSTED_FRAME = 'file:///opt/threateye/out/renderer/index.html'
const isTrustedSender = (url: string | undefined) => url === TRUSTED_FRAME
/** The webContents id the IPC transport's calls come from. */
const IPC_WINDOW = 1

/** What the seed created on each core; cases build their input from it. */
type Seed = {
  dir: string
  ip: string
  doomedIndicator: string
  project: string
  doomedProject: string
  listFile: string
  feed: string
  doomedFeed: string
  run: string
  /** An indicator the seed's feed run reported, so it has an observation. */
  observed: string
  /** A 127.0.0.1 server holding list.txt, for feeds.importUrl. */
  fixtureUrl: string
  /** A finished audit.verify job. */
  job: string
  /** An open incident on a URL. */
  incident: string
  /** The alert the seed's tag rule raised on `ip`, and a rule the delete case removes. */
  alert: string
  alertRule: string
  doomedAlertRule: string
  /** A saved triage view the delete case removes. */
  doomedView: string
  /** A folder holding one MISP warninglist, which the IPC transport's folder dialog picks. */
  listDir: string
  /** An imported warninglist. */
  warninglist: string
  /** A finished CSV export, and one the delete case removes. */
  exportFile: string
  doomedExport: string
  /** A threat actor (aliases "Seed Bear") and a draft threat report; an actor the delete case removes. */
  actor: string
  report: string
  doomedIntel: string
  /** A relationship (actor related-to report) the delete case removes. */
  doomedRelationship: string
  /** A generated daily summary report of the seed's day. */
  summary: string
}

type Case = {
  input: (s: Seed) => unknown
  /** Default 'ok'; an error code when the honest answer for this input is an error. */
  expect?: 'ok' | ErrorCode
  /** What the HTTP transports answer instead, for methods the HTTP API refuses on purpose. */
  overHttp?: ErrorCode
  /**
   * The desktop's window names local files by a handle from its own file dialog, not by path: its input
   * (built with the IPC transport, which picks the seed's list file) and, for the dialog itself, its answer.
   */
  overIpc?: { input?: (s: Seed, ipc: Transport) => Promise<unknown>; expect?: 'ok' }
  /** The answer names its caller (the OS user locally, api:<token fingerprint> over HTTP). */
  namesCaller?: true
}

const HTTP_TRANSPORTS = new Set(['inject', 'socket'])

const UUID_A = '00000000-0000-4000-8000-00000000000a'

/** The smallest enterprise-attack bundle attack.importBundle takes: one tactic, one technique. */
const ATTACK_BUNDLE = {
  type: 'bundle',
  id: 'bundle--00000000-0000-4000-8000-0000000000c1',
  objects: [
    {
      type: 'x-mitre-tactic',
      id: 'x-mitre-tactic--00000000-0000-4000-8000-0000000000c2',
      name: 'Execution',
      x_mitre_shortname: 'execution',
      external_references: [{ source_name: 'mitre-attack', external_id: 'TA0002' }],
    },
    {
      type: 'attack-pattern',
      id: 'attack-pattern--00000000-0000-4000-8000-0000000000c3',
      name: 'Command and Scripting Interpreter',
      kill_chain_phases: [{ kill_chain_name: 'mitre-attack', phase_name: 'execution' }],
      external_references: [{ source_name: 'mitre-attack', external_id: 'T1059' }],
    },
    {
      type: 'x-mitre-collection',
      id: 'x-mitre-collection--00000000-0000-4000-8000-0000000000c4',
      x_mitre_version: '99.0',
    },
  ],
}

/** Order matters: later cases see earlier cases' changes; destructive cases come last. */
const CASES = {
  // First, while the change log holds the seed's in-process entries only (the same in every world).
  'audit.list': { input: () => ({ entity: 'project', limit: 10 }) },
  'audit.get': { input: () => ({ seq: 1 }) },
  'audit.verify': { input: () => ({}) },
  // Nothing in range: the content is the header alone (hashes differ between worlds: ids are random).
  'audit.export': { input: () => ({ format: 'csv', until: '2000-01-01T00:00:00Z' }) },
  'system.info': { input: () => ({}) },
  'jobs.get': { input: (s) => ({ id: s.job }) },
  'jobs.list': { input: () => ({ kind: 'audit.verify' }) },
  // Before scoring.rescore, whose job moves scores in the background while later calls answer.
  'summaries.getSchedule': { input: () => ({}) },
  'summaries.setSchedule': {
    input: () => ({ daily: { enabled: true, time: '07:30' }, weekly: { weekday: 5 } }),
  },
  'summaries.list': { input: () => ({}) },
  'summaries.get': { input: (s) => ({ id: s.summary }) },
  'summaries.readFile': { input: (s) => ({ id: s.summary, offset: 0, length: 4096 }) },
  'summaries.generate': {
    input: () => ({ type: 'custom', from: '2026-01-01', to: '2026-01-16', wait: true }),
    namesCaller: true,
  },
  'summaries.delete': { input: (s) => ({ id: s.summary }) },
  // The seed's job has finished: cancelling it is a conflict, the same everywhere.
  'jobs.cancel': { input: (s) => ({ id: s.job }), expect: 'conflict' },
  // Answers at once with the running job (nothing in range: the export itself is quick).
  'jobs.start': {
    input: () => ({
      kind: 'audit.export',
      input: { format: 'json', until: '2000-01-01T00:00:00Z' },
    }),
    namesCaller: true,
  },
  // Answers at once with the job, like jobs.start (few rows match: it is quick).
  'scoring.rescore': { input: () => ({ filter: { type: 'cve' } }), namesCaller: true },
  // The seed's indicators are TLP:AMBER (the default): the check warns, the start needs the confirmation.
  'export.check': { input: () => ({ target: { kind: 'indicators', filter: { tag: 'seed' } } }) },
  // The seed's report, not yet enriched: every indicator it holds is unlocated (the same in every world).
  'enrichment.geoCounts': { input: (s) => ({ target: { kind: 'report', id: s.report } }) },
  'export.list': { input: () => ({}) },
  'export.get': { input: (s) => ({ id: s.exportFile }) },
  'export.readFile': { input: (s) => ({ id: s.exportFile, offset: 3, length: 64 }) },
  'export.start': {
    input: () => ({
      format: 'csv',
      target: { kind: 'indicators', filter: { tag: 'seed' } },
      confirmTlp: true,
    }),
    namesCaller: true,
  },
  'settings.get': { input: () => ({}) },
  'settings.update': { input: () => ({ patch: { theme: 'dark' } }) },
  // Before the indicator cases: their changes re-trigger the seed's rule after the call has answered.
  'alerts.listRules': { input: () => ({}) },
  'alerts.createRule': {
    input: () => ({ name: 'High scores', condition: { kind: 'score', minScore: 90 } }),
  },
  'alerts.updateRule': {
    input: (s) => ({ id: s.alertRule, patch: { alertSeverity: 75, suppressWarninglisted: false } }),
  },
  'alerts.list': { input: () => ({ filter: { status: ['open'], minSeverity: 10 }, limit: 10 }) },
  'alerts.get': { input: (s) => ({ id: s.alert }) },
  // While the seed's alert and incident are both in the queue.
  'triage.list': { input: () => ({ filter: { minSeverity: 10 }, limit: 10 }) },
  'triage.act': {
    input: (s) => ({
      items: [
        { kind: 'incident', id: s.incident },
        { kind: 'alert', id: s.alert },
      ],
      action: 'assign',
      assignee: 'analyst-2',
    }),
  },
  'triage.saveView': {
    input: () => ({ name: 'Mine', filter: { assignee: 'analyst-2', status: ['open'] } }),
  },
  'triage.listViews': { input: () => ({}) },
  'triage.deleteView': { input: (s) => ({ id: s.doomedView }) },
  'indicators.related': { input: (s) => ({ id: s.observed }) },
  // Not enriched in any world: no keys, nobody shares the ASN (test/**/enrichment/pivots has the rest).
  'enrichment.pivots': { input: (s) => ({ indicatorId: s.ip }) },
  'enrichment.pivot': { input: () => ({ kind: 'asn', value: 'AS9009', limit: 10 }) },
  // Offline first, so nothing below reaches a network provider; local providers answer alike in every world.
  'enrichment.updateSettings': {
    input: () => ({ patch: { offline: true, auto: { enabled: false } } }),
  },
  'enrichment.getSettings': { input: () => ({}) },
  'enrichment.setKey': { input: () => ({ provider: 'virustotal', key: 'rt-key-0123456789' }) },
  'enrichment.providers': { input: () => ({}) },
  'enrichment.run': {
    input: (s) => ({
      target: { kind: 'indicators', ids: [s.ip] },
      providers: ['geoip', 'asn', 'virustotal'],
      wait: true,
    }),
    namesCaller: true,
  },
  'enrichment.results': { input: (s) => ({ indicatorId: s.ip }) },
  // Never asked (the run above named other providers): nothing stored.
  'enrichment.raw': {
    input: (s) => ({ indicatorId: s.ip, provider: 'shodan' }),
    expect: 'not_found',
  },
  'enrichment.queue': { input: () => ({}) },
  'enrichment.scanJobs': { input: () => ({}), namesCaller: true },
  'enrichment.scanJob': { input: () => ({ id: UUID_A }), expect: 'not_found' },
  'enrichment.cancelScanJob': { input: () => ({ id: UUID_A }), expect: 'not_found' },
  // The world's bootstrap URL answers 404: the shipped copy stays, the error says why.
  'enrichment.refreshBootstrap': { input: () => ({}), expect: 'upstream_failed' },
  'alerts.acknowledge': { input: (s) => ({ id: s.alert }) },
  'alerts.assign': { input: (s) => ({ ids: [s.alert], assignee: 'analyst-1' }) },
  'alerts.resolve': { input: (s) => ({ id: s.alert, note: 'handled' }) },
  'alerts.deleteRule': { input: (s) => ({ id: s.doomedAlertRule }) },
  'alerts.getSettings': { input: () => ({}) },
  // 127.0.0.1 is allowed over HTTP here: the seed put it in fetchAllowedHosts.
  'alerts.updateSettings': {
    input: (s) => ({
      notifications: false,
      webhook: { url: `${s.fixtureUrl}/hook`, secret: 'sixteen-or-more-characters' },
    }),
  },
  'indicators.list': { input: () => ({ sort: { field: 'value', dir: 'asc' }, limit: 1000 }) },
  'indicators.listAt': {
    input: () => ({ sort: { field: 'value', dir: 'asc' }, offset: 1, limit: 2 }),
  },
  // A text filter: the answer carries what the search index could see (partial, indexProgress).
  'indicators.count': { input: () => ({ filter: { types: ['ip'], q: '45.155.205' } }) },
  'indicators.search': { input: () => ({ q: '45.155.205' }) },
  'indicators.get': { input: (s) => ({ id: s.ip }) },
  'indicators.reportedIn': { input: (s) => ({ id: s.ip }) },
  'indicators.getScore': { input: (s) => ({ id: s.observed }) },
  'indicators.setVerdict': {
    input: (s) => ({ id: s.observed, verdict: 'true_positive', reason: 'seen in our proxy logs' }),
  },
  'indicators.lookup': { input: () => ({ value: '45.155.205.5' }) },
  'indicators.create': {
    input: (s) => ({ value: 'roundtrip.example.org', tags: ['rt'], projectId: s.project }),
  },
  'indicators.update': {
    input: (s) => ({ id: s.ip, patch: { severity: 'critical', description: 'updated' } }),
  },
  'indicators.extract': {
    input: () => ({
      text: 'C2 at hxxps://evil[.]example/gate.php and 198.51.100[.]7; dropper d41d8cd98f00b204e9800998ecf8427e\n',
      kinds: ['url', 'ip', 'md5'],
    }),
  },
  'indicators.bulkCreate': {
    input: () => ({ text: '198.51.100.1\n198.51.100.2\n', defaults: { tags: ['bulk'] } }),
  },
  'indicators.markFalsePositive': { input: (s) => ({ id: s.ip, reason: 'sinkhole' }) },
  'indicators.activate': { input: (s) => ({ id: s.ip }) },
  'indicators.recent': { input: () => ({ days: 30, limit: 1000 }) },
  'indicators.counts': { input: () => ({}) },
  'projects.list': { input: () => ({ includeArchived: true }) },
  'projects.get': { input: (s) => ({ id: s.project }) },
  'projects.create': {
    input: () => ({
      name: 'Round trip',
      description: 'made by the contract test',
      tags: ['rt'],
      settings: { defaultTlp: 'green', nested: { on: true } },
    }),
  },
  'projects.update': {
    input: (s) => ({
      id: s.project,
      patch: { description: 'changed', tags: ['rt', 'edited'], settings: { a: [1, 2] } },
    }),
  },
  'projects.archive': { input: (s) => ({ id: s.project }) },
  'projects.unarchive': { input: (s) => ({ id: s.project }) },
  'projects.stats': { input: (s) => ({ id: s.project }) },
  'feeds.list': { input: () => ({}) },
  'feeds.catalogue': { input: () => ({}) },
  'feeds.get': { input: (s) => ({ id: s.feed }) },
  'feeds.create': {
    input: (s) => ({ name: 'Round trip list', format: 'text', url: `${s.fixtureUrl}/list.txt` }),
  },
  'feeds.update': { input: (s) => ({ id: s.feed, patch: { tags: ['rt'], reliability: 'B' } }) },
  'feeds.addFromCatalogue': { input: () => ({ key: 'spamhaus-drop-v4' }) },
  'feeds.run': { input: (s) => ({ id: s.feed, wait: true }) },
  'feeds.runs': { input: (s) => ({ feedId: s.feed }) },
  'feeds.getRun': { input: (s) => ({ id: s.run }) },
  // The seed's run has finished: cancelling it is a conflict, and must be the same conflict everywhere.
  'feeds.cancel': { input: (s) => ({ runId: s.run }), expect: 'conflict' },
  'feeds.importUrl': { input: (s) => ({ url: `${s.fixtureUrl}/list.txt`, format: 'text' }) },
  'feeds.importText': {
    input: () => ({ content: '192.0.2.77\n', fileName: 'dropped.txt', format: 'text' }),
  },
  'feeds.detectFormat': {
    input: () => ({ head: '192.0.2.1\nexample.org\n', fileName: 'list.txt' }),
  },
  'observations.list': { input: (s) => ({ indicatorId: s.observed }) },
  'incidents.list': { input: () => ({ filter: { status: ['open'], minSeverity: 10 } }) },
  'incidents.get': { input: (s) => ({ id: s.incident }) },
  // Already tracked: a second occurrence, with the tag merged in.
  'incidents.create': {
    input: () => ({ url: 'http://seed-phish.example/login', tags: ['again'], severity: 80 }),
  },
  'incidents.update': {
    input: (s) => ({ id: s.incident, patch: { status: 'escalated', tags: ['rt'] } }),
  },
  'incidents.stats': { input: () => ({}) },
  // A phishing look-alike: a verdict, a stored prediction and an incident.
  'analysis.analyzeUrl': {
    input: () => ({ url: 'http://paypa1-account-verify.tk/login/confirm', tags: ['rt'] }),
  },
  'incidents.exportSnapshot': { input: () => ({}) },
  'incidents.importSnapshot': {
    input: () => ({
      content: JSON.stringify({
        data: {
          tracked_threats: [
            { url: 'http://seed-phish.example/login', severity: 90, sources: ['peer'] },
            { url: 'https://handed-over.example/x', severity: 40, status: 'open' },
            { severity: 10 },
          ],
        },
      }),
    }),
  },
  'warninglists.list': { input: () => ({}) },
  'warninglists.import': {
    input: () => ({
      files: [
        {
          name: 'rt/list.json',
          content: JSON.stringify({
            name: 'Round trip hosts',
            description: 'rt',
            version: 2,
            type: 'hostname',
            list: ['roundtrip-list.net', 'x'],
          }),
        },
        { name: 'bad.json', content: '{"name": ' },
      ],
    }),
  },
  'warninglists.setEnabled': { input: () => ({ id: 'builtin:special-use-ipv6', enabled: false }) },
  'warninglists.check': {
    input: () => ({ values: [{ value: '10.0.0.1' }, { value: 'a.roundtrip-list.net' }] }),
  },
  // The seed's feed run reported 192.0.2.10, a documentation address: a built-in list hit it.
  'warninglists.getHits': { input: (s) => ({ id: s.observed }) },
  'warninglists.rescan': { input: () => ({}) },
  'warninglists.remove': { input: (s) => ({ id: s.warninglist }) },
  'attack.getCatalogue': { input: () => ({}) },
  'attack.listTactics': { input: () => ({}) },
  'attack.searchTechniques': { input: () => ({ q: 'command interpreter', limit: 5 }) },
  'attack.getTechnique': { input: () => ({ id: 'T1059.001' }) },
  'attack.matrix': { input: () => ({}) },
  'attack.importBundle': { input: () => ({ text: JSON.stringify(ATTACK_BUNDLE) }) },
  'attack.resetCatalogue': { input: () => ({}) },
  'attack.rebuildKnowledge': { input: () => ({}) },
  // markFalsePositive above put the seed's ip on the allowlist, in the caller's name.
  'allowlist.list': { input: () => ({}), namesCaller: true },
  'allowlist.add': { input: () => ({ value: '198.51.100.99', reason: 'rt' }), namesCaller: true },
  'allowlist.remove': { input: () => ({ value: '198.51.100.99' }) },
  'intel.list': { input: () => ({ kind: 'threat-actor', q: 'seed', limit: 10 }) },
  'intel.get': { input: (s) => ({ id: s.actor }) },
  'intel.create': {
    input: (s) => ({
      kind: 'malware',
      name: 'Round Trip Loader',
      aliases: ['RTLoader'],
      projectId: s.project,
      techniques: ['T1059.001'],
      details: { malwareTypes: ['loader'], capabilities: ['persistence'] },
    }),
  },
  // Publishing stamps the report's publishedAt from the core's clock (the same in every world).
  'intel.update': {
    input: (s) => ({
      id: s.report,
      patch: { published: true, severity: 'high', details: { summary: 'updated' } },
    }),
  },
  'intel.createRelationship': {
    input: (s) => ({
      sourceRef: s.ip,
      targetRef: s.actor,
      relationshipType: 'indicates',
      confidence: 70,
    }),
  },
  'intel.listRelationships': { input: (s) => ({ ref: s.actor }) },
  'intel.deleteRelationship': { input: (s) => ({ id: s.doomedRelationship }) },
  // Named ids and a query: the ip the seed made, every ip (in batches) and the actor.
  'intel.attachToReport': {
    input: (s) => ({
      reportId: s.report,
      indicatorIds: [s.ip],
      filter: { types: ['ip'] },
      entityIds: [s.actor],
    }),
  },
  'intel.reportObjects': { input: (s) => ({ reportId: s.report, limit: 50 }) },
  'intel.linkedIndicators': { input: (s) => ({ id: s.report, limit: 50 }) },
  'intel.forIndicator': { input: (s) => ({ indicatorId: s.ip }) },
  'intel.neighbours': { input: (s) => ({ ref: s.actor }) },
  'intel.detachFromReport': { input: (s) => ({ reportId: s.report, refs: [s.actor] }) },
  'intel.searchObjects': { input: () => ({ q: 'seed bear' }) },
  'intel.delete': { input: (s) => ({ id: s.doomedIntel }) },
  'indicators.delete': { input: (s) => ({ id: s.doomedIndicator }) },
  'export.delete': { input: (s) => ({ id: s.doomedExport }) },
  'projects.delete': { input: (s) => ({ id: s.doomedProject }) },
  'feeds.delete': { input: (s) => ({ id: s.doomedFeed }) },
  // Reads the disk of the machine running the core: local callers only. Last, so the worlds agree before it.
  'feeds.importFile': {
    input: (s) => ({ path: s.listFile, format: 'text' }),
    overHttp: 'forbidden',
    overIpc: {
      input: async (_s, ipc) => ({ handle: await pickOverIpc(ipc), format: 'text' }),
    },
  },
  // Opens the desktop's file dialog: nothing else has one.
  'files.pickImport': { input: () => ({}), expect: 'forbidden', overIpc: { expect: 'ok' } },
  // The desktop's folder dialog, likewise (it imports the seed's folder of lists).
  'warninglists.importPicked': {
    input: () => ({}),
    expect: 'forbidden',
    overIpc: { expect: 'ok' },
  },
} satisfies Record<Method, Case>

/** A handle to the seed's list file, picked through the IPC transport (whose dialog picks that file). */
const pickOverIpc = async (ipc: Transport): Promise<string> => {
  const picked = await ipc.call('files.pickImport', {})
  if (!picked.ok) throw new Error(`files.pickImport over IPC: ${picked.error.message}`)
  const { file } = picked.value as { file: { handle: string } | null }
  if (!file) throw new Error('files.pickImport over IPC picked nothing')
  return file.handle
}

type TestClock = ReturnType<typeof createFixedClock>

const seed = async (
  core: Core,
  dir: string,
  fixtureUrl: string,
  clock: TestClock,
): Promise<Seed> => {
  const listFile = join(dir, 'list.txt')
  writeFileSync(listFile, LIST)
  // Each step a second later: runs and rows get distinct timestamps, so every ordering is total.
  const tick = <T>(v: T): T => {
    clock.advance(1000)
    return v
  }
  const alertRule = tick(
    await core.call('alerts.createRule', {
      name: 'Seed tag',
      condition: { kind: 'tag', tag: 'seed' },
    }),
  )
  const doomedAlertRule = tick(
    await core.call('alerts.createRule', {
      name: 'Doomed rule',
      condition: { kind: 'severity', minSeverity: 'critical' },
    }),
  )
  const project = tick(await core.call('projects.create', { name: 'Seed project' }))
  const doomedProject = tick(await core.call('projects.create', { name: 'Doomed project' }))
  // An address no built-in warninglist matches, so the seed tag rule raises its alert.
  const ip = tick(
    await core.call('indicators.create', {
      value: '45.155.205.5',
      tags: ['seed'],
      projectId: project.id,
    }),
  )
  const doomed = tick(await core.call('indicators.create', { value: 'doomed.example.org' }))
  const feed = tick(
    await core.call('feeds.create', { name: 'Seed list', format: 'text', path: listFile }),
  )
  const doomedFeed = tick(
    await core.call('feeds.create', { name: 'Doomed list', format: 'text', path: listFile }),
  )
  const run = tick(await core.call('feeds.run', { id: feed.id, wait: true }))
  const observed = await core.call('indicators.lookup', { value: '192.0.2.10' })
  if (!observed) throw new Error('the seed feed run did not create 192.0.2.10')
  // The fixture lives on 127.0.0.1, which calls over HTTP may fetch from only once the user allowed it.
  tick(await core.call('settings.update', { patch: { fetchAllowedHosts: ['127.0.0.1'] } }))
  const incident = tick(
    await core.call('incidents.create', {
      url: 'http://seed-phish.example/login',
      severity: 60,
      tags: ['seed'],
    }),
  )
  const doomedView = tick(
    await core.call('triage.saveView', { name: 'Doomed view', filter: { kind: 'incident' } }),
  )
  const job = await core.call('jobs.start', { kind: 'audit.verify', input: {} })
  await core.jobs.settled(job.id)
  await core.waitForIdle()
  const alert = (await core.call('alerts.list', { filter: { ruleId: alertRule.id } })).items[0]
  if (!alert) throw new Error('the seed tag rule raised no alert')
  const listDir = join(dir, 'warninglists')
  mkdirSync(join(listDir, 'picked'), { recursive: true })
  writeFileSync(
    join(listDir, 'picked', 'list.json'),
    JSON.stringify({
      name: 'Picked hosts',
      description: 'picked',
      version: 1,
      type: 'hostname',
      list: ['picked.example.net'],
    }),
  )
  const imported = await core.call('warninglists.import', {
    files: [
      {
        name: 'seed.json',
        content: JSON.stringify({
          name: 'Seed hosts',
          description: 'seed',
          version: 1,
          type: 'hostname',
          list: ['seed-list.net'],
        }),
      },
    ],
  })
  const actor = await core.call('intel.create', {
    kind: 'threat-actor',
    name: 'APT Seed',
    aliases: ['Seed Bear'],
    techniques: ['T1566'],
    details: { actorType: 'apt', originCountry: 'xx' },
  })
  const report = await core.call('intel.create', {
    kind: 'report',
    name: 'Seed report',
    tlp: 'amber',
    details: { content: '# Seed\n\nMarkdown *content*.', authors: ['analyst'] },
  })
  const doomedIntel = await core.call('intel.create', { kind: 'campaign', name: 'Doomed op' })
  const doomedRelationship = await core.call('intel.createRelationship', {
    sourceRef: actor.id,
    targetRef: report.id,
    relationshipType: 'related-to',
  })
  const exported = async (tag: string) => {
    clock.advance(1000)
    const started = await core.call('export.start', {
      format: 'csv',
      target: { kind: 'indicators', filter: { tag } },
      confirmTlp: true,
    })
    const done = await core.jobs.settled(started.id)
    if (done.kind !== 'export.start' || done.result === null) throw new Error('seed export failed')
    return done.result.id
  }
  const exportFile = await exported('seed')
  const doomedExport = await exported('nothing-has-this-tag')
  const summary = tick(
    await core.call('summaries.generate', { type: 'daily', from: '2026-01-15', wait: true }),
  )
  return {
    dir,
    exportFile,
    doomedExport,
    actor: actor.id,
    report: report.id,
    doomedIntel: doomedIntel.id,
    doomedRelationship: doomedRelationship.relationship.id,
    ip: ip.id,
    doomedIndicator: doomed.id,
    project: project.id,
    doomedProject: doomedProject.id,
    listFile,
    feed: feed.id,
    doomedFeed: doomedFeed.id,
    run: run.id,
    observed: observed.id,
    fixtureUrl,
    job: job.id,
    incident: incident.incident.id,
    alert: alert.id,
    alertRule: alertRule.id,
    doomedAlertRule: doomedAlertRule.id,
    doomedView: doomedView.id,
    listDir,
    warninglist: imported.imported[0]?.id ?? '',
    summary: summary.report.id,
  }
}

const LIST = '192.0.2.10\nseed-feed.example.com\n'
let fixture: Server
let fixtureUrl = ''

type Transport = {
  name: string
  call(method: string, input: unknown): Promise<RpcResult<unknown>>
}

type World = {
  core: Core
  /** Moved one second per call, the same in every world. */
  clock: TestClock
  dir: string
  seed: Seed
  server: HttpServer
  token: string
  base: string
}

const worlds: World[] = []

const makeWorld = async (): Promise<World> => {
  const { core, dir, clock } = await openCore({
    clock: createFixedClock('2026-01-15T10:00:00.000Z'),
    // Never IANA from a test: the fixture has no bootstrap files, so a refresh fails the same everywhere.
    enrichment: { rdapBootstrapUrl: `${fixtureUrl}/rdap/` },
  })
  const token = loadOrCreateToken(dir)
  const server = createHttpServer({ core, token, logger: createMemoryLogger() })
  const base = await server.listen()
  const world = {
    core,
    clock,
    dir,
    seed: await seed(core, dir, fixtureUrl, clock),
    server,
    token,
    base,
  }
  worlds.push(world)
  return world
}

/** HTTP answers carry the status of the error code; the envelope must agree with it. */
const fromHttp = (status: number, body: RpcResult<unknown>): RpcResult<unknown> => {
  expect(status).toBe(body.ok ? 200 : HTTP_STATUS[body.error.code])
  return body
}

const transports: Record<string, (w: World) => Transport> = {
  'in-process': (w) => ({
    name: 'in-process',
    call: (m, input) => w.core.dispatch(m, input, inProcessContext()),
  }),
  inject: (w) => ({
    name: 'inject',
    call: async (m, input) => {
      const res = await w.server.app.inject({
        method: 'POST',
        url: `/api/rpc/${m}`,
        headers: { authorization: `Bearer ${w.token}`, 'content-type': 'application/json' },
        payload: JSON.stringify(input),
      })
      return fromHttp(res.statusCode, JSON.parse(res.body) as RpcResult<unknown>)
    },
  }),
  socket: (w) => ({
    name: 'socket',
    call: async (m, input) => {
      const res = await fetch(`${w.base}/api/rpc/${m}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${w.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(input),
      })
      return fromHttp(res.status, (await res.json()) as RpcResult<unknown>)
    },
  }),
  ipc: (w) => {
    // The user picks the seed's list file in this window's dialog.
    const files = createPickedFileRegistry({
      choosePath: async () => w.seed.listFile,
      chooseFolder: async () => w.seed.listDir,
    })
    const invoke = createIpcDispatch({ dispatch: w.core.dispatch, isTrustedSender, files })
    return { name: 'ipc', call: (m, input) => invoke(TRUSTED_FRAME, m, input, IPC_WINDOW) }
  },
}

const UUID_RE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi

/**
 * Makes results of different cores comparable: random ids become <id:N> in order of appearance, the temp
 * directory becomes <dir>, and opaque cursors and measured durations are reduced to their presence.
 */
const normalise = (value: unknown, dir: string, namesCaller = false): unknown => {
  const ids = new Map<string, string>()
  const text = (s: string) =>
    s
      .split(dir)
      .join('<dir>')
      .replace(UUID_RE, (id) => {
        if (!ids.has(id)) ids.set(id, `<id:${ids.size}>`)
        return ids.get(id) ?? id
      })
  const walk = (v: unknown, key?: string): unknown => {
    if (key === 'nextCursor' || key === 'cursor') return v === null ? null : '<cursor>'
    // Change log hashes cover the entries' random ids.
    if (key === 'hash' || key === 'prevHash') return '<hash>'
    // Measured, or computed by croner from the real time (not the core's clock).
    if (key === 'durationMs' || key === 'nextRunAt') return v === null ? null : '<time>'
    if (namesCaller && (key === 'actor' || key === 'createdBy')) return '<caller>'
    if (typeof v === 'string') return text(v)
    if (Array.isArray(v)) return v.map((x) => walk(x))
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [text(k), walk(x, k)]))
    }
    return v
  }
  // JSON round trip: HTTP serialises, IPC clones; compare what a client can actually receive.
  return walk(JSON.parse(JSON.stringify(value)) as unknown)
}

const results: Record<string, Record<string, unknown>> = {}

beforeAll(async () => {
  fixture = createServer((req, res) => {
    if (req.url === '/list.txt') res.writeHead(200, { 'content-type': 'text/plain' }).end(LIST)
    else res.writeHead(404).end()
  })
  await new Promise<void>((r) => fixture.listen(0, '127.0.0.1', r))
  fixtureUrl = `http://127.0.0.1:${(fixture.address() as AddressInfo).port}`
  for (const [name, make] of Object.entries(transports)) {
    const world = await makeWorld()
    const t = make(world)
    results[name] = {}
    for (const [method, c] of Object.entries(CASES) as [Method, Case][]) {
      const ipcInput = name === 'ipc' ? c.overIpc?.input : undefined
      const input = ipcInput ? await ipcInput(world.seed, t) : c.input(world.seed)
      const result = await t.call(method, input)
      world.clock.advance(1000)
      const expected =
        (HTTP_TRANSPORTS.has(name) ? c.overHttp : undefined) ??
        (name === 'ipc' ? c.overIpc?.expect : undefined) ??
        c.expect ??
        'ok'
      const got = result.ok ? 'ok' : result.error.code
      if (got !== expected) {
        throw new Error(
          `${name}: ${method} answered ${got}, expected ${expected}: ${JSON.stringify(result).slice(0, 400)}`,
        )
      }
      const bucket = results[name] ?? {}
      bucket[method] = normalise(result, world.dir, c.namesCaller)
    }
  }
})

afterAll(async () => {
  for (const w of worlds.splice(0)) {
    await w.server.close()
    await w.core.stop()
    rmSync(w.dir, { recursive: true, force: true })
  }
  await new Promise((r) => fixture.close(r))
})

describe('contract round trip', () => {
  it('has a case for every contract method and no other', () => {
    expect(Object.keys(CASES).sort()).toEqual([...METHODS].sort())
  })

  it.each(METHODS)('%s agrees across in-process, inject, socket and IPC', (method) => {
    const reference = results['in-process']?.[method]
    expect(reference).toBeDefined()
    const c: Case = CASES[method]
    const refusedOverHttp = c.overHttp !== undefined
    // The desktop's own dialog: IPC answers what nothing else can, checked below.
    const desktopOnly = c.overIpc?.expect !== undefined
    for (const name of ['inject', 'socket', ...(desktopOnly ? [] : ['ipc'])]) {
      // A method the HTTP API refuses agrees with in-process over IPC, and between the HTTP transports.
      const against =
        refusedOverHttp && HTTP_TRANSPORTS.has(name) ? results.inject?.[method] : reference
      expect(results[name]?.[method], `${method} via ${name}`).toEqual(against)
    }
  })

  it('files.pickImport over IPC hands the page a handle, the name and the size, never the path', () => {
    const picked = results.ipc?.['files.pickImport']
    expect(picked).toMatchObject({
      ok: true,
      value: { file: { name: 'list.txt', size: LIST.length, handle: expect.any(String) } },
    })
    expect(JSON.stringify(picked)).not.toContain('<dir>')
  })

  it('warninglists.importPicked over IPC imports the picked folder and never names its path', () => {
    const picked = results.ipc?.['warninglists.importPicked']
    expect(picked).toMatchObject({
      ok: true,
      value: { picked: true, imported: [{ name: 'Picked hosts', entryCount: 1 }], errors: [] },
    })
    expect(JSON.stringify(picked)).not.toContain('<dir>')
  })
})

describe('errors agree across transports', () => {
  const check = async (method: string, input: unknown) => {
    const w = worlds[0] ?? (await makeWorld())
    const answers = await Promise.all(
      Object.values(transports).map(async (make) =>
        normalise(await make(w).call(method, input), w.dir),
      ),
    )
    for (const a of answers.slice(1)) expect(a).toEqual(answers[0])
    return answers[0] as RpcResult<unknown>
  }

  it('invalid input names the field', async () => {
    const r = await check('indicators.get', { id: 'nope' })
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.code).toBe('invalid_input')
      expect(r.error.message).toContain('id')
    }
    const unknownField = await check('projects.create', { name: 'x', colour: 'red' })
    expect(!unknownField.ok && unknownField.error.message).toContain('colour')
  })

  it('an unknown method is unknown_method everywhere', async () => {
    const r = await check('indicators.teleport', {})
    expect(!r.ok && r.error.code).toBe('unknown_method')
  })

  it('a missing record is not_found everywhere', async () => {
    const r = await check('indicators.get', { id: UUID_A })
    expect(!r.ok && r.error.code).toBe('not_found')
  })

  it('IPC refuses an untrusted frame before dispatching', async () => {
    const w = worlds[0] ?? (await makeWorld())
    const invoke = createIpcDispatch({ dispatch: w.core.dispatch, isTrustedSender })
    for (const frame of ['https://attacker.example/', 'file:///tmp/evil.html', undefined]) {
      const r = await invoke(frame, 'indicators.create', { value: '203.0.113.250' })
      expect(r).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    }
    expect(await w.core.call('indicators.lookup', { value: '203.0.113.250' })).toBeNull()
  })

  it('HTTP without the token is 401 and runs nothing', async () => {
    const w = worlds[0] ?? (await makeWorld())
    const res = await fetch(`${w.base}/api/rpc/indicators.create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value: '203.0.113.251' }),
    })
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } })
    expect(await w.core.call('indicators.lookup', { value: '203.0.113.251' })).toBeNull()
  })
})
