import { parse } from 'csv-parse/sync'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { insertIndicators } from '../core/export/export-support'
import { restCall, startTestServer, type TestServer } from './http-support'

let t: TestServer
beforeEach(async () => {
  t = await startTestServer()
})
afterEach(async () => {
  await t.close()
})

describe('REST export routes', () => {
  it('GET /indicators/export.csv streams the CSV of the list filters, defanged on request', async () => {
    await insertIndicators(t.core, 5, (i) => ({
      value: `e${i}.example.com`,
      type: 'domain',
      score: i * 20,
    }))
    const res = await t.server.app.inject({
      method: 'GET',
      url: '/api/v1/indicators/export.csv?score_min=40&defang=true&sort=score&dir=asc',
      headers: t.auth,
    })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain('text/csv')
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="threateye-indicators-score-40-TLP-GREEN-\d{8}-\d{6}\.csv"$/,
    )
    expect(res.headers['x-threateye-tlp']).toBe('GREEN')
    const table = parse(res.body)
    expect(table.slice(1).map((r) => r[2])).toEqual([
      'e2[.]example[.]com',
      'e3[.]example[.]com',
      'e4[.]example[.]com',
    ])
  })

  it('refuses AMBER material unless confirm_tlp=true, before any byte of CSV', async () => {
    await insertIndicators(t.core, 1, () => ({ value: 'amber.example.com', tlp: 'amber' }))
    const refused = await restCall(t, 'GET', '/api/v1/indicators/export.csv')
    expect(refused.status).toBe(403)
    expect(refused.body).toMatchObject({ code: 'forbidden' })
    expect(String(refused.body?.message)).toContain('TLP:AMBER')
    const ok = await t.server.app.inject({
      method: 'GET',
      url: '/api/v1/indicators/export.csv?confirm_tlp=true',
      headers: t.auth,
    })
    expect(ok.statusCode).toBe(200)
    expect(ok.headers['x-threateye-tlp']).toBe('AMBER')
    expect(parse(ok.body)).toHaveLength(2)
  })

  it('names a bad query parameter', async () => {
    const bad = await restCall(t, 'GET', '/api/v1/indicators/export.csv?score_min=high')
    expect(bad.status).toBe(400)
    expect(String(bad.body?.message)).toContain('score_min')
  })

  it('POST /exports starts a job; the list, the file and the delete follow', async () => {
    await insertIndicators(t.core, 3, (i) => ({ value: `j${i}.example.com` }))
    const check = await restCall(t, 'POST', '/api/v1/exports/check', {
      target: { kind: 'indicators' },
    })
    expect(check.body).toMatchObject({ tlp: 'green', indicator_count: 3, needs_confirm: false })
    const started = await restCall(t, 'POST', '/api/v1/exports', {
      format: 'csv',
      target: { kind: 'indicators' },
    })
    expect(started.status).toBe(202)
    await t.core.jobs.settled(String(started.body?.id))
    const list = await restCall(t, 'GET', '/api/v1/exports')
    const items = list.body?.items as { id: string; file_name: string; rows: number }[]
    expect(items).toHaveLength(1)
    const id = items[0]?.id ?? ''
    expect(items[0]?.rows).toBe(3)
    const one = await restCall(t, 'GET', `/api/v1/exports/${id}`)
    expect(one.body).toMatchObject({ id, format: 'csv', tlp: 'green' })
    const file = await t.server.app.inject({
      method: 'GET',
      url: `/api/v1/exports/${id}/file`,
      headers: t.auth,
    })
    expect(file.statusCode).toBe(200)
    expect(file.headers['content-disposition']).toBe(
      `attachment; filename="${items[0]?.file_name ?? ''}"`,
    )
    expect(parse(file.body)).toHaveLength(4)
    expect((await restCall(t, 'DELETE', `/api/v1/exports/${id}`)).status).toBe(204)
    expect((await restCall(t, 'GET', `/api/v1/exports/${id}/file`)).status).toBe(404)
  })

  it('POST /exports/stream streams any target over a real socket', async () => {
    await insertIndicators(t.core, 2000, (i) => ({ value: `s${i}.example.com` }))
    const base = await t.server.listen()
    const res = await fetch(`${base}/api/v1/exports/stream`, {
      method: 'POST',
      headers: { ...t.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ format: 'csv', target: { kind: 'indicators' } }),
    })
    expect(res.status).toBe(200)
    expect(parse(await res.text())).toHaveLength(2001)
    const bad = await fetch(`${base}/api/v1/exports/stream`, {
      method: 'POST',
      headers: { ...t.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ format: 'csv', target: { kind: 'report' } }),
    })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { message: string }).message).toContain('target')
  })

  it('GET /projects/{id}/export streams a project export, refusing AMBER without confirm_tlp', async () => {
    const project = await t.core.call('projects.create', { name: 'Case 9' })
    await insertIndicators(t.core, 2, (i) => ({
      value: `p${i}.example.com`,
      projectId: project.id,
      tlp: i === 0 ? 'amber' : 'green',
    }))
    const refused = await restCall(t, 'GET', `/api/v1/projects/${project.id}/export`)
    expect(refused.status).toBe(403)
    const ok = await t.server.app.inject({
      method: 'GET',
      url: `/api/v1/projects/${project.id}/export?format=csv&confirm_tlp=true`,
      headers: t.auth,
    })
    expect(ok.statusCode).toBe(200)
    expect(ok.headers['content-disposition']).toContain('threateye-project-case-9-TLP-AMBER-')
    expect(parse(ok.body)).toHaveLength(3)
    const badFormat = await restCall(t, 'GET', `/api/v1/reports/${project.id}/export?format=docx`)
    expect(badFormat.status).toBe(400)
    expect(String(badFormat.body?.message)).toContain('format')
  })
})
