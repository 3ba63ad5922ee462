import type { MigrationInterface } from 'typeorm'
import { CreateIndicators1763683200000 } from './0001-create-indicators'
import { CreateFeeds1763683300000 } from './0002-create-feeds'
import { CreateSearchLog1763683400000 } from './0003-create-search-log'
import { AddIndicatorSightings1763683500000 } from './0004-add-indicator-sightings'
import { CreateChangeLog1763683600000 } from './0005-create-change-log'
import { AddProjectTagsSettings1763683800000 } from './0006-add-project-tags-settings'
import { CreateRunNotes1763683900000 } from './0007-create-run-notes'
import { AddRunOwner1764770000000 } from './0008-add-run-owner'
import { AddFeedUrlFromHttp1764780000000 } from './0009-add-feed-url-from-http'
import { AddIndicatorScoring1764790000000 } from './0010-add-indicator-scoring'
import { CreateWarninglists1764801100000 } from './0011-create-warninglists'
import { RetypeCustomIndicators1764801200000 } from './0012-retype-custom-indicators'
import { CreateIncidents1764801300000 } from './0013-create-incidents'
import { CreateAlerts1764801400000 } from './0014-create-alerts'
import { CreateTriageViews1764801500000 } from './0015-create-triage-views'
import { CreateIntelEntities1764801600000 } from './0016-create-intel-entities'
import { CreateAttackCatalogue1764801700000 } from './0017-create-attack-catalogue'
import { CreateSummaryReports1764801800000 } from './0018-create-summary-reports'
import { CreateEnrichment1764801900000 } from './0019-create-enrichment'

// Ordered. Files are named NNNN-verb-noun.ts; each class sets `name` ending in a 13-digit timestamp (TypeORM
// orders and records migrations by it). Never edit a migration that has shipped: add the next one.
export const migrations: (new () => MigrationInterface)[] = [
  CreateIndicators1763683200000,
  CreateFeeds1763683300000,
  CreateSearchLog1763683400000,
  AddIndicatorSightings1763683500000,
  CreateChangeLog1763683600000,
  AddProjectTagsSettings1763683800000,
  CreateRunNotes1763683900000,
  AddRunOwner1764770000000,
  AddFeedUrlFromHttp1764780000000,
  AddIndicatorScoring1764790000000,
  CreateWarninglists1764801100000,
  RetypeCustomIndicators1764801200000,
  CreateIncidents1764801300000,
  CreateAlerts1764801400000,
  CreateTriageViews1764801500000,
  CreateIntelEntities1764801600000,
  CreateAttackCatalogue1764801700000,
  CreateSummaryReports1764801800000,
  CreateEnrichment1764801900000,
]
