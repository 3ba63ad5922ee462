import type { ProviderId } from '#shared/contract/enrichment.schemas'
import { AppError } from '#shared/contract/errors'
import type { BoundNetwork, BoundProvider } from './engine/engine-types'

export type ProviderRegistry = {
  /** Every provider this build has, local ones first (the order of ENRICHMENT_PROVIDERS). */
  all: readonly BoundProvider[]
  get(id: ProviderId): BoundProvider | undefined
  /** The provider, or a not_found error naming the field. */
  require(id: ProviderId, field?: string): BoundProvider
  network(id: ProviderId): BoundNetwork | undefined
}

/**
 * The providers by id. The list is built in create-core from the local providers (src/main/core/enrichment/
 * local) with their opened data and the network providers (src/main/core/enrichment/providers); a provider
 * id of the contract that this build has no module for is simply absent (the settings show its defaults off).
 */
export const createProviderRegistry = (list: readonly BoundProvider[]): ProviderRegistry => {
  const byId = new Map<ProviderId, BoundProvider>()
  for (const p of list) {
    if (byId.has(p.id)) throw new Error(`enrichment provider ${p.id} is registered twice`)
    byId.set(p.id, p)
  }
  return {
    all: [...list].sort((a, b) => Number(a.network) - Number(b.network)),
    get: (id) => byId.get(id),
    require: (id, field = 'provider') => {
      const p = byId.get(id)
      if (p === undefined)
        throw new AppError('not_found', `${field}: this build has no ${id} provider`, { field })
      return p
    },
    network: (id) => {
      const p = byId.get(id)
      return p !== undefined && p.kind !== 'local' ? p : undefined
    },
  }
}
