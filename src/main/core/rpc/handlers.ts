import type { Method, Out, ParsedIn } from '#shared/contract'

export type Caller = 'ipc' | 'http' | 'in-process' | 'cli'

/** What every handler receives besides its input: who called, and a signal to stop long work. */
export type CallContext = {
  caller: Caller
  signal: AbortSignal
}

export type Handler<K extends Method> = (input: ParsedIn<K>, ctx: CallContext) => Promise<Out<K>>

/** A domain's slice of the contract's handlers; the core merges them into `Handlers`. */
export type HandlerMap<K extends Method> = { [P in K]: Handler<P> }
export type Handlers = HandlerMap<Method>

export const inProcessContext = (
  signal: AbortSignal = new AbortController().signal,
): CallContext => ({
  caller: 'in-process',
  signal,
})
