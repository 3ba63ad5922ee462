import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from './http-support'

const CHROMIUM = '/usr/bin/chromium'

let t: TestServer
let base: string
let browser: Browser

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`)
  t = await startTestServer()
  base = await t.server.listen()
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
    ],
  })
})
afterAll(async () => {
  await browser.close()
  await t.close()
})

describe('/api/docs in a browser', () => {
  it('renders every operation of the OpenAPI document under the CSP, and filters them', async () => {
    const page = await browser.newPage()
    const problems: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text())
    })
    page.on('pageerror', (e) => problems.push(String(e)))

    await page.goto(`${base}/api/docs#token=${t.token}`)
    await page.waitForSelector('#ops details')
    // The token leaves the address bar as soon as the script has read it.
    expect(page.url()).toBe(`${base}/api/docs`)

    const doc = (await (await fetch(`${base}/api/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>
    }
    const operations = Object.values(doc.paths).reduce((n, p) => n + Object.keys(p).length, 0)
    expect(await page.locator('#ops details').count()).toBe(operations)

    await page.fill('#filter', 'indicators.bulkcreate')
    const visible = await page.locator('#ops details:not([hidden]) .path').allTextContents()
    expect(visible).toEqual(['/api/rpc/indicators.bulkCreate'])
    expect(problems).toEqual([])
    await page.close()
  })
})
