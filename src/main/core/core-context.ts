import type { ChangeLog } from './audit/change-log'
import type { Database } from './db/data-source'
import type { SearchIndexer } from './db/search/search-indexer'
import type { EventHub } from './events/event-hub'
import type { Clock } from './platform/clock'
import type { Logger } from './platform/logger'
import type { SecretStore } from './platform/secret-store'
import type { IngestScreen } from './warninglists/ingest-screen'
import type { ScoringSettings } from './scoring/scoring-settings'

/** The app's version, reported by system.info, the CLI and the feed fetchers' User-Agent. */
export const APP_VERSION = '0.1.0'

/** Everything a core's services share. Passed explicitly: the core has no module-level state. */
export type CoreContext = {
  dataDir: string
  db: Database
  clock: Clock
  fetch: typeof globalThis.fetch
  logger: Logger
  secrets: SecretStore
  events: EventHub
  /** The search index's worker: readers call search.catchUp() to see their own writes. */
  search: SearchIndexer
  /** The append-only change log: every mutation records itself here, in its own transaction. */
  changes: ChangeLog
  /** Warninglists and the analysts' allowlist, applied by every import to every record it writes. */
  screen: IngestScreen
  /** The risk bands and decay rules in effect (from settings): every writer scores with them. */
  scoring: ScoringSettings
}
