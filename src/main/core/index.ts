// The core's public face: the only module desktop/, server/ and cli/ may import from core/ (a lint rule).
// Everything a transport or shell needs to build a core, call it and host it is here; the domains stay private.
//
// This module stays light: nothing here loads TypeORM, SQLite or the domains until a core is created, so
// `threateye --help`, `threateye token` and the desktop's first paint do not pay for them.

import type { Core, CoreOptions } from './create-core'

export { APP_VERSION } from './core-context'
export type { CoreContext } from './core-context'
export type { Core, CoreOptions } from './create-core'

/** Opens a core on a data directory (database, migrations, search index, services). */
export const createCore = async (opts: CoreOptions): Promise<Core> =>
  (await import('./create-core')).createCore(opts)
export { createDispatcher, formatIssuePath, unwrap, type Dispatch } from './rpc/dispatch'
export { inProcessContext, type CallContext, type Handlers, type PickedFiles } from './rpc/handlers'
export { localActor } from './audit/change-caller'
export type { EventHub } from './events/event-hub'
export type { HttpExposure } from './settings/http-exposure.service'
export { createLogger, type Logger } from './platform/logger'
export { createFileSecretStore, type SecretStore } from './platform/secret-store'
export { defaultDataDir } from './platform/data-dir'
export { resolveElectronNativeBinding } from './platform/native-binding'
export { extractIocs } from './extract/extract-iocs'
export { type DocumentExtractResult, extractFromFile } from './extract/extract-document'
export {
  EXTRACT_KINDS,
  type ExtractKind,
  type ExtractOptions,
  type ExtractResult,
  type ExtractedItem,
} from './extract/extract-types'
export type { WarninglistFile } from './warninglists/warninglist-loader'

/** The MISP warninglist files of a folder, read (not parsed): the CLI hands them to warninglists.import. */
export const readWarninglistFolder = async (dir: string) =>
  (await import('./warninglists/warninglist-loader')).readWarninglistFolder(dir)
