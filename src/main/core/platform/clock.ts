/** Time is a parameter of the core so tests can pin it; nothing in src/main calls `new Date()` for "now". */
export type Clock = { now(): Date }

export const systemClock: Clock = { now: () => new Date() }

/** A clock tests can move by hand. */
export const createFixedClock = (
  start: Date | string,
): Clock & { set(d: Date | string): void; advance(ms: number): void } => {
  let t = new Date(start).getTime()
  return {
    now: () => new Date(t),
    set: (d) => {
      t = new Date(d).getTime()
    },
    advance: (ms) => {
      t += ms
    },
  }
}
