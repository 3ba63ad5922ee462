import { APP_VERSION, type CoreContext } from '../core-context'
import type { JobRegistry } from '../jobs/job-registry'
import { bindDirect, bindHttp, bindLocal, type BoundProvider } from './engine/engine-types'
import {
  createEnrichmentService,
  type EnrichmentOptions,
  type EnrichmentService,
} from './enrichment.service'
import { createLocalProviders, openLocalEnv, type WarninglistCheck } from './local'
import type { HttpProvider } from './provider-types'
import {
  createNetworkProviders,
  DNS_DEFAULT_ENV,
  openRdapBootstrap,
  rdapNoServerReason,
  type DnsEnv,
} from './providers'

/**
 * Builds the enrichment domain for createCore: every provider bound to what it reads (the local data files and
 * this database, the analyst's DNS resolvers, IANA's RDAP bootstrap), and the engine over them. The other
 * domains it reaches (scoring, alerts, settings) come in as functions, so this file knows none of them.
 */
export const openEnrichment = (deps: {
  ctx: CoreContext
  jobs: JobRegistry
  options: EnrichmentOptions
  checkWarninglists: WarninglistCheck
  allowedHosts: () => Promise<readonly string[]>
  /** Rescores indicators whose enrichment_signal changed. */
  rescore: (ids: string[]) => Promise<void>
  /** Evaluates alert rules on them; resolves with the alerts raised. */
  evaluateAlerts: (ids: string[], scanJobId: string | null) => Promise<number>
}): EnrichmentService => {
  const { ctx, options } = deps
  const localEnv = openLocalEnv({
    dataDir: ctx.dataDir,
    sqlite: ctx.db.sqlite,
    checkWarninglists: deps.checkWarninglists,
    logger: ctx.logger,
  })
  // DNS reads the analyst's resolvers from the settings as they are when it asks.
  let service: EnrichmentService | null = null
  const dnsEnv = (): DnsEnv => ({
    ...DNS_DEFAULT_ENV,
    servers: service?.settings.current()?.dnsServers ?? [],
  })
  // Read lazily, on the first RDAP question; a refresh answers with the new files at once.
  const rdapBootstrap = openRdapBootstrap({
    dataDir: ctx.dataDir,
    now: () => ctx.clock.now().getTime(),
  })
  // A value no RDAP server covers (per the bootstrap) is not applicable, not a failure to retry; with a fixed
  // RDAP endpoint (CoreOptions.enrichment.endpoints) every value goes there.
  const withRdapCoverage = (p: HttpProvider): HttpProvider =>
    p.id !== 'rdap' || options.endpoints?.rdap !== undefined
      ? p
      : {
          ...p,
          notApplicable: (s) =>
            p.notApplicable?.(s) ??
            (rdapBootstrap.rdapBase(s) === null ? rdapNoServerReason(s) : null),
        }
  const providers: BoundProvider[] = [
    ...createLocalProviders().map((p) => bindLocal(p, localEnv)),
    ...createNetworkProviders({ now: () => ctx.clock.now().getTime() }).map((p) =>
      p.kind === 'http' ? bindHttp(withRdapCoverage(p)) : bindDirect(p, dnsEnv),
    ),
  ]
  service = createEnrichmentService({
    ...ctx,
    jobs: deps.jobs,
    providers,
    options,
    version: APP_VERSION,
    allowedHosts: deps.allowedHosts,
    rescore: deps.rescore,
    evaluateAlerts: deps.evaluateAlerts,
    rdap: {
      rdapBase: (s) => rdapBootstrap.rdapBase(s),
      // The engine's client (limits, target policy, offline mode) fetches; the bootstrap module validates
      // the four files and writes them only when all of them pass.
      refresh: (getText, baseUrl) =>
        rdapBootstrap.refresh(
          async (url: string, signal?: AbortSignal, maxBytes?: number) =>
            JSON.parse(await getText(url, maxBytes, signal)) as unknown,
          baseUrl,
        ),
    },
  })
  return service
}
