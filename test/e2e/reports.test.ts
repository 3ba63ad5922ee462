import { describe } from 'vitest'
import { startHttpHarness, startIpcHarness } from './support/harness'
import { describeReportFlow } from './support/reports.scenarios'

// Writing, attaching to and publishing a threat report, in the browser build over HTTP and in the same
// build bridged to the core as Electron's IPC would be.
describe('threat reports in a browser over HTTP', () => {
  describeReportFlow(startHttpHarness)
})

describe('threat reports over the IPC bridge', () => {
  describeReportFlow(startIpcHarness)
})
