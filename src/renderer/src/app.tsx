import { useState } from 'react'
import { useServices, useUi } from './app-context'
import {
  ActivityIcon,
  FeedIcon,
  ListIcon,
  ProjectIcon,
  SettingsIcon,
  ShieldIcon,
} from './components/icons'
import { OpenAlertsBadge } from './components/open-alerts-badge'
import { ShortcutHint, ShortcutsDialog } from './components/shortcuts-dialog'
import { Toasts } from './components/toasts'
import { TokenScreen } from './components/token-screen'
import { TopBar } from './components/top-bar'
import { useAlertNotifications } from './hooks/use-alert-notifications'
import { useShortcuts } from './hooks/use-shortcuts'
import { AnalyzeUrlDialog } from './views/analysis/analyze-url-dialog'
import { ActivityView } from './views/activity/activity-view'
import { FeedsView } from './views/feeds/feeds-view'
import { EnrichmentIcon } from './views/enrichment/enrichment-icon'
import { EnrichmentQueueView } from './views/enrichment/enrichment-queue-view'
import { CreateIndicatorDialog } from './views/indicators/create-indicator-dialog'
import { IndicatorsView } from './views/indicators/indicators-view'
import { IntelIcon } from './views/intel/intel-icon'
import { useIntelNavRequests } from './views/intel/intel-nav'
import { IntelView } from './views/intel/intel-view'
import { PasteImportDialog } from './views/indicators/paste-import-dialog'
import { ProjectsView } from './views/projects/projects-view'
import { ReportIcon } from './views/reports/report-icon'
import { ReportsView } from './views/reports/reports-view'
import { SummaryReports } from './views/reports/summary-reports'
import { SettingsView } from './views/settings/settings-view'
import { TriageView } from './views/triage/triage-view'

/** Only views that work are listed; later issues add theirs here. */
const NAV = [
  { id: 'triage', label: 'Triage', icon: <ShieldIcon /> },
  { id: 'indicators', label: 'Indicators', icon: <ListIcon /> },
  { id: 'intel', label: 'Intel', icon: <IntelIcon /> },
  { id: 'reports', label: 'Reports', icon: <ReportIcon /> },
  { id: 'feeds', label: 'Feeds', icon: <FeedIcon /> },
  { id: 'enrichment', label: 'Enrichment', icon: <EnrichmentIcon /> },
  { id: 'projects', label: 'Projects', icon: <ProjectIcon /> },
  { id: 'activity', label: 'Activity', icon: <ActivityIcon /> },
  { id: 'settings', label: 'Settings', icon: <SettingsIcon /> },
] as const
type ViewId = (typeof NAV)[number]['id']

export const App = () => {
  const authFailed = useUi((s) => s.authFailed)
  const dialog = useUi((s) => s.dialog)
  const { ui, client } = useServices()
  const [view, setView] = useState<ViewId>('indicators')
  useShortcuts(view === 'indicators')
  useAlertNotifications()
  // "Open in graph" and "Open" in the Intel view switch views.
  useIntelNavRequests(setView)

  if (authFailed) return <TokenScreen reason="invalid" />
  const close = () => ui.getState().openDialog(null)

  return (
    <div className="app" data-testid="app" data-transport={client.transport.kind}>
      <nav className="sidebar" aria-label="Main">
        <div className="brand">
          <span className="brand-mark">
            <ShieldIcon size={20} />
          </span>
          ThreatEye
          <OpenAlertsBadge />
        </div>
        <ul className="nav-list">
          {NAV.map((item) => (
            <li key={item.id}>
              <a
                href={`#${item.id}`}
                className={view === item.id ? 'nav-item active' : 'nav-item'}
                aria-current={view === item.id ? 'page' : undefined}
                data-testid={`nav-${item.id}`}
                onClick={(e) => {
                  e.preventDefault()
                  setView(item.id)
                }}
              >
                <span aria-hidden="true">{item.icon}</span>
                {item.label}
              </a>
            </li>
          ))}
        </ul>
        <div className="sidebar-footer">
          <ShortcutHint />
        </div>
      </nav>
      <div className="main">
        <TopBar onSearch={() => setView('indicators')} />
        {view === 'triage' ? (
          <TriageView />
        ) : view === 'reports' ? (
          <ReportsView summaries={<SummaryReports />} />
        ) : view === 'feeds' ? (
          <FeedsView />
        ) : view === 'projects' ? (
          <ProjectsView />
        ) : view === 'activity' ? (
          <ActivityView />
        ) : view === 'settings' ? (
          <SettingsView />
        ) : view === 'enrichment' ? (
          <EnrichmentQueueView />
        ) : view === 'intel' ? (
          <IntelView />
        ) : (
          <IndicatorsView />
        )}
      </div>
      <Toasts />
      {dialog === 'create-indicator' ? <CreateIndicatorDialog onClose={close} /> : null}
      {dialog === 'paste-import' ? <PasteImportDialog onClose={close} /> : null}
      {dialog === 'shortcuts' ? <ShortcutsDialog onClose={close} /> : null}
      {dialog === 'analyze-url' ? <AnalyzeUrlDialog onClose={close} /> : null}
    </div>
  )
}
