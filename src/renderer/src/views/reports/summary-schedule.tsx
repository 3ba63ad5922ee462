import { useEffect, useState } from 'react'
import type { In } from '#shared/contract'
import { SUMMARY_FORMATS, type SummaryScheduleView } from '#shared/contract/summaries.schemas'
import { errorMessage, issuesOf } from '../../api/client'
import { useClient } from '../../app-context'

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']

const when = (iso: string | null) => (iso === null ? 'off' : new Date(iso).toLocaleString())

/** When daily and weekly summaries are made (UTC times), and in which format. */
export const SummarySchedule = () => {
  const client = useClient()
  const [saved, setSaved] = useState<SummaryScheduleView | null>(null)
  const [draft, setDraft] = useState<SummaryScheduleView | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    let live = true
    client.call('summaries.getSchedule', {}).then(
      (s) => {
        if (!live) return
        setSaved(s)
        setDraft(s)
      },
      (e: unknown) => live && setError(errorMessage(e)),
    )
    return () => {
      live = false
    }
  }, [client])

  if (draft === null || saved === null) {
    return error ? <p className="form-error">Could not load the schedule: {error}</p> : null
  }
  const dirty =
    JSON.stringify([draft.daily, draft.weekly, draft.format]) !==
    JSON.stringify([saved.daily, saved.weekly, saved.format])

  const save = async () => {
    setBusy(true)
    try {
      const input: In<'summaries.setSchedule'> = {
        daily: draft.daily,
        weekly: draft.weekly,
        format: draft.format,
      }
      const next = await client.call('summaries.setSchedule', input)
      setSaved(next)
      setDraft(next)
      setError(null)
    } catch (e) {
      const [field, message] = Object.entries(issuesOf(e))[0] ?? [null, errorMessage(e)]
      setError(field === null ? message : `${field}: ${message}`)
    } finally {
      setBusy(false)
    }
  }

  return (
    <section className="summary-schedule" data-testid="summary-schedule" aria-label="Schedule">
      <h3>Schedule (UTC)</h3>
      <div className="summary-schedule-row">
        <label className="checkbox">
          <input
            type="checkbox"
            checked={draft.daily.enabled}
            data-testid="summary-daily-enabled"
            onChange={(e) =>
              setDraft({ ...draft, daily: { ...draft.daily, enabled: e.target.checked } })
            }
          />
          Daily at
        </label>
        <input
          type="time"
          value={draft.daily.time}
          aria-label="Daily time (UTC)"
          data-testid="summary-daily-time"
          onChange={(e) => setDraft({ ...draft, daily: { ...draft.daily, time: e.target.value } })}
        />
        <span className="muted" data-testid="summary-next-daily">
          next: {when(saved.nextDaily)}
        </span>
      </div>
      <div className="summary-schedule-row">
        <label className="checkbox">
          <input
            type="checkbox"
            checked={draft.weekly.enabled}
            data-testid="summary-weekly-enabled"
            onChange={(e) =>
              setDraft({ ...draft, weekly: { ...draft.weekly, enabled: e.target.checked } })
            }
          />
          Weekly on
        </label>
        <select
          value={draft.weekly.weekday}
          aria-label="Weekday"
          data-testid="summary-weekly-day"
          onChange={(e) =>
            setDraft({ ...draft, weekly: { ...draft.weekly, weekday: Number(e.target.value) } })
          }
        >
          {WEEKDAYS.map((d, i) => (
            <option key={d} value={i + 1}>
              {d}
            </option>
          ))}
        </select>
        <input
          type="time"
          value={draft.weekly.time}
          aria-label="Weekly time (UTC)"
          data-testid="summary-weekly-time"
          onChange={(e) =>
            setDraft({ ...draft, weekly: { ...draft.weekly, time: e.target.value } })
          }
        />
        <span className="muted" data-testid="summary-next-weekly">
          next: {when(saved.nextWeekly)}
        </span>
      </div>
      <div className="summary-schedule-row">
        <label htmlFor="summary-schedule-format">Format</label>
        <select
          id="summary-schedule-format"
          value={draft.format}
          onChange={(e) =>
            setDraft({
              ...draft,
              format: SUMMARY_FORMATS.find((f) => f === e.target.value) ?? draft.format,
            })
          }
        >
          {SUMMARY_FORMATS.map((f) => (
            <option key={f} value={f}>
              {f}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="button button-small"
          disabled={!dirty || busy}
          data-testid="summary-schedule-save"
          onClick={() => void save()}
        >
          Save schedule
        </button>
      </div>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  )
}
