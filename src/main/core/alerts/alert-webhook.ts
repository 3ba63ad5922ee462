import { createHmac } from 'node:crypto'
import { Agent, request, type Dispatcher } from 'undici'
import type { Alert } from '#shared/contract/alerts.contract'
import { CORE_CALLER } from '../audit/change-caller'
import type { CoreContext } from '../core-context'
import { isFeedFetchError } from '../feeds/http/fetch-error'
import { guardedConnector, precheckUrl } from '../feeds/http/fetch-targets'
import { abortableSleep, backoffMs, classifyError, parseRetryAfter } from '../feeds/http/retry'
import type { AlertSettingsService, WebhookTarget } from './alert-settings.service'
import { toAlert, type AlertRow } from './alerts.repository'

/**
 * The optional webhook: one JSON POST per new alert, signed with HMAC-SHA256 when a secret is set, retried
 * with exponential backoff on network errors, timeouts, 5xx, 408 and 429 (Retry-After honoured up to the
 * backoff cap). Pending deliveries are rows (alerts.webhook_status = 'pending'), so they survive a restart;
 * one sender per core works through them oldest first. Each attempt is recorded on the alert (attempts,
 * the last error as a status line or an error code, never the response body) and the final outcome is a
 * change-log entry. A URL set over the HTTP API keeps the fetch rules (fetch-targets.ts) on every delivery.
 */

export const SIGNATURE_HEADER = 'x-threateye-signature'
export const DELIVERY_HEADER = 'x-threateye-delivery'

export type WebhookOptions = {
  maxAttempts: number
  /** First retry after about this long, doubling each time (with jitter), up to maxBackoffMs. */
  backoffMs: number
  maxBackoffMs: number
  /** One attempt, connection to the end of the response head. */
  timeoutMs: number
  /** At most this much of a response body is read (then the connection is dropped). */
  maxResponseBytes: number
}

export const DEFAULT_WEBHOOK_OPTIONS: WebhookOptions = {
  maxAttempts: 5,
  backoffMs: 2000,
  maxBackoffMs: 60_000,
  timeoutMs: 10_000,
  maxResponseBytes: 64 * 1024,
}

/** The body's signature: `sha256=` and the hex HMAC of the exact bytes sent. */
export const signBody = (secret: string, body: string): string =>
  `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`

/** Alerts read per pass; the sender loops until none is pending. */
const PAGE = 50
const MAX_ERROR_CHARS = 500

type Attempt = { ok: true } | { ok: false; error: string; retry: boolean; waitMs: number | null }

const PENDING_SQL = `SELECT rowid, * FROM alerts WHERE webhook_status = 'pending'
  ORDER BY created_at LIMIT ${PAGE}`

