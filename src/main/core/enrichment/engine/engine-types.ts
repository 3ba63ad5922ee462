import type { ProviderId, ProviderSettings } from '#shared/contract/enrichment.schemas'
import type { IocType } from '#shared/domain/enums'
import type { Reliability } from '#core/feeds/engine/engine-types'
import type {
  DirectProvider,
  HttpProvider,
  LocalProvider,
  LookupSubject,
  ProviderAnswer,
} from '../provider-types'

/** What every provider declares, as the engine reads it once its environment is bound. */
export type ProviderMeta = {
  id: ProviderId
  label: string
  accepts: readonly IocType[]
  reliability: Reliability
  defaults: ProviderSettings
  docsUrl: string | null
  notApplicable?(s: LookupSubject): string | null
}

export type LookupOutcome = { answer: ProviderAnswer; raw: unknown }

/**
 * A provider with its environment bound (the data files a local provider reads, the resolvers DNS asks), so
 * the engine handles every provider alike without knowing each one's environment type.
 */
export type BoundLocal = ProviderMeta & {
  kind: 'local'
  network: false
  needsKey: false
  source(): string
  lookup(s: LookupSubject): LookupOutcome | null
}
export type BoundHttp = ProviderMeta & {
  kind: 'http'
  network: true
  needsKey: boolean
  http: HttpProvider
}
export type BoundDirect = ProviderMeta & {
  kind: 'direct'
  network: true
  needsKey: false
  lookupKey(s: LookupSubject): string
  source(): string
  lookup(s: LookupSubject, signal: AbortSignal): Promise<LookupOutcome>
}
export type BoundProvider = BoundLocal | BoundHttp | BoundDirect
export type BoundNetwork = BoundHttp | BoundDirect

const metaOf = (p: {
  id: ProviderId
  label: string
  accepts: readonly IocType[]
  reliability: Reliability
  defaults: ProviderSettings
  docsUrl: string | null
  notApplicable?(s: LookupSubject): string | null
}): ProviderMeta => ({
  id: p.id,
  label: p.label,
  accepts: p.accepts,
  reliability: p.reliability,
  defaults: p.defaults,
  docsUrl: p.docsUrl,
  notApplicable: p.notApplicable?.bind(p),
})

export const bindLocal = <Env>(p: LocalProvider<Env>, env: Env): BoundLocal => ({
  ...metaOf(p),
  kind: 'local',
  network: false,
  needsKey: false,
  source: () => p.source(env),
  lookup: (s) => p.lookup(s, env),
})

export const bindHttp = (p: HttpProvider): BoundHttp => ({
  ...metaOf(p),
  kind: 'http',
  network: true,
  needsKey: p.needsKey,
  http: p,
})

export const bindDirect = <Env>(p: DirectProvider<Env>, env: () => Env): BoundDirect => ({
  ...metaOf(p),
  kind: 'direct',
  network: true,
  needsKey: false,
  lookupKey: (s) => p.lookupKey(s),
  source: () => p.source(env()),
  lookup: (s, signal) => p.lookup(s, env(), signal),
})
