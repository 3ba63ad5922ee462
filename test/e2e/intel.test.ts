import { describe } from 'vitest'
import { startHttpHarness, startIpcHarness } from './support/harness'
import { describeIntelFlow, describeIntelGraphAtScale } from './support/intel.scenarios'

// The Intel view and its graph in both harnesses: the browser build over HTTP + SSE, and the same build
// bridged to the core as Electron's IPC would be.
describe('intel view in a browser over HTTP', () => {
  describeIntelFlow(startHttpHarness)
})

describe('intel view over the IPC bridge', () => {
  describeIntelFlow(startIpcHarness)
})

describe('a 2,000-neighbour graph over HTTP', () => {
  describeIntelGraphAtScale(startHttpHarness)
})

describe('a 2,000-neighbour graph over the IPC bridge', () => {
  describeIntelGraphAtScale(startIpcHarness)
})
