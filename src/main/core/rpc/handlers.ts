import type { Method, Out, ParsedIn } from '#shared/contract'
import type { PickedFile } from '#shared/contract/files.contract'
import type { Transport } from '#shared/contract/audit.contract'
import { localActor } from '../audit/change-caller'

/** The transport a call came through; the feed scheduler is the core calling itself. */
export type Caller = Transport

/**
 * The files the user picked in the desktop app's open dialog, as one window's calls see them (the IPC
 * transport sets it; no other transport has a dialog). The page holds handles; only this resolves them.
 */
export type PickedFiles = {
  /** Opens the dialog; null when the user cancelled. */
  pick(): Promise<PickedFile | null>
  /**
   * The picked path behind a handle of this window. `take` uses the handle up (an import); `peek` leaves it
   * (format detection before the import). Throws an AppError for a handle unknown, used, expired or picked
   * in another window.
   */
  pathOf(handle: string, use: 'peek' | 'take'): string
  /**
   * Opens a folder dialog (warninglists.importPicked); the chosen folder, or null when the user cancelled.
   * The path stays in the main process: the page only learns what was imported.
   */
  pickFolder?(): Promise<string | null>
}

/**
 * What every handler receives besides its input: who called, and a signal to stop long work. Each transport
 * sets its own caller and actor, the dispatcher adds the method; handlers pass `callerOf(ctx)` on to the
 * change log.
 */
export type CallContext = {
  caller: Caller
  /** Who: the OS user for desktop and CLI, `api:<token fingerprint>` over HTTP, `scheduler` for timers. */
  actor: string
  signal: AbortSignal
  /** The contract method being called (the dispatcher sets it): the change log records it. */
  method?: string
  /** Desktop IPC only: the files the user picked in this window's dialog. */
  files?: PickedFiles
  /**
   * Set when the call runs as a job (jobs.start): long work reports how far it got, in its own unit (lines,
   * entries), with the total when known. Other callers leave it unset and the work reports to nobody.
   */
  progress?: (done: number, total: number | null) => void
}

export type Handler<K extends Method> = (input: ParsedIn<K>, ctx: CallContext) => Promise<Out<K>>

/** A domain's slice of the contract's handlers; the core merges them into `Handlers`. */
export type HandlerMap<K extends Method> = { [P in K]: Handler<P> }
export type Handlers = HandlerMap<Method>

export const inProcessContext = (
  signal: AbortSignal = new AbortController().signal,
): CallContext => ({
  caller: 'in-process',
  actor: localActor(),
  signal,
})
