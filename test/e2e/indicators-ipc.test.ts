import { describe } from 'vitest'
import { startIpcHarness } from './support/harness'
import { describeIndicatorFlows } from './support/indicators.scenarios'
import { describePasteFileFlows } from './support/paste-file.scenarios'
import { describePaging } from './support/paging.scenarios'

// (b) The desktop renderer: built files from a static server, `window.bridge` injected with the preload's shape
// and answered by the main process's IPC dispatch over a real core.
describe('indicators in the desktop renderer over the IPC bridge', () => {
  describeIndicatorFlows(startIpcHarness)
  describePasteFileFlows(startIpcHarness)
})

describe('200,000 indicators in the desktop renderer over the IPC bridge', () => {
  describePaging(startIpcHarness)
})
