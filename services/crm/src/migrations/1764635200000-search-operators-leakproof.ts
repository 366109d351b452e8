import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The functions behind the operators the list searches and filters put on an indexed column:
 * `@@` (full text), `LIKE` (trigram), `@>` on text[] (tags), and lower() in `lower(name) LIKE`.
 */
const FUNCTIONS = [
  'pg_catalog.ts_match_vq(tsvector, tsquery)',
  'pg_catalog.textlike(text, text)',
  'pg_catalog.arraycontains(anyarray, anyarray)',
  'pg_catalog.lower(text)',
];

// Under row-level security PostgreSQL uses a condition of the query as an index condition only
// when it is leakproof: otherwise the condition could run on another workspace's rows before the
// policy has filtered them out, and reveal them through an error. None of the functions above is
// marked leakproof, so the crm's role could never use the full-text, trigram or tags indexes: at a
// million contacts a search for a rare name walked the whole workspace (0.9 s, see
// docs/performance.md) instead of reading a few thousand index entries (25 ms). These functions
// raise no error that depends on the row's value (LIKE fails only on a malformed pattern, which is
// the query's, never the row's), so declaring them leakproof reveals nothing. pg_proc belongs to
// one database, so this binds only the database it runs in. Only a superuser may declare it: run
// by another role, the migration says so and changes nothing, and searches stay correct but slow.
const DECLARE = `DO $$
BEGIN
  IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    ${FUNCTIONS.map((fn) => `ALTER FUNCTION ${fn} LEAKPROOF;`).join('\n    ')}
  ELSE
    RAISE WARNING 'crm: searches cannot use their indexes until a superuser runs: %', '${FUNCTIONS.map((fn) => `ALTER FUNCTION ${fn} LEAKPROOF;`).join(' ')}';
  END IF;
END $$`;

/** Lets the crm's role use the search and tags indexes under row-level security. */
export class SearchOperatorsLeakproof1764635200000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(DECLARE);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DO $$
BEGIN
  IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    ${FUNCTIONS.map((fn) => `ALTER FUNCTION ${fn} NOT LEAKPROOF;`).join('\n    ')}
  END IF;
END $$`);
  }
}
