import type { MixedList } from 'typeorm'
import { AlertRuleEntity } from './alert-rule.entity'
import { AlertEntity } from './alert.entity'
import { FeedRunNoteEntity } from './feed-run-note.entity'
import { FeedRunRejectEntity } from './feed-run-reject.entity'
import { FeedRunEntity } from './feed-run.entity'
import { FeedEntity } from './feed.entity'
import { IncidentEntity } from './incident.entity'
import { IndicatorEntity } from './indicator.entity'
import { IntelObjectEntity } from './intel-object.entity'
import { MlPredictionEntity } from './ml-prediction.entity'
import { ObservationEntity } from './observation.entity'
import { ProjectEntity } from './project.entity'
import { SettingEntity } from './setting.entity'
import { AllowlistEntryEntity } from './allowlist-entry.entity'
import { WarninglistHitEntity } from './warninglist-hit.entity'
import { WarninglistEntity } from './warninglist.entity'
import { IntelAliasEntity } from './intel-alias.entity'
import { IntelEntityTechniqueEntity } from './intel-entity-technique.entity'
import { IntelEntityEntity } from './intel-entity.entity'
import { IntelRelationshipEntity } from './intel-relationship.entity'
import { ReportObjectEntity } from './report-object.entity'
import { SummaryReportEntity } from './summary-report.entity'
import { EnrichmentCacheEntity } from './enrichment-cache.entity'
import { EnrichmentKeyEntity } from './enrichment-key.entity'
import { EnrichmentResultEntity } from './enrichment-result.entity'
import { EnrichmentUsageEntity } from './enrichment-usage.entity'
import { ScanJobEntity } from './scan-job.entity'

// Every entity class, in one list for the DataSource (SQLite on the desktop, PostgreSQL on the team server).
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const entities: MixedList<Function> = [
  SettingEntity,
  // indicators (migration 0001)
  ProjectEntity,
  IndicatorEntity,
  // feeds (migration 0002)
  FeedEntity,
  FeedRunEntity,
  FeedRunRejectEntity,
  ObservationEntity,
  IntelObjectEntity,
  // run notes (migration 0007)
  FeedRunNoteEntity,
  // warninglists, their hits, the allowlist (migration 0011)
  WarninglistEntity,
  WarninglistHitEntity,
  AllowlistEntryEntity,
  // incidents and URL verdicts (migration 0013)
  IncidentEntity,
  MlPredictionEntity,
  // alerts (migration 0014)
  AlertRuleEntity,
  AlertEntity,
  // the intel knowledge base (migration 0016)
  IntelEntityEntity,
  IntelAliasEntity,
  IntelEntityTechniqueEntity,
  IntelRelationshipEntity,
  ReportObjectEntity,
  // generated summary reports (migration 0018)
  SummaryReportEntity,
  // enrichment: results and queue, response cache, daily usage, pivot keys, scan jobs (migration 0019)
  EnrichmentResultEntity,
  EnrichmentCacheEntity,
  EnrichmentUsageEntity,
  EnrichmentKeyEntity,
  ScanJobEntity,
]
