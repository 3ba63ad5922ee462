import type { ThemeSetting } from '../../stores/ui.store'
import { useServices, useUi } from '../../app-context'
import { EnumSelect } from '../../components/enum-select'
import { AlertDeliverySection } from './alert-delivery-section'
import { AlertRulesSection } from './alert-rules-section'
import { AllowedHostsSection } from './allowed-hosts-section'
import { ApiSection } from './api-section'
import { EnrichmentSettingsSection } from './enrichment-section'
import { useSettings, type SystemInfo } from './use-settings'
import { WarninglistsSection } from './warninglists-section'
import './settings.css'

const THEMES: readonly ThemeSetting[] = ['system', 'light', 'dark']
const THEME_LABELS: Readonly<Record<ThemeSetting, string>> = {
  system: 'Follow the system',
  light: 'Light',
  dark: 'Dark',
}

/** What is running and where its data lives: what a bug report or a support question needs. */
const AboutSection = (props: { info: SystemInfo }) => (
  <section
    className="settings-section"
    aria-labelledby="settings-about"
    data-testid="settings-about"
  >
    <h2 id="settings-about">About this installation</h2>
    <dl className="detail-grid settings-about">
      <div className="detail-item">
        <dt>Version</dt>
        <dd data-testid="about-version">{props.info.version}</dd>
      </div>
      <div className="detail-item">
        <dt>Database schema</dt>
        <dd data-testid="about-schema">{props.info.schemaVersion}</dd>
      </div>
      <div className="detail-item">
        <dt>SQLite</dt>
        <dd>{props.info.sqliteVersion}</dd>
      </div>
      <div className="detail-item detail-wide">
        <dt>Data directory</dt>
        <dd className="mono" data-testid="about-data-dir">
          {props.info.dataDir}
        </dd>
      </div>
    </dl>
  </section>
)

/**
 * Settings: appearance, alert rules and how alerts are delivered, the desktop's local REST API, the hosts API-made feeds may fetch from, and what is
 * running. Every change is one settings.update, shown as saved (or with the contract's error).
 */
export const SettingsView = () => {
  const { ui } = useServices()
  const theme = useUi((s) => s.theme)
  const { settings, info, loadError, save, transport } = useSettings()

  return (
    <section
      className="view settings-view"
      aria-labelledby="settings-title"
      data-testid="settings-view"
      data-state={settings && info ? 'ready' : 'loading'}
    >
      <div className="view-header">
        <h1 id="settings-title">Settings</h1>
      </div>
      <div className="view-body settings-body">
        {loadError ? (
          <p className="form-error" role="alert">
            Could not load the settings: {loadError}
          </p>
        ) : null}
        <section className="settings-section" aria-labelledby="settings-appearance">
          <h2 id="settings-appearance">Appearance</h2>
          <div className="field settings-theme">
            <label htmlFor="settings-theme">Theme</label>
            <EnumSelect
              id="settings-theme"
              options={THEMES}
              value={theme}
              label={(t) => THEME_LABELS[t]}
              data-testid="settings-theme"
              onChange={(t) => void ui.getState().setTheme(t)}
            />
          </div>
        </section>
        <AlertRulesSection />
        <AlertDeliverySection />
        {settings && info ? (
          <>
            <ApiSection
              key={`${settings.httpHost} ${settings.httpPort}`}
              settings={settings}
              info={info}
              transport={transport}
              save={save}
            />
            <AllowedHostsSection
              hosts={settings.fetchAllowedHosts}
              transport={transport}
              save={save}
            />
            <WarninglistsSection transport={transport} />
            <EnrichmentSettingsSection />
            <AboutSection info={info} />
          </>
        ) : null}
      </div>
    </section>
  )
}
