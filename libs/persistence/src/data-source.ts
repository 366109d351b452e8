import { DataSource, type DataSourceOptions, type EntitySchema, type MixedList } from 'typeorm';
import { POSTGRES_TYPES } from './timestamps.js';

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
  /**
   * Role every connection switches to on opening: it owns nothing, so row-level security
   * binds it. Left out for the connection that runs migrations, which owns the tables.
   */
  runtimeRole?: string;
  /**
   * Connections send a query without waiting for the answer to the one before it (pg's pipeline
   * mode): a transaction's opening and its first statement go in one round trip, and so do its last
   * write and its COMMIT (transactionInWorkspace).
   * Not for a service that streams through its connections (COPY, cursors), which pg refuses then.
   */
  pipeline?: boolean;
}

/** The role a service's requests run as: a member of nothing, owner of nothing, DML on its schema only. */
export function runtimeRoleFor(schema: string): string {
  return `kinship_${assertIdentifier(schema)}_app`;
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
    extra: { types: POSTGRES_TYPES, options: connectionSettings(options.runtimeRole), pipeline: options.pipeline ?? false },
  };
}

/**
 * The settings every connection opens with: JIT compilation off, and the runtime role when given.
 * PostgreSQL JIT-compiles a statement whose estimated cost passes jit_above_cost (100,000), and
 * the set-wise writes of a batch pass it on row-count guesses alone (without statistics, the
 * reporting catch-up's contacts statement for 3,500 contacts was estimated at 383,000, later
 * 678,000): 0.2–3.5 s of compilation a statement, several times its execution, for nothing a
 * service runs faster; a report aggregating a million rows was no faster with it either
 * (docs/performance.md, "Reporting catch-up at a million, JIT"; decision 0013).
 */
function connectionSettings(runtimeRole: string | undefined): string {
  return ['-c jit=off', ...(runtimeRole ? [`-c role=${assertIdentifier(runtimeRole)}`] : [])].join(' ');
}

/** Creates the schema's runtime role unless it exists (migrations, and a restore from a backup, need it). */
export async function ensureRuntimeRole(connection: { query(sql: string): Promise<unknown> }, schema: string): Promise<void> {
  const role = runtimeRoleFor(schema);
  // Roles belong to the whole server: suites migrating in parallel may race to create it.
  await connection.query(`DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${role}') THEN CREATE ROLE ${role} NOLOGIN; END IF;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END $$`);
}

/**
 * Brings a service's schema up to date. The schema is created first because TypeORM keeps its
 * migrations table inside it; the runtime role and its default privileges come before the
 * migrations, so every table they create is usable by the service and nothing else, and a
 * migration can still take a privilege away (as the append-only audit log does).
 */
export async function runMigrations(dataSource: DataSource, schema: string): Promise<string[]> {
  const qualified = `"${assertIdentifier(schema)}"`;
  const role = runtimeRoleFor(schema);
  await dataSource.query(`CREATE SCHEMA IF NOT EXISTS ${qualified}`);
  await ensureRuntimeRole(dataSource, schema);
  await dataSource.query(`GRANT USAGE ON SCHEMA ${qualified} TO ${role}`);
  await dataSource.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA ${qualified} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${role}`);
  await dataSource.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA ${qualified} GRANT USAGE, SELECT ON SEQUENCES TO ${role}`);
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  // Tables the role cannot even read were created before it existed (by an earlier release):
  // they get the grants the default privileges now give every new table.
  await dataSource.query(`DO $$ DECLARE item record; BEGIN
    FOR item IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = '${schema}' AND c.relkind IN ('r', 'p') AND NOT has_table_privilege('${role}', c.oid, 'SELECT')
    LOOP
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I.%I TO ${role}', '${schema}', item.relname);
    END LOOP;
  END $$`);
  await dataSource.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${qualified} TO ${role}`);
  return applied.map((migration) => migration.name);
}
