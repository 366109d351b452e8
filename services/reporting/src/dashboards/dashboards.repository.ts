import { Injectable } from '@nestjs/common';
import type { Dashboard, DashboardWidgetRef } from '@kinship/contracts/reporting';
import { updateReturning } from '@kinship/persistence';
import type { EntityManager } from 'typeorm';

interface DashboardRow {
  id: string;
  name: string;
  widgets: DashboardWidgetRef[];
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = `id, name, widgets, created_by AS "createdBy", created_at AS "createdAt", updated_at AS "updatedAt"`;

function toDashboard(row: DashboardRow): Dashboard {
  return {
    id: row.id,
    name: row.name,
    widgets: row.widgets,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** reporting.dashboards, under row-level security. */
@Injectable()
export class DashboardsRepository {
  async insert(
    manager: EntityManager,
    workspaceId: string,
    dashboard: { id: string; name: string; widgets: DashboardWidgetRef[]; createdBy: string | null },
  ): Promise<Dashboard> {
    const rows: DashboardRow[] = await manager.query(
      `INSERT INTO reporting.dashboards (workspace_id, id, name, widgets, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
      [workspaceId, dashboard.id, dashboard.name, JSON.stringify(dashboard.widgets), dashboard.createdBy],
    );
    return toDashboard(rows[0]!);
  }

  async find(manager: EntityManager, workspaceId: string, id: string): Promise<Dashboard | null> {
    const rows: DashboardRow[] = await manager.query(`SELECT ${COLUMNS} FROM reporting.dashboards WHERE workspace_id = $1 AND id = $2`, [workspaceId, id]);
    return rows[0] ? toDashboard(rows[0]) : null;
  }

  async list(manager: EntityManager, workspaceId: string): Promise<Dashboard[]> {
    const rows: DashboardRow[] = await manager.query(`SELECT ${COLUMNS} FROM reporting.dashboards WHERE workspace_id = $1 ORDER BY lower(name), id`, [
      workspaceId,
    ]);
    return rows.map(toDashboard);
  }

  async update(manager: EntityManager, workspaceId: string, id: string, changes: { name?: string; widgets?: DashboardWidgetRef[] }): Promise<Dashboard | null> {
    const rows = await updateReturning<DashboardRow>(
      manager,
      `UPDATE reporting.dashboards SET name = coalesce($3, name), widgets = coalesce($4::jsonb, widgets), updated_at = now()
       WHERE workspace_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
      [workspaceId, id, changes.name ?? null, changes.widgets ? JSON.stringify(changes.widgets) : null],
    );
    return rows[0] ? toDashboard(rows[0]) : null;
  }

  async delete(manager: EntityManager, workspaceId: string, id: string): Promise<boolean> {
    const rows = await updateReturning(manager, 'DELETE FROM reporting.dashboards WHERE workspace_id = $1 AND id = $2 RETURNING id', [workspaceId, id]);
    return rows.length > 0;
  }
}
