import { DataSource, type DataSourceOptions, type EntitySchema, type MixedList } from 'typeorm';

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

export function assertIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`"${name}" is not a safe SQL identifier`);
  return name;
}

export interface ServiceDatabaseOptions {
  url: string;
  /** The service's own schema; nothing else in the database is its to touch. */
  schema: string;
  // TypeORM's own type for entity lists.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities?: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations?: MixedList<Function | string>;
  poolSize?: number;
  applicationName?: string;
}

export function postgresOptions(options: ServiceDatabaseOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: options.url,
    schema: assertIdentifier(options.schema),
    entities: options.entities ?? [],
    migrations: options.migrations ?? [],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    poolSize: options.poolSize ?? 10,
    applicationName: options.applicationName,
  };
}

/**
 * Brings a service's schema up to date. The schema is created first because TypeORM keeps its
 * migrations table inside it.
 */
export async function runMigrations(dataSource: DataSource, schema: string): Promise<string[]> {
  await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${assertIdentifier(schema)}"`);
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  return applied.map((migration) => migration.name);
}
