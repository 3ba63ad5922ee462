// The core's public face: the only module desktop/, server/ and cli/ may import from core/ (a lint rule).
// Everything a transport or shell needs to build a core, call it and host it is here; the domains stay private.

export { APP_VERSION, type CoreContext } from './core-context'
export { createCore, type Core, type CoreOptions } from './create-core'
export { createDispatcher, formatIssuePath, unwrap, type Dispatch } from './rpc/dispatch'
export { inProcessContext, type CallContext, type Handlers } from './rpc/handlers'
export { localActor } from './audit/change-caller'
export type { EventHub } from './events/event-hub'
export { createLogger, type Logger } from './platform/logger'
export { createFileSecretStore, type SecretStore } from './platform/secret-store'
export { defaultDataDir } from './platform/data-dir'
export { resolveElectronNativeBinding } from './platform/native-binding'
// The CLI's analyst-CSV reader (until the analyst CSV is a format of the ingest pipeline).
export { columnsOf, field } from './feeds/formats/csv-format'
export { CsvReader, splitHeaderLine, type CsvSink } from './feeds/formats/csv-reader'
export { decodeText } from './feeds/formats/line-splitter'
export { splitTags } from './feeds/formats/parse-support'
