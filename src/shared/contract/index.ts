import type { z } from 'zod'
import { alertsContract, alertsEvents } from './alerts.contract'
import { analysisContract } from './analysis.contract'
import { attackContract } from './attack.contract'
import { allowlistContract } from './allowlist.contract'
import { auditContract } from './audit.contract'
import { mergeContracts, mergeEvents } from './define'
import { enrichmentContract, enrichmentEvents } from './enrichment.contract'
import { exportContract } from './export.contract'
import { feedsContract, feedsEvents } from './feeds.contract'
import { filesContract } from './files.contract'
import { incidentsContract, incidentsEvents } from './incidents.contract'
import { indicatorsContract, indicatorsEvents } from './indicators.contract'
import { intelContract, intelEvents } from './intel.contract'
import { jobsContract, jobsEvents } from './jobs.contract'
import { projectsContract } from './projects.contract'
import { scoringContract } from './scoring.contract'
import { settingsContract, settingsEvents } from './settings.contract'
import { summariesContract, summariesEvents } from './summaries.contract'
import { triageContract } from './triage.contract'
import { warninglistsContract } from './warninglists.contract'

// Add a domain's contract and events here; mergeContracts refuses duplicate names.
export const contract = mergeContracts(
  indicatorsContract,
  projectsContract,
  settingsContract,
  feedsContract,
  auditContract,
  filesContract,
  jobsContract,
  incidentsContract,
  alertsContract,
  analysisContract,
  triageContract,
  warninglistsContract,
  allowlistContract,
  scoringContract,
  exportContract,
  intelContract,
  attackContract,
  summariesContract,
  enrichmentContract,
)
export const events = mergeEvents(
  indicatorsEvents,
  settingsEvents,
  feedsEvents,
  jobsEvents,
  incidentsEvents,
  alertsEvents,
  intelEvents,
  summariesEvents,
  enrichmentEvents,
)

export type Contract = typeof contract
export type Method = keyof Contract
export type In<K extends Method> = z.input<Contract[K]['input']>
export type ParsedIn<K extends Method> = z.output<Contract[K]['input']>
export type Out<K extends Method> = z.output<Contract[K]['output']>

export type Events = typeof events
export type EventName = keyof Events
export type EventPayload<E extends EventName> = z.output<Events[E]>

export const METHODS = Object.keys(contract) as Method[]
export const EVENT_NAMES = Object.keys(events) as EventName[]
export const isMethod = (name: string): name is Method => Object.hasOwn(contract, name)
export const isEventName = (name: string): name is EventName => Object.hasOwn(events, name)

export * from './errors'
export type { MethodSpec } from './define'
