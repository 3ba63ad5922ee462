import { createContext, useContext, type ReactNode } from 'react'
import { useStore } from 'zustand'
import type { Client } from './api/client'
import type { IndicatorsState, IndicatorsStore } from './stores/indicators.store'
import type { UiState, UiStore } from './stores/ui.store'

/** The app's services, created once in main.tsx and handed down: no module-level singletons. */
export type AppServices = {
  client: Client
  ui: UiStore
  indicators: IndicatorsStore
}

const ServicesContext = createContext<AppServices | null>(null)

export const ServicesProvider = (props: { services: AppServices; children: ReactNode }) => (
  <ServicesContext.Provider value={props.services}>{props.children}</ServicesContext.Provider>
)

export const useServices = (): AppServices => {
  const services = useContext(ServicesContext)
  if (!services) throw new Error('useServices() outside <ServicesProvider>')
  return services
}

export const useClient = (): Client => useServices().client

export const useUi = <T,>(selector: (s: UiState) => T): T => useStore(useServices().ui, selector)

export const useIndicators = <T,>(selector: (s: IndicatorsState) => T): T =>
  useStore(useServices().indicators, selector)
