import { Injectable } from '@nestjs/common';
import type { AssignmentMode, BusinessHours, SlaPolicy, TicketPriority, TicketSettings, WorkingDay } from '@kinship/contracts/crm';
import { updateReturning } from '@kinship/persistence';
import type { EntityManager } from 'typeorm';
import { DEFAULT_WARNING_MINUTES } from './1765120000000-tickets.js';
import { ALWAYS_OPEN } from './business-calendar.js';

export { DEFAULT_WARNING_MINUTES } from './1765120000000-tickets.js';

interface PolicyRow {
  priority: TicketPriority;
  firstResponseMinutes: number;
  nextResponseMinutes: number | null;
  resolutionMinutes: number;
  updatedAt: Date;
}

function toPolicy(row: PolicyRow): SlaPolicy {
  return { ...row, updatedAt: row.updatedAt.toISOString() };
}

const POLICY_COLUMNS = `priority, first_response_minutes AS "firstResponseMinutes", next_response_minutes AS "nextResponseMinutes",
  resolution_minutes AS "resolutionMinutes", updated_at AS "updatedAt"`;

interface HoursRow {
  timezone: string;
  days: WorkingDay[];
  holidays: string[];
  updatedAt: Date | string;
}

const HOURS_COLUMNS = `timezone, days, array(SELECT to_char(d, 'YYYY-MM-DD') FROM unnest(holidays) d ORDER BY d) AS holidays, updated_at AS "updatedAt"`;

/** The row's hours, or every hour of every day for a workspace that set none. */
function toHours(row: HoursRow | null): BusinessHours {
  return row
    ? { timezone: row.timezone, days: row.days, holidays: row.holidays, updatedAt: new Date(row.updatedAt).toISOString() }
    : { ...ALWAYS_OPEN, updatedAt: null };
}

/** A workspace's ticket settings with the round-robin position. */
export interface TicketSettingsRecord extends TicketSettings {
  nextAssignee: number;
}

/** SLA policies, business hours and ticket settings of a workspace; defaults where it set none. */
@Injectable()
export class SupportSettingsRepository {
  async policies(manager: EntityManager, workspaceId: string): Promise<SlaPolicy[]> {
    const rows: PolicyRow[] = await manager.query(
      `SELECT ${POLICY_COLUMNS} FROM crm.sla_policies WHERE workspace_id = $1 ORDER BY CASE priority WHEN 'low' THEN 0 WHEN 'normal' THEN 1 WHEN 'high' THEN 2 ELSE 3 END`,
      [workspaceId],
    );
    return rows.map(toPolicy);
  }

  /** What an SLA clock runs on, in one round trip: the priority's policy (if any) and the business hours. */
  async clockRules(manager: EntityManager, workspaceId: string, priority: TicketPriority): Promise<{ policy: SlaPolicy | null; hours: BusinessHours }> {
    const rows: Array<{ policy: (Omit<PolicyRow, 'updatedAt'> & { updatedAt: string }) | null; hours: HoursRow | null }> = await manager.query(
      `SELECT (SELECT to_jsonb(p) FROM (SELECT ${POLICY_COLUMNS} FROM crm.sla_policies WHERE workspace_id = $1 AND priority = $2) p) AS policy,
         (SELECT to_jsonb(h) FROM (SELECT ${HOURS_COLUMNS} FROM crm.business_hours WHERE workspace_id = $1) h) AS hours`,
      [workspaceId, priority],
    );
    const { policy, hours } = rows[0]!;
    return { policy: policy && toPolicy({ ...policy, updatedAt: new Date(policy.updatedAt) }), hours: toHours(hours) };
  }

