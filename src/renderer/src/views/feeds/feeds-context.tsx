import { createContext, useContext, useEffect, useState, type ReactNode } from 'react'
import { useStore } from 'zustand'
import { useServices } from '../../app-context'
import { createFeedsStore, type FeedsState, type FeedsStore } from '../../stores/feeds.store'

const FeedsContext = createContext<FeedsStore | null>(null)

/**
 * The feeds store lives as long as the Feeds view: its event subscriptions exist only while the analyst
 * looks at feeds, and coming back reloads the list fresh.
 */
export const FeedsProvider = (props: { children: ReactNode }) => {
  const { client, ui } = useServices()
  const [store] = useState(() =>
    createFeedsStore(client, {
      error: (m) => ui.getState().toast('error', m),
      success: (m) => ui.getState().toast('success', m),
    }),
  )
  useEffect(() => store.getState().start(), [store])
  return <FeedsContext.Provider value={store}>{props.children}</FeedsContext.Provider>
}

export const useFeedsStore = (): FeedsStore => {
  const store = useContext(FeedsContext)
  if (!store) throw new Error('useFeedsStore() outside <FeedsProvider>')
  return store
}

export const useFeeds = <T,>(selector: (s: FeedsState) => T): T =>
  useStore(useFeedsStore(), selector)
