import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { restCall, startTestServer, type TestServer } from './http-support'

let t: TestServer
beforeAll(async () => {
  t = await startTestServer()
})
afterAll(async () => {
  await t.close()
})

describe('REST summaries (snake_case)', () => {
  it('generates, lists, gets, downloads and deletes a report; reads and sets the schedule', async () => {
    await restCall(t, 'POST', '/api/v1/indicators', { value: '45.155.205.7', severity: 'high' })
    await restCall(t, 'POST', '/api/v1/indicators', { value: 'bad-name.example.org' })

    const started = await restCall(t, 'POST', '/api/v1/summaries', {
      type: 'daily',
      from: '2026-01-15',
      wait: true,
    })
    expect(started.status).toBe(202)
    expect(started.body).toMatchObject({
      report: {
        type: 'daily',
        title: 'Daily summary 2026-01-15',
        range_start: '2026-01-15T00:00:00.000Z',
        range_end: '2026-01-16T00:00:00.000Z',
        status: 'done',
        format: 'md',
        file_path: expect.stringMatching(/summaries[/\\]daily-2026-01-15\.md$/),
      },
      job: { kind: 'summaries.generate', status: 'succeeded' },
    })
    const id = (started.body as { report: { id: string } }).report.id

    const list = await restCall(t, 'GET', '/api/v1/summaries?type=daily&limit=10')
    expect(list.status).toBe(200)
    expect(list.body).toMatchObject({ total: 1, items: [{ id, file_size: expect.any(Number) }] })

    const one = await restCall(t, 'GET', `/api/v1/summaries/${id}`)
    expect(one.body).toMatchObject({
      id,
      stats: { arrived: { total: 2, by_type: { ip: 1, domain: 1 } } },
    })

    const file = await t.server.app.inject({
      method: 'GET',
      url: `/api/v1/summaries/${id}/file`,
      headers: t.auth,
    })
    expect(file.statusCode).toBe(200)
    expect(file.headers['content-type']).toBe('text/markdown; charset=utf-8')
    expect(file.headers['content-disposition']).toBe('attachment; filename="daily-2026-01-15.md"')
    const onDisk = readFileSync((one.body as { file_path: string }).file_path, 'utf8')
    expect(file.body).toBe(onDisk)
    expect(Number(file.headers['content-length'])).toBe(Buffer.byteLength(onDisk))
    expect(file.body).toContain('# Daily summary 2026-01-15')

    const noToken = await t.server.app.inject({
      method: 'GET',
      url: `/api/v1/summaries/${id}/file`,
    })
    expect(noToken.statusCode).toBe(401)

    expect((await restCall(t, 'GET', '/api/v1/summaries/schedule')).body).toMatchObject({
      daily: { enabled: false },
      next_daily: null,
    })
    const set = await restCall(t, 'PATCH', '/api/v1/summaries/schedule', {
      weekly: { enabled: true, weekday: 5, time: '08:15' },
    })
    expect(set.status).toBe(200)
    expect(set.body).toMatchObject({
      weekly: { enabled: true, weekday: 5, time: '08:15' },
      next_weekly: '2026-01-16T08:15:00.000Z',
    })
    const bad = await restCall(t, 'PATCH', '/api/v1/summaries/schedule', {
      daily: { time: '25:00' },
    })
    expect(bad.status).toBe(400)
    expect(bad.body).toMatchObject({ details: { field: 'daily.time' } })

    expect((await restCall(t, 'DELETE', `/api/v1/summaries/${id}`)).status).toBe(204)
    const gone = await t.server.app.inject({
      method: 'GET',
      url: `/api/v1/summaries/${id}/file`,
      headers: t.auth,
    })
    expect(gone.statusCode).toBe(404)
    expect(JSON.parse(gone.body)).toMatchObject({ code: 'not_found' })
  })

  it('refuses a custom range without its end, naming the field', async () => {
    const res = await restCall(t, 'POST', '/api/v1/summaries', {
      type: 'custom',
      from: '2026-01-01',
    })
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({ code: 'invalid_input', details: { field: 'to' } })
  })
})