  async putPolicy(
    manager: EntityManager,
    workspaceId: string,
    priority: TicketPriority,
    targets: Omit<SlaPolicy, 'priority' | 'updatedAt'>,
  ): Promise<SlaPolicy> {
    const rows: PolicyRow[] = await manager.query(
      `INSERT INTO crm.sla_policies (workspace_id, priority, first_response_minutes, next_response_minutes, resolution_minutes) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (workspace_id, priority) DO UPDATE SET first_response_minutes = $3, next_response_minutes = $4, resolution_minutes = $5, updated_at = now()
       RETURNING ${POLICY_COLUMNS}`,
      [workspaceId, priority, targets.firstResponseMinutes, targets.nextResponseMinutes, targets.resolutionMinutes],
    );
    return toPolicy(rows[0]!);
  }

  /** Whether there was a policy to delete. */
  async deletePolicy(manager: EntityManager, workspaceId: string, priority: TicketPriority): Promise<boolean> {
    const rows = await updateReturning(manager, `DELETE FROM crm.sla_policies WHERE workspace_id = $1 AND priority = $2 RETURNING priority`, [
      workspaceId,
      priority,
    ]);
    return rows.length > 0;
  }

  async businessHours(manager: EntityManager, workspaceId: string): Promise<BusinessHours> {
    const rows: HoursRow[] = await manager.query(`SELECT ${HOURS_COLUMNS} FROM crm.business_hours WHERE workspace_id = $1`, [workspaceId]);
    return toHours(rows[0] ?? null);
  }

  async putBusinessHours(manager: EntityManager, workspaceId: string, hours: Omit<BusinessHours, 'updatedAt'>): Promise<void> {
    await manager.query(
      `INSERT INTO crm.business_hours (workspace_id, timezone, days, holidays) VALUES ($1, $2, $3, $4::date[])
       ON CONFLICT (workspace_id) DO UPDATE SET timezone = $2, days = $3, holidays = $4::date[], updated_at = now()`,
      [workspaceId, hours.timezone, JSON.stringify(hours.days), hours.holidays],
    );
  }

  /** The settings, locked for an update when `forUpdate` (the round-robin turn). */
  async settings(manager: EntityManager, workspaceId: string, forUpdate = false): Promise<TicketSettingsRecord> {
    const rows: Array<{
      assignment: AssignmentMode;
      assignees: string[];
      nextAssignee: number;
      warningMinutes: number;
      escalateOverdueInvoices: boolean;
      updatedAt: Date;
    }> = await manager.query(
      `SELECT assignment, assignees, next_assignee AS "nextAssignee", warning_minutes AS "warningMinutes",
           escalate_overdue_invoices AS "escalateOverdueInvoices", updated_at AS "updatedAt"
         FROM crm.ticket_settings WHERE workspace_id = $1 ${forUpdate ? 'FOR UPDATE' : ''}`,
      [workspaceId],
    );
    const row = rows[0];
    if (!row)
      return { assignment: 'none', assignees: [], nextAssignee: 0, warningMinutes: DEFAULT_WARNING_MINUTES, escalateOverdueInvoices: true, updatedAt: null };
    return { ...row, updatedAt: row.updatedAt.toISOString() };
  }

  async putSettings(manager: EntityManager, workspaceId: string, settings: Omit<TicketSettings, 'updatedAt'>): Promise<void> {
    await manager.query(
      `INSERT INTO crm.ticket_settings (workspace_id, assignment, assignees, warning_minutes, escalate_overdue_invoices) VALUES ($1, $2, $3::uuid[], $4, $5)
       ON CONFLICT (workspace_id) DO UPDATE SET assignment = $2, assignees = $3::uuid[], warning_minutes = $4, escalate_overdue_invoices = $5, next_assignee = 0, updated_at = now()`,
      [workspaceId, settings.assignment, settings.assignees, settings.warningMinutes, settings.escalateOverdueInvoices],
    );
  }

  /** Takes the round-robin turn: the next ticket goes to the assignee after `index`. */
  async advanceTurn(manager: EntityManager, workspaceId: string, index: number): Promise<void> {
    await manager.query(`UPDATE crm.ticket_settings SET next_assignee = $2 WHERE workspace_id = $1`, [workspaceId, index]);
  }
}
