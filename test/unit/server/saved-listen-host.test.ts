import { describe, expect, it } from 'vitest'
import { savedListenHost } from '#server/guards'

describe('savedListenHost', () => {
  it('obeys a saved loopback address and refuses any other, saying so', () => {
    const warned: unknown[] = []
    const logger = { warn: (m: string, f?: object) => warned.push([m, f]) }
    expect(savedListenHost('::1', logger)).toBe('::1')
    expect(savedListenHost('127.0.0.5', logger)).toBe('127.0.0.5')
    expect(warned).toEqual([])
    expect(savedListenHost('0.0.0.0', logger)).toBe('127.0.0.1')
    expect(warned).toEqual([
      [expect.stringContaining('not a loopback address'), { saved: '0.0.0.0' }],
    ])
  })
})
