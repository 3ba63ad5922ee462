import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { restCall, startTestServer, type TestServer } from './http-support'

let t: TestServer
beforeAll(async () => {
  t = await startTestServer()
})
afterAll(async () => {
  await t.close()
})

describe('REST scoring (snake_case)', () => {
  it('explains a score, takes a verdict and starts a rescore', async () => {
    const created = await restCall(t, 'POST', '/api/v1/indicators', {
      value: '203.0.113.77',
      severity: 'high',
    })
    expect(created.status).toBe(201)
    const id = (created.body as { id: string }).id

    const score = await restCall(t, 'GET', `/api/v1/indicators/${id}/score`)
    expect(score.status).toBe(200)
    expect(score.body).toMatchObject({
      id,
      base_score: expect.any(Number),
      // The severity given at creation is the analyst's: it decides the risk level.
      risk_decided_by: 'severity',
      risk_level: 'high',
      terms: expect.arrayContaining([{ term: 'url_analysis', points: 0, detail: 'not analysed' }]),
    })

    const verdict = await restCall(t, 'POST', `/api/v1/indicators/${id}/verdict`, {
      verdict: 'true_positive',
    })
    expect(verdict.status).toBe(200)
    expect(verdict.body).toMatchObject({ verdict: 'true_positive' })
    const bad = await restCall(t, 'POST', `/api/v1/indicators/${id}/verdict`, { verdict: 'maybe' })
    expect(bad.status).toBe(400)
    expect(bad.body).toMatchObject({ details: { field: 'verdict' } })

    const job = await restCall(t, 'POST', '/api/v1/scoring/rescore', {})
    expect(job.status).toBe(202)
    expect(job.body).toMatchObject({ kind: 'scoring.rescore' })
    expect(
      (await restCall(t, 'GET', '/api/v1/indicators/00000000-0000-4000-8000-000000000009/score'))
        .status,
    ).toBe(404)
  })
})
