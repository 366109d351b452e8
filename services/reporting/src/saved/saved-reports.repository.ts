import { Injectable } from '@nestjs/common';
import type { CustomReportQuery, SavedReport, ScheduleFrequency } from '@kinship/contracts/reporting';
import { updateReturning } from '@kinship/persistence';
import type { EntityManager } from 'typeorm';

interface SavedReportRow {
  id: string;
  name: string;
  query: CustomReportQuery;
  frequency: ScheduleFrequency | null;
  recipients: string[] | null;
  nextRunAt: Date | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface SavedReportValues {
  name: string;
  query: CustomReportQuery;
  schedule: { frequency: ScheduleFrequency; recipientUserIds: string[]; nextRunAt: Date } | null;
}

const COLUMNS = `r.id, r.name, r.query, r.schedule_frequency AS frequency, r.schedule_recipients AS recipients, s.next_run_at AS "nextRunAt",
  r.created_by AS "createdBy", r.created_at AS "createdAt", r.updated_at AS "updatedAt"`;
const FROM = 'reporting.saved_reports r LEFT JOIN reporting.report_schedules s ON s.saved_report_id = r.id';

function toSavedReport(row: SavedReportRow): SavedReport {
  return {
    id: row.id,
    name: row.name,
    query: row.query,
    schedule:
      row.frequency && row.recipients && row.nextRunAt
        ? { frequency: row.frequency, recipientUserIds: row.recipients, nextRunAt: row.nextRunAt.toISOString() }
        : null,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** reporting.saved_reports (under row-level security) and their rows in reporting.report_schedules. */
@Injectable()
export class SavedReportsRepository {
  async insert(manager: EntityManager, workspaceId: string, id: string, createdBy: string | null, values: SavedReportValues): Promise<SavedReport> {
    await manager.query(
      `INSERT INTO reporting.saved_reports (workspace_id, id, name, query, schedule_frequency, schedule_recipients, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [workspaceId, id, values.name, JSON.stringify(values.query), values.schedule?.frequency ?? null, values.schedule?.recipientUserIds ?? null, createdBy],
    );
    await this.setSchedule(manager, workspaceId, id, values.schedule?.nextRunAt ?? null);
    return (await this.find(manager, workspaceId, id))!;
  }

  async update(manager: EntityManager, workspaceId: string, id: string, values: SavedReportValues, scheduleChanged: boolean): Promise<SavedReport> {
    await manager.query(
      `UPDATE reporting.saved_reports SET name = $3, query = $4, schedule_frequency = $5, schedule_recipients = $6, updated_at = now() WHERE workspace_id = $1 AND id = $2`,
      [workspaceId, id, values.name, JSON.stringify(values.query), values.schedule?.frequency ?? null, values.schedule?.recipientUserIds ?? null],
    );
    if (scheduleChanged) await this.setSchedule(manager, workspaceId, id, values.schedule?.nextRunAt ?? null);
    return (await this.find(manager, workspaceId, id))!;
  }

  async find(manager: EntityManager, workspaceId: string, id: string, lock = false): Promise<SavedReport | null> {
    const rows: SavedReportRow[] = await manager.query(
      `SELECT ${COLUMNS} FROM ${FROM} WHERE r.workspace_id = $1 AND r.id = $2${lock ? ' FOR UPDATE OF r' : ''}`,
      [workspaceId, id],
    );
    return rows[0] ? toSavedReport(rows[0]) : null;
  }

  async list(manager: EntityManager, workspaceId: string): Promise<SavedReport[]> {
    const rows: SavedReportRow[] = await manager.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE r.workspace_id = $1 ORDER BY lower(r.name), r.id`, [workspaceId]);
    return rows.map(toSavedReport);
  }

  /** The ids among these that are saved reports of the workspace. */
  async existing(manager: EntityManager, workspaceId: string, ids: string[]): Promise<Set<string>> {
    const rows: Array<{ id: string }> = await manager.query('SELECT id FROM reporting.saved_reports WHERE workspace_id = $1 AND id = ANY($2::uuid[])', [
      workspaceId,
      ids,
    ]);
    return new Set(rows.map((row) => row.id));
  }

  async delete(manager: EntityManager, workspaceId: string, id: string): Promise<boolean> {
    const rows = await updateReturning(manager, 'DELETE FROM reporting.saved_reports WHERE workspace_id = $1 AND id = $2 RETURNING id', [workspaceId, id]);
    if (rows.length > 0) await this.setSchedule(manager, workspaceId, id, null);
    return rows.length > 0;
  }

  /** null: not scheduled. */
  async setSchedule(manager: EntityManager, workspaceId: string, id: string, nextRunAt: Date | null): Promise<void> {
    if (nextRunAt === null) {
      await manager.query('DELETE FROM reporting.report_schedules WHERE saved_report_id = $1 AND workspace_id = $2', [id, workspaceId]);
      return;
    }
    await manager.query(
      `INSERT INTO reporting.report_schedules (saved_report_id, workspace_id, next_run_at) VALUES ($1, $2, $3)
       ON CONFLICT (saved_report_id) DO UPDATE SET next_run_at = EXCLUDED.next_run_at`,
      [id, workspaceId, nextRunAt],
    );
  }

  /** Claims the schedule that is due soonest (skipping those another replica holds), until the transaction ends. */
  async claimDue(manager: EntityManager): Promise<{ savedReportId: string; workspaceId: string; nextRunAt: Date } | null> {
    const rows: Array<{ savedReportId: string; workspaceId: string; nextRunAt: Date }> = await manager.query(
      `SELECT saved_report_id AS "savedReportId", workspace_id AS "workspaceId", next_run_at AS "nextRunAt" FROM reporting.report_schedules
       WHERE next_run_at <= now() ORDER BY next_run_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
    );
    return rows[0] ?? null;
  }
}
