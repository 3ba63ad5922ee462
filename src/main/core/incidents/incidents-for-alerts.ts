import type { Alert, AlertRule } from '#shared/contract/alerts.contract'
import type { ChangeCaller } from '../audit/change-caller'
import type { IncidentsService } from './incidents.service'

/**
 * An alert rule that asks for incidents opens (or, for one already open, bumps) an incident per alert on
 * its indicator, through the same tracking path analysis and imports use, so a rule firing again on the
 * same indicator counts an occurrence instead of opening a second incident. Alerts without an indicator
 * have nothing to track and are left unlinked.
 */
export const openIncidentsForAlerts = async (
  incidents: IncidentsService,
  rule: AlertRule,
  alerts: Alert[],
  by: ChangeCaller,
): Promise<{ alertId: string; incidentId: string }[]> => {
  const linked: { alertId: string; incidentId: string }[] = []
  for (const alert of alerts) {
    if (alert.indicatorId === null) continue
    const { incident } = await incidents.create(
      {
        indicatorId: alert.indicatorId,
        sources: [`alert rule: ${rule.name}`.slice(0, 200)],
        severity: alert.severity,
        summary: alert.title,
        details: { alertId: alert.id, ruleId: rule.id },
        tags: [],
        status: 'open',
        assignee: null,
        projectId: null,
      },
      by,
    )
    linked.push({ alertId: alert.id, incidentId: incident.id })
  }
  return linked
}
