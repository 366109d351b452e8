import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An avatar can be an uploaded image: users.avatar_file_id names a crm file (crm.files, another
 * service's schema, so no foreign key; auth asks crm over NATS when the id is set).
 */
export class AvatarFile1796500000000 implements MigrationInterface {
  name = 'AvatarFile1796500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE auth.users ADD COLUMN avatar_file_id uuid');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE auth.users DROP COLUMN avatar_file_id');
  }
}
