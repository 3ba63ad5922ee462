import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { z } from 'zod'
import { createClient, pickTransport } from './api/client'
import { App } from './app'
import { ServicesProvider, type AppServices } from './app-context'
import { TokenScreen } from './components/token-screen'
import { createIndicatorsStore } from './stores/indicators.store'
import { createUiStore } from './stores/ui.store'
import { IntelNavProvider } from './views/intel/intel-nav'
import './styles/theme.css'
import './styles/app.css'

// The page's CSP forbids eval; without this zod probes `new Function` and the browser logs a violation.
z.config({ jitless: true })

const rootElement = document.getElementById('root')
if (!rootElement) throw new Error('index.html lacks #root')
const root = createRoot(rootElement)

const choice = pickTransport()
if (choice.kind === 'no-token') {
  // No settings to read without a token: follow the OS theme.
  document.documentElement.dataset.theme = window.matchMedia('(prefers-color-scheme: dark)').matches
    ? 'dark'
    : 'light'
  root.render(<TokenScreen reason="missing" />)
} else {
  const client = createClient(choice.transport)
  const ui = createUiStore(client)
  const indicators = createIndicatorsStore(client, (message) =>
    ui.getState().toast('error', message),
  )
  const services: AppServices = { client, ui, indicators }
  void ui.getState().init()
  root.render(
    <StrictMode>
      <ServicesProvider services={services}>
        <IntelNavProvider>
          <App />
        </IntelNavProvider>
      </ServicesProvider>
    </StrictMode>,
  )
}