export const createWebhookSender = (deps: {
  ctx: CoreContext
  settings: AlertSettingsService
  version: string
  options?: Partial<WebhookOptions>
}) => {
  const { ctx, settings } = deps
  const opts = { ...DEFAULT_WEBHOOK_OPTIONS, ...deps.options }
  const stopper = new AbortController()
  let running: Promise<void> | null = null
  let again = false

  const post = async (target: WebhookTarget, alert: Alert): Promise<Attempt> => {
    const body = JSON.stringify({ event: 'alert.triggered', alert })
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': `ThreatEye/${deps.version}`,
      [DELIVERY_HEADER]: alert.id,
    }
    if (target.secret !== undefined) headers[SIGNATURE_HEADER] = signBody(target.secret, body)
    const refused = target.targets ? precheckUrl(target.targets, target.url) : undefined
    if (refused) return { ok: false, error: refused.message, retry: false, waitMs: null }
    const agent = new Agent({
      connect: target.targets
        ? guardedConnector(target.targets, { timeout: opts.timeoutMs })
        : { timeout: opts.timeoutMs },
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
    })
    const signal = AbortSignal.any([stopper.signal, AbortSignal.timeout(opts.timeoutMs)])
    try {
      const res = await request(target.url, {
        method: 'POST',
        headers,
        body,
        dispatcher: agent,
        signal,
      })
      await drain(res.body, opts.maxResponseBytes)
      const status = res.statusCode
      if (status >= 200 && status < 300) return { ok: true }
      const retry = status >= 500 || status === 408 || status === 429
      const retryAfter = res.headers['retry-after']
      return {
        ok: false,
        error: `HTTP ${status}${status >= 300 && status < 400 ? ' (redirects are not followed)' : ''}`,
        retry,
        waitMs: parseRetryAfter(
          typeof retryAfter === 'string' ? retryAfter : undefined,
          new Date(),
        ),
      }
    } catch (e) {
      if (isFeedFetchError(e)) return { ok: false, error: e.message, retry: false, waitMs: null }
      if (stopper.signal.aborted) return { ok: false, error: 'stopped', retry: false, waitMs: null }
      const c = classifyError(e, {
        connectTimeoutMs: opts.timeoutMs,
        headersTimeoutMs: opts.timeoutMs,
        idleTimeoutMs: opts.timeoutMs,
      })
      const timedOut = signal.aborted
      return {
        ok: false,
        error: timedOut ? `no answer within ${opts.timeoutMs} ms` : c.what,
        retry: timedOut || c.retriable,
        waitMs: null,
      }
    } finally {
      agent.destroy().catch(() => undefined)
    }
  }

  const record = (
    id: string,
    fields: { status: 'pending' | 'delivered' | 'failed'; attempts: number; error: string | null },
    final: boolean,
    url: string,
  ) =>
    ctx.db.writes.run('alerts.webhook', () => {
      const error = fields.error === null ? null : fields.error.slice(0, MAX_ERROR_CHARS)
      ctx.db.sqlite.transaction(() => {
        ctx.db.sqlite
          .prepare(
            `UPDATE alerts SET webhook_status = ?, webhook_attempts = ?, webhook_error = ?, webhook_at = ?
             WHERE id = ?`,
          )
          .run(fields.status, fields.attempts, error, ctx.clock.now().toISOString(), id)
        if (final) {
          ctx.changes.record(
            { ...CORE_CALLER, method: 'alerts.webhook' },
            {
              entity: 'alert',
              entityId: id,
              operation: 'update',
              changes: {
                webhook: { status: fields.status, attempts: fields.attempts, error },
                // The origin only: some services put their key in the path.
                to: originOf(url),
              },
            },
          )
        }
      })()
    })

  const deliver = async (target: WebhookTarget, row: AlertRow): Promise<void> => {
    const alert = toAlert(row)
    let attempts = row.webhook_attempts
    for (;;) {
      attempts++
      const r = await post(target, alert)
      if (r.ok) {
        await record(alert.id, { status: 'delivered', attempts, error: null }, true, target.url)
        return
      }
      if (stopper.signal.aborted) return
      const final = !r.retry || attempts >= opts.maxAttempts
      await record(
        alert.id,
        { status: final ? 'failed' : 'pending', attempts, error: r.error },
        final,
        target.url,
      )
      if (final) return
      const wait = Math.min(
        opts.maxBackoffMs,
        r.waitMs ?? backoffMs(attempts - 1, opts.backoffMs, Math.random),
      )
      try {
        await abortableSleep(wait, stopper.signal)
      } catch {
        return
      }
    }
  }

  const loop = async () => {
    do {
      again = false
      const target = await settings.webhook()
      // No webhook (removed since): the pending rows wait for one to be set again.
      if (target === null) return
      for (;;) {
        if (stopper.signal.aborted) return
        const rows = ctx.db.sqlite.prepare<[], AlertRow>(PENDING_SQL).all()
        if (rows.length === 0) break
        for (const row of rows) {
          if (stopper.signal.aborted) return
          await deliver(target, row)
        }
      }
    } while (again)
  }

  return {
    /** New pending deliveries (or a new webhook): work through them unless already working. */
    kick: (): void => {
      if (stopper.signal.aborted) return
      if (running !== null) {
        again = true
        return
      }
      running = loop()
        .catch((e: unknown) => ctx.logger.warn('webhook delivery stopped', { error: e }))
        .finally(() => {
          running = null
        })
    },
    waitForIdle: async (): Promise<void> => {
      while (running !== null) await running
    },
    stop: async (): Promise<void> => {
      stopper.abort()
      await running
    },
  }
}
export type WebhookSender = ReturnType<typeof createWebhookSender>

export const originOf = (url: string): string => {
  try {
    return new URL(url).origin
  } catch {
    return '[invalid url]'
  }
}

/** Reads at most `max` bytes of a response body and drops the rest with the connection. */
const drain = async (body: Dispatcher.ResponseData['body'], max: number): Promise<void> => {
  let n = 0
  try {
    for await (const chunk of body) {
      n += (chunk as Buffer).length
      if (n > max) break
    }
  } finally {
    if (n > max) body.destroy()
  }
}
