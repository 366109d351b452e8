import type { ServiceConfig } from '@kinship/config';
import { messagingTablesSql } from '@kinship/messaging';
import { createLogger } from '@kinship/observability';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrateService, type ServiceDefinition } from './bootstrap.js';

/** The first migration of every service: its outbox and inbox tables, in its own schema. */
export function messagingTablesMigration(schema: string): new () => MigrationInterface {
  const sql = messagingTablesSql(schema);
  return class MessagingTables1763683200000 implements MigrationInterface {
    name = 'MessagingTables1763683200000';

    async up(queryRunner: QueryRunner): Promise<void> {
      for (const statement of sql.up) await queryRunner.query(statement);
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      for (const statement of sql.down) await queryRunner.query(statement);
    }
  };
}

/** The body of each service's migrate.js: apply, report, exit 0; or log the failure and exit 1. */
export async function runMigrationsAndExit<C extends ServiceConfig>(definition: ServiceDefinition<C>): Promise<never> {
  const logger = createLogger(definition.name, process.env.LOG_LEVEL ?? 'info');
  try {
    const applied = await migrateService(definition);
    logger.info({ applied }, applied.length ? `applied ${applied.length} migration(s)` : 'schema is up to date');
    process.exit(0);
  } catch (error) {
    logger.fatal({ err: error }, `migrations failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
