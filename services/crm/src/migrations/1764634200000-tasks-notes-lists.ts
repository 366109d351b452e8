import type { MigrationInterface, QueryRunner } from 'typeorm';

/** How tasks sort by priority: urgent highest. The list definition uses the same expression, so the index serves it. */
export function taskPriorityRankSql(column: string): string {
  return `(CASE ${column} WHEN 'low' THEN 0 WHEN 'normal' THEN 1 WHEN 'high' THEN 2 ELSE 3 END)`;
}

// Indexes the task and note lists sort and search with, and the timeline reads with. A task
// without a due date sorts after every dated one (infinity), so the sort key is never null.
const STATEMENTS = [
  `CREATE INDEX tasks_due_idx ON crm.tasks (workspace_id, (coalesce(due_at, 'infinity'::timestamptz)), id) WHERE deleted_at IS NULL`,
  `CREATE INDEX tasks_priority_idx ON crm.tasks (workspace_id, ${taskPriorityRankSql('priority')}, id) WHERE deleted_at IS NULL`,
  `CREATE INDEX tasks_updated_idx ON crm.tasks (workspace_id, updated_at DESC, id DESC) WHERE deleted_at IS NULL`,
  `CREATE INDEX tasks_deleted_idx ON crm.tasks (workspace_id, deleted_at DESC) WHERE deleted_at IS NOT NULL`,
  `CREATE INDEX tasks_search_idx ON crm.tasks USING gin (to_tsvector('simple', title))`,
  `CREATE INDEX tasks_search_trgm_idx ON crm.tasks USING gin (lower(title) public.gin_trgm_ops)`,
  `CREATE INDEX notes_search_idx ON crm.notes USING gin (to_tsvector('simple', body))`,
  `CREATE INDEX notes_search_trgm_idx ON crm.notes USING gin (lower(body) public.gin_trgm_ops)`,
  `CREATE INDEX notes_deleted_idx ON crm.notes (workspace_id, deleted_at DESC) WHERE deleted_at IS NOT NULL`,
  // The timeline reads the completion of a task separately from its creation.
  `CREATE INDEX tasks_related_completed_idx ON crm.tasks (workspace_id, related_type, related_id, completed_at DESC) WHERE deleted_at IS NULL AND completed_at IS NOT NULL`,
];

/** Sort, search and timeline indexes of tasks and notes. */
export class TasksNotesLists1764634200000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of STATEMENTS) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const name of [
      'tasks_due_idx',
      'tasks_priority_idx',
      'tasks_updated_idx',
      'tasks_deleted_idx',
      'tasks_search_idx',
      'tasks_search_trgm_idx',
      'notes_search_idx',
      'notes_search_trgm_idx',
      'notes_deleted_idx',
      'tasks_related_completed_idx',
    ]) {
      await queryRunner.query(`DROP INDEX crm.${name}`);
    }
  }
}
