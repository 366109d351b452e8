import { rowLevelSecuritySql } from '@kinship/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** LIFECYCLE_FUNNEL_STAGES as this migration fills the columns (the projection passes the contract's list). */
const FUNNEL = ['subscriber', 'lead', 'marketing_qualified', 'sales_qualified', 'opportunity', 'customer', 'evangelist'];
const FILLED = ['contacts', 'contact_lifecycle_history', 'contact_funnel_totals'];

/**
 * The lead-conversion funnel per contact, kept by the contacts projection with the contact, and
 * its totals: the report adds up contact_funnel_totals instead of walking through every contact's
 * lifecycle history (14 s of SQL at 1,000,000 contacts; 1 s for a GROUP BY of the contacts'
 * funnel columns; docs/performance.md). lifecycle_stages_entered: every stage the contact ever
 * entered (the "any" funnel). lifecycle_funnel_steps[i]: how many stages of the funnel from its
 * i-th stage on the contact entered in order, each no earlier than the one before (the "ordered"
 * funnel from that first stage; 0 if it never entered the i-th). contact_funnel_totals: live
 * contacts per owner, UTC creation day and those two columns; a group no contact is in any more
 * is deleted, so it is always exactly their GROUP BY. Filled here from what is already projected.
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
    await queryRunner.query(`CREATE TABLE reporting.contact_funnel_totals (
      workspace_id uuid NOT NULL,
      owner_id uuid,
      created_on date NOT NULL,
      lifecycle_stages_entered text[] NOT NULL,
      lifecycle_funnel_steps smallint[] NOT NULL,
      contacts integer NOT NULL
    )`);
    // A contact without an owner is a group of its own (owner_id null), hence NULLS NOT DISTINCT.
    await queryRunner.query(`CREATE UNIQUE INDEX contact_funnel_totals_group_idx ON reporting.contact_funnel_totals
      (workspace_id, created_on, owner_id, lifecycle_stages_entered, lifecycle_funnel_steps) NULLS NOT DISTINCT`);
    for (const statement of rowLevelSecuritySql('reporting', 'contact_funnel_totals')) await queryRunner.query(statement);
    // The owner that runs the migrations is bound by the FORCEd row-level security (no workspace is set here) unless it is lifted for the fill.
    for (const table of FILLED) await queryRunner.query(`ALTER TABLE reporting.${table} NO FORCE ROW LEVEL SECURITY`);
    await queryRunner.query(
      `UPDATE reporting.contacts c SET lifecycle_stages_entered = f.stages_entered, lifecycle_funnel_steps = reporting.contact_funnel_steps($1, f.stages, f.entered)
       FROM (SELECT workspace_id, contact_id, array_agg(DISTINCT lifecycle_stage) AS stages_entered,
               array_agg(lifecycle_stage ORDER BY entered_at) AS stages, array_agg(entered_at ORDER BY entered_at) AS entered
             FROM reporting.contact_lifecycle_history GROUP BY workspace_id, contact_id) f
       WHERE c.workspace_id = f.workspace_id AND c.id = f.contact_id`,
      [FUNNEL],
    );
    await queryRunner.query(`INSERT INTO reporting.contact_funnel_totals (workspace_id, owner_id, created_on, lifecycle_stages_entered, lifecycle_funnel_steps, contacts)
      SELECT workspace_id, owner_id, (created_at AT TIME ZONE 'UTC')::date, lifecycle_stages_entered, lifecycle_funnel_steps, count(*)
      FROM reporting.contacts WHERE deleted_at IS NULL GROUP BY 1, 2, 3, 4, 5`);
    for (const table of FILLED) await queryRunner.query(`ALTER TABLE reporting.${table} FORCE ROW LEVEL SECURITY`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE reporting.contact_funnel_totals');
    await queryRunner.query('DROP FUNCTION reporting.contact_funnel_steps(text[], text[], timestamptz[])');
    await queryRunner.query('ALTER TABLE reporting.contacts DROP COLUMN lifecycle_stages_entered, DROP COLUMN lifecycle_funnel_steps');
  }
}
