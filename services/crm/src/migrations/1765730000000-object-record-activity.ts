import type { MigrationInterface, QueryRunner } from 'typeorm';

// Notes, tasks, timeline entries and file attachments may be about a custom object's record
// (related/subject/record type 'record'; record ids are unique across objects).
const CHECKS = [
  { table: 'tasks', constraint: 'tasks_related_type_check', column: 'related_type' },
  { table: 'notes', constraint: 'notes_related_type_check', column: 'related_type' },
  { table: 'timeline_entries', constraint: 'timeline_entries_subject_type_check', column: 'subject_type' },
];

const FILE_RECORD_TYPES = `('contact', 'company', 'deal', 'ticket', 'note', 'invoice')`;

/** 'record' joins the related types of tasks, notes, timeline entries and file attachments. */
export class ObjectRecordActivity1765730000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    for (const { table, constraint, column } of CHECKS) {
      await queryRunner.query(`ALTER TABLE crm.${table} DROP CONSTRAINT ${constraint}`);
      await queryRunner.query(`ALTER TABLE crm.${table} ADD CONSTRAINT ${constraint} CHECK (${column} IN ('contact', 'company', 'deal', 'record'))`);
    }
    await queryRunner.query(`ALTER TABLE crm.file_attachments DROP CONSTRAINT file_attachments_record_type_check`);
    await queryRunner.query(
      `ALTER TABLE crm.file_attachments ADD CONSTRAINT file_attachments_record_type_check CHECK (record_type IN ('contact', 'company', 'deal', 'ticket', 'note', 'invoice', 'record'))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const { table, constraint, column } of CHECKS) {
      await queryRunner.query(`DELETE FROM crm.${table} WHERE ${column} = 'record'`);
      await queryRunner.query(`ALTER TABLE crm.${table} DROP CONSTRAINT ${constraint}`);
      await queryRunner.query(`ALTER TABLE crm.${table} ADD CONSTRAINT ${constraint} CHECK (${column} IN ('contact', 'company', 'deal'))`);
    }
    await queryRunner.query(`DELETE FROM crm.file_attachments WHERE record_type = 'record'`);
    await queryRunner.query(`ALTER TABLE crm.file_attachments DROP CONSTRAINT file_attachments_record_type_check`);
    await queryRunner.query(`ALTER TABLE crm.file_attachments ADD CONSTRAINT file_attachments_record_type_check CHECK (record_type IN ${FILE_RECORD_TYPES})`);
  }
}
