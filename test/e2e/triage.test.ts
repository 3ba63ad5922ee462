import { describe } from 'vitest'
import { startHttpHarness, startIpcHarness } from './support/harness'
import { describeTriageAtScale, describeTriageFlow } from './support/triage.scenarios'

// The triage queue by keyboard in both harnesses: the browser build over HTTP + SSE, and the same build
// bridged to the core as Electron's IPC would be.
describe('triage in a browser over HTTP', () => {
  describeTriageFlow(startHttpHarness)
})

describe('triage over the IPC bridge', () => {
  describeTriageFlow(startIpcHarness)
})

describe('100,000 open items in the triage view over HTTP', () => {
  describeTriageAtScale(startHttpHarness)
})

describe('100,000 open items in the triage view over the IPC bridge', () => {
  describeTriageAtScale(startIpcHarness)
})
