import type { MigrationInterface, QueryRunner } from 'typeorm';

/** LIFECYCLE_FUNNEL_STAGES as this migration fills the columns (the projection passes the contract's list). */
const FUNNEL = ['subscriber', 'lead', 'marketing_qualified', 'sales_qualified', 'opportunity', 'customer', 'evangelist'];
const FILLED_FROM = ['contacts', 'contact_lifecycle_history'];

/**
 * The lead-conversion funnel per contact, kept by the contacts projection with the contact: the
 * report is one GROUP BY over the workspace's contacts instead of a walk through every contact's
 * lifecycle history (476 ms of SQL at 60,000 contacts, 18 s at 300,000; docs/performance.md).
 * lifecycle_stages_entered: every stage the contact ever entered (the "any" funnel).
 * lifecycle_funnel_steps[i]: how many stages of the funnel from its i-th stage on the contact
 * entered in order, each no earlier than the one before (the "ordered" funnel from that first
 * stage; 0 if it never entered the i-th). Filled here from the history already projected.
 */
export class ContactFunnel1765830000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE reporting.contacts
      ADD COLUMN lifecycle_stages_entered text[] NOT NULL DEFAULT '{}',
      ADD COLUMN lifecycle_funnel_steps smallint[] NOT NULL DEFAULT '{}'`);
    // stages and entered: one contact's history entries. A step takes the earliest entry of its stage at or after the step before.
    await queryRunner.query(`CREATE FUNCTION reporting.contact_funnel_steps(funnel text[], stages text[], entered timestamptz[]) RETURNS smallint[]
      LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
      DECLARE
        steps smallint[] := '{}';
        step int;
        reached timestamptz;
        next_at timestamptz;
      BEGIN
        FOR start_step IN 1 .. coalesce(cardinality(funnel), 0) LOOP
          step := start_step;
          reached := NULL;
          WHILE step <= cardinality(funnel) LOOP
            next_at := NULL;
            FOR i IN 1 .. coalesce(cardinality(stages), 0) LOOP
              IF stages[i] = funnel[step] AND (reached IS NULL OR entered[i] >= reached) AND (next_at IS NULL OR entered[i] < next_at) THEN
                next_at := entered[i];
              END IF;
            END LOOP;
            EXIT WHEN next_at IS NULL;
            reached := next_at;
            step := step + 1;
          END LOOP;
          steps := steps || (step - start_step)::smallint;
        END LOOP;
        RETURN steps;
      END $$`);
    // The owner that runs the migrations is bound by the FORCEd row-level security (no workspace is set here) unless it is lifted for the fill.
    for (const table of FILLED_FROM) await queryRunner.query(`ALTER TABLE reporting.${table} NO FORCE ROW LEVEL SECURITY`);
    await queryRunner.query(
      `UPDATE reporting.contacts c SET lifecycle_stages_entered = f.stages_entered, lifecycle_funnel_steps = reporting.contact_funnel_steps($1, f.stages, f.entered)
       FROM (SELECT workspace_id, contact_id, array_agg(DISTINCT lifecycle_stage) AS stages_entered,
               array_agg(lifecycle_stage ORDER BY entered_at) AS stages, array_agg(entered_at ORDER BY entered_at) AS entered
             FROM reporting.contact_lifecycle_history GROUP BY workspace_id, contact_id) f
       WHERE c.workspace_id = f.workspace_id AND c.id = f.contact_id`,
      [FUNNEL],
    );
    for (const table of FILLED_FROM) await queryRunner.query(`ALTER TABLE reporting.${table} FORCE ROW LEVEL SECURITY`);
    // The report reads only these columns of the workspace's live contacts: an index-only scan.
    await queryRunner.query(`CREATE INDEX contacts_funnel_idx ON reporting.contacts (workspace_id, created_at)
      INCLUDE (owner_id, lifecycle_stages_entered, lifecycle_funnel_steps) WHERE deleted_at IS NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX reporting.contacts_funnel_idx');
    await queryRunner.query('DROP FUNCTION reporting.contact_funnel_steps(text[], text[], timestamptz[])');
    await queryRunner.query('ALTER TABLE reporting.contacts DROP COLUMN lifecycle_stages_entered, DROP COLUMN lifecycle_funnel_steps');
  }
}
