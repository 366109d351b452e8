/**
 * The database of the crm bench: the crm schema built by the service's own migrations, holding one
 * big workspace (BENCH_CRM_CONTACTS contacts, a tenth as many companies, a fifth as many deals) and
 * ten small ones (a hundredth of the contacts each). Seeding takes minutes, so the database is kept
 * between runs: a marker table records the sizes it was seeded with, and a database seeded with
 * other sizes, or not to the end, is dropped and seeded again.
 *
 * Run alone: `node bench/dist/seed-crm.js` (after run.sh's build).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { migrateService } from '@kinship/platform';
import { serverUrls } from '@kinship/testing';
import pg from 'pg';
import { crmService } from '../../services/crm/dist/crm.service.js';
import { fixed, numberFromEnv, print } from './lib.js';

export const DEFAULT_DATABASE = 'kinship_bench_crm';
const SMALL_WORKSPACES = 10;
const OWNERS_PER_WORKSPACE = 5;

export interface SeedSizes {
  contacts: number;
  companies: number;
  deals: number;
  smallWorkspaces: number;
  smallContacts: number;
}

export interface SeededCrm {
  /** Connects as the superuser that ran the migrations and the seed. */
  databaseUrl: string;
  sizes: SeedSizes;
  bigWorkspaceId: string;
  /** Users that own the big workspace's records; the bench signs in as the first. */
  ownerIds: string[];
  /** Seconds each part took when the database was seeded (maybe by an earlier run). */
  seedSeconds: Record<string, number>;
  /** False when this run found the database already seeded. */
  seededNow: boolean;
}

export function seedSizes(): SeedSizes {
  const contacts = Math.round(numberFromEnv('BENCH_CRM_CONTACTS', 1_000_000));
  return {
    contacts,
    companies: Math.max(1, Math.round(contacts / 10)),
    deals: Math.max(1, Math.round(contacts / 5)),
    smallWorkspaces: SMALL_WORKSPACES,
    smallContacts: Math.max(10, Math.round(contacts / 100)),
  };
}

/** BENCH_CRM_DATABASE_URL, else the database kinship_bench_crm on the server the tests use. */
export function benchDatabaseUrl(): string {
  if (process.env.BENCH_CRM_DATABASE_URL) return process.env.BENCH_CRM_DATABASE_URL;
  const url = new URL(serverUrls().postgres);
  url.pathname = `/${DEFAULT_DATABASE}`;
  return url.toString();
}

function adminUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  return url.toString();
}

const FIRST_NAMES = [
  'Maria',
  'James',
  'Mark',
  'Martin',
  'Marco',
  'Marta',
  'Mary',
  'Marie',
  'John',
  'Robert',
  'Michael',
  'William',
  'David',
  'Richard',
  'Joseph',
  'Thomas',
  'Charles',
  'Patricia',
  'Jennifer',
  'Linda',
  'Elizabeth',
  'Barbara',
  'Susan',
  'Jessica',
  'Sarah',
  'Karen',
  'Lisa',
  'Nancy',
  'Daniel',
  'Matthew',
  'Anthony',
  'Donald',
  'Steven',
  'Paul',
  'Andrew',
  'Joshua',
  'Kenneth',
  'Kevin',
  'Brian',
  'George',
  'Emily',
  'Emma',
  'Olivia',
  'Sophia',
  'Ava',
  'Isabella',
  'Mia',
  'Charlotte',
  'Amelia',
  'Harper',
  'Lucas',
  'Liam',
  'Noah',
  'Ethan',
  'Mason',
  'Logan',
  'Ada',
  'Grace',
  'Alan',
  'Hedy',
  'Katherine',
  'Dorothy',
  'Margaret',
  'Ruth',
  'Helen',
  'Anna',
  'Lena',
  'Sofia',
  'Lukas',
  'Leon',
  'Felix',
  'Jonas',
  'Hannah',
  'Lea',
  'Clara',
  'Hugo',
  'Louis',
  'Jules',
  'Chloe',
  'Camille',
  'Ines',
  'Manon',
  'Pierre',
  'Julien',
  'Nicolas',
  'Giulia',
  'Francesca',
  'Alessandro',
  'Lorenzo',
  'Matteo',
  'Chiara',
  'Pablo',
  'Javier',
  'Lucia',
  'Carmen',
  'Diego',
  'Yuki',
  'Haruto',
  'Aiko',
  'Wei',
  'Mei',
  'Arjun',
  'Priya',
  'Ananya',
  'Rahul',
  'Fatima',
  'Omar',
  'Amir',
  'Layla',
  'Chidi',
  'Amara',
  'Kwame',
  'Zanele',
];

/** Ordered from common to rare: the seed draws a surname's position with a skew towards the start. */
const LAST_NAMES = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Garcia',
  'Miller',
  'Davis',
  'Rodriguez',
  'Martinez',
  'Hernandez',
  'Lopez',
  'Gonzalez',
  'Wilson',
  'Anderson',
  'Thomas',
  'Taylor',
  'Moore',
  'Jackson',
  'Martin',
  'Lee',
  'Perez',
  'Thompson',
  'White',
  'Harris',
  'Sanchez',
  'Clark',
  'Ramirez',
  'Lewis',
  'Robinson',
  'Walker',
  'Young',
  'Allen',
  'King',
  'Wright',
  'Scott',
  'Torres',
  'Nguyen',
  'Hill',
  'Flores',
  'Green',
  'Adams',
  'Nelson',
  'Baker',
  'Hall',
  'Rivera',
  'Campbell',
  'Mitchell',
  'Carter',
  'Roberts',
  'Müller',
  'Schmidt',
  'Schneider',
  'Fischer',
  'Weber',
  'Meyer',
  'Wagner',
  'Becker',
  'Schulz',
  'Hoffmann',
  'Dubois',
  'Durand',
  'Lefebvre',
  'Moreau',
  'Laurent',
  'Rossi',
  'Russo',
  'Ferrari',
  'Esposito',
  'Bianchi',
  'Romano',
  'Colombo',
  'Fernandez',
  'Ruiz',
  'Diaz',
  'Alvarez',
  'Moreno',
  'Tanaka',
  'Suzuki',
  'Takahashi',
  'Watanabe',
  'Wang',
  'Li',
  'Zhang',
  'Liu',
  'Chen',
  'Patel',
  'Sharma',
  'Singh',
  'Kumar',
  'Gupta',
  'Okafor',
  'Mensah',
  'Nkosi',
  'Kowalski',
  'Nowak',
  'Novak',
  'Horvat',
  'Jansen',
  'De Vries',
  'Van Dijk',
  'Andersson',
  'Johansson',
  'Karlsson',
  'Nielsen',
  'Hansen',
  'Virtanen',
  'Korhonen',
  'Papadopoulos',
  'Yilmaz',
  'Kaya',
  'Ivanov',
  'Petrov',
  'Lovelace',
  'Hopper',
  'Turing',
  'Lamarr',
  'Johnson-Reyes',
  "O'Brien",
  'MacLeod',
  'Quintero',
  'Oyelaran',
  'Szymanski',
  'Wojcik',
  'Zielinski',
  'Vukovic',
  'Xenakis',
  'Zuniga',
];

const COMPANY_WORDS = [
  'North',
  'Blue',
  'Bright',
  'Silver',
  'Iron',
  'Green',
  'Red',
  'Summit',
  'Harbor',
  'Pioneer',
  'Atlas',
  'Nova',
  'Apex',
  'Cedar',
  'Maple',
  'Granite',
  'Crystal',
  'Golden',
  'Swift',
  'Rapid',
  'Clear',
  'Open',
  'Prime',
  'Urban',
  'Coastal',
  'Alpine',
  'Lunar',
  'Solar',
  'Vector',
];
const COMPANY_NOUNS = [
  'wind',
  'field',
  'stone',
  'bridge',
  'works',
  'labs',
  'point',
  'wave',
  'path',
  'forge',
  'line',
  'gate',
  'light',
  'ridge',
  'bay',
  'peak',
  'river',
  'leaf',
  'star',
  'craft',
  'logic',
  'data',
  'soft',
  'health',
  'foods',
  'motors',
  'energy',
  'media',
  'systems',
  'capital',
];
const COMPANY_SUFFIXES = ['Inc.', 'LLC', 'Ltd', 'GmbH', 'SAS', 'S.p.A.', 'BV', 'AB', 'Group', 'Partners', 'Co.'];
const INDUSTRIES = ['software', 'manufacturing', 'retail', 'healthcare', 'finance', 'education', 'logistics', 'media', 'energy', 'hospitality'];
const COMPANY_SIZES = ['1-10', '11-50', '51-200', '201-1000', '1001-5000', '5000+'];
const FREE_MAIL = ['gmail.com', 'outlook.com', 'yahoo.com', 'hotmail.com', 'icloud.com', 'proton.me', 'gmx.de', 'orange.fr'];
const JOB_TITLES = [
  'CEO',
  'CTO',
  'CFO',
  'VP Sales',
  'Head of Marketing',
  'Account Executive',
  'Sales Manager',
  'Software Engineer',
  'Product Manager',
  'Operations Manager',
  'Office Manager',
  'Procurement Lead',
  'Founder',
  'Consultant',
  'Data Analyst',
  'Designer',
];
const LEAD_SOURCES = ['website', 'referral', 'trade show', 'webinar', 'cold call', 'partner', 'linkedin', 'newsletter'];
const TAGS = ['vip', 'newsletter', 'partner', 'trade-show-2025', 'webinar', 'churn-risk', 'enterprise', 'smb', 'beta', 'reseller'];
/** Weights in percent, in the order of the lifecycle stages. */
const LIFECYCLE_STAGES: Array<[string, number]> = [
  ['subscriber', 20],
  ['lead', 35],
  ['marketing_qualified', 10],
  ['sales_qualified', 8],
  ['opportunity', 7],
  ['customer', 15],
  ['evangelist', 2],
  ['other', 3],
];
/** The default pipeline the product creates for every workspace (API.md). */
const DEFAULT_STAGES: Array<{ name: string; probability: number; kind: 'open' | 'won' | 'lost'; weight: number }> = [
  { name: 'Prospecting', probability: 10, kind: 'open', weight: 25 },
  { name: 'Qualification', probability: 25, kind: 'open', weight: 20 },
  { name: 'Proposal', probability: 50, kind: 'open', weight: 15 },
  { name: 'Negotiation', probability: 75, kind: 'open', weight: 10 },
  { name: 'Won', probability: 100, kind: 'won', weight: 18 },
  { name: 'Lost', probability: 0, kind: 'lost', weight: 12 },
];
const LOST_REASONS = ['price', 'competitor', 'no budget', 'timing', 'no decision'];
const PRODUCTS = ['annual licence', 'renewal', 'expansion', 'pilot', 'onboarding', 'support plan', 'enterprise plan'];

/** A SQL array literal of text, quoted. */
function textArray(values: string[]): string {
  return `ARRAY[${values.map((value) => `'${value.replace(/'/g, "''")}'`).join(', ')}]::text[]`;
}

/** An element of a SQL array, drawn uniformly. */
function pick(values: string[]): string {
  return `(${textArray(values)})[1 + floor(random() * ${values.length})::int]`;
}

/** An element drawn by weight (percent), from one random() per row given as `draw`. */
function weighted(values: Array<[string, number]>, draw: string): string {
  let bound = 0;
  const cases = values.map(([value, weight]) => {
    bound += weight / 100;
    return `WHEN ${draw} < ${bound.toFixed(4)} THEN '${value}'`;
  });
  return `CASE ${cases.join(' ')} ELSE '${values.at(-1)![0]}' END`;
}

/**
 * The statements that seed one workspace, set-based. Ids are UUIDv7 made from created_at, as the
 * service's newId() makes them at creation time, so the primary key is in creation order as in
 * production. Records were created over the last two years; 1% are in the trash.
 */
function workspaceSeedSql(workspaceId: string, ownerIds: string[], sizes: { contacts: number; companies: number; deals: number }): Array<[string, string]> {
  const owners = `((${textArray(ownerIds)})::uuid[])`;
  const owner = `${owners}[1 + floor(random() * ${ownerIds.length})::int]`;
  const ws = `'${workspaceId}'::uuid`;
  const createdAt = `now() - random() * interval '730 days'`;
  return [
    [
      'pipeline',
      `WITH pipeline AS (
         INSERT INTO crm.pipelines (id, workspace_id, name, is_default, created_at, updated_at)
         VALUES (pg_temp.uuid7(now() - interval '731 days'), ${ws}, 'Sales', true, now() - interval '731 days', now() - interval '731 days')
         RETURNING id)
       INSERT INTO crm.pipeline_stages (id, workspace_id, pipeline_id, name, probability, position, kind)
       SELECT gen_random_uuid(), ${ws}, pipeline.id, stage.name, stage.probability, stage.position, stage.kind
       FROM pipeline, (VALUES ${DEFAULT_STAGES.map((stage, index) => `('${stage.name}', ${stage.probability}, ${index}, '${stage.kind}')`).join(', ')})
         AS stage (name, probability, position, kind)`,
    ],
    ['settings', `INSERT INTO crm.workspace_settings (workspace_id, default_phone_region) VALUES (${ws}, 'US')`],
    [
      'companies',
      `CREATE TEMP TABLE seed_companies ON COMMIT DROP AS
       SELECT n, pg_temp.uuid7(created_at) AS id, created_at,
              word || noun || ' ' || suffix AS name,
              lower(word || noun) || '-' || n || '.' || (ARRAY['com', 'io', 'de', 'fr', 'co.uk', 'net'])[1 + n % 6] AS domain
       FROM (SELECT n, ${createdAt} AS created_at, ${pick(COMPANY_WORDS)} AS word, ${pick(COMPANY_NOUNS)} AS noun, ${pick(COMPANY_SUFFIXES)} AS suffix
             FROM generate_series(1, ${sizes.companies}) AS n) AS drawn;
       CREATE UNIQUE INDEX ON seed_companies (n);
       INSERT INTO crm.companies (id, workspace_id, name, domain, industry, size, phone, owner_id, tags, created_by, created_at, updated_at, deleted_at)
       SELECT id, ${ws}, name, domain, ${pick(INDUSTRIES)}, ${pick(COMPANY_SIZES)},
              CASE WHEN n % 3 = 0 THEN '+1' || (3020000000 + n) END, ${owner},
              CASE WHEN random() < 0.3 THEN ARRAY[${pick(TAGS)}] ELSE '{}' END, ${owners}[1], created_at,
              created_at + random() * (now() - created_at), CASE WHEN random() < 0.01 THEN now() - random() * interval '30 days' END
       FROM seed_companies`,
    ],
    [
      'contacts',
      `CREATE TEMP TABLE seed_contacts (n int PRIMARY KEY, id uuid NOT NULL) ON COMMIT DROP;
       WITH drawn AS MATERIALIZED (
         SELECT n, ${createdAt} AS created_at, random() AS stage_draw,
                ${pick(FIRST_NAMES)} AS first_name,
                -- Skewed: the first surnames are common, the last ones rare.
                (${textArray(LAST_NAMES)})[1 + floor(power(random(), 2.5) * ${LAST_NAMES.length})::int] AS last_name,
                CASE WHEN random() < 0.7 THEN 1 + floor(random() * ${sizes.companies})::int END AS company_n,
                random() AS mail_draw
         FROM generate_series(1, ${sizes.contacts}) AS n),
       contact AS (
         SELECT drawn.*, pg_temp.uuid7(drawn.created_at) AS id, company.id AS company_id, company.name AS company_name,
                CASE WHEN company.domain IS NOT NULL AND mail_draw < 0.6 THEN company.domain ELSE ${pick(FREE_MAIL)} END AS mail_domain,
                ${weighted(LIFECYCLE_STAGES, 'stage_draw')} AS lifecycle_stage
         FROM drawn LEFT JOIN seed_companies company ON company.n = drawn.company_n),
       saved AS (INSERT INTO seed_contacts (n, id) SELECT n, id FROM contact)
       INSERT INTO crm.contacts (id, workspace_id, first_name, last_name, email, phone, job_title, company_id, company_name, owner_id,
                                 lifecycle_stage, lead_source, customer_since, tags, email_opt_out, created_by, created_at, updated_at, deleted_at)
       SELECT id, ${ws}, first_name, last_name,
              CASE WHEN n % 20 <> 0 THEN lower(replace(regexp_replace(first_name || '.' || last_name, '[^A-Za-zü.-]', '', 'g'), 'ü', 'ue')) || n || '@' || mail_domain END,
              CASE n % 5 WHEN 0 THEN NULL WHEN 1 THEN '+1' || (2010000000 + n) WHEN 2 THEN '+447' || (400000000 + n)
                         WHEN 3 THEN '+4915' || (100000000 + n) ELSE '+336' || (10000000 + n) END,
              CASE WHEN random() < 0.6 THEN ${pick(JOB_TITLES)} END, company_id, company_name, ${owner},
              lifecycle_stage, ${pick(LEAD_SOURCES)},
              CASE WHEN lifecycle_stage IN ('customer', 'evangelist') THEN (created_at + random() * (now() - created_at))::date END,
              CASE WHEN random() < 0.35 THEN ARRAY[${pick(TAGS)}] WHEN random() < 0.15 THEN ARRAY[${pick(TAGS)}, ${pick(TAGS)}] ELSE '{}' END,
              random() < 0.05, ${owners}[1], created_at, created_at + random() * (now() - created_at),
              CASE WHEN random() < 0.01 THEN now() - random() * interval '30 days' END
       FROM contact`,
    ],
    [
      'deals',
      `CREATE TEMP TABLE seed_stages ON COMMIT DROP AS
       SELECT s.id, s.pipeline_id, s.kind, s.position FROM crm.pipeline_stages s WHERE s.workspace_id = ${ws};
       CREATE TEMP TABLE seed_deals ON COMMIT DROP AS
       WITH drawn AS MATERIALIZED (SELECT n, ${createdAt} AS created_at, random() AS stage_draw FROM generate_series(1, ${sizes.deals}) AS n)
       SELECT n, pg_temp.uuid7(created_at) AS id, created_at,
              ${weighted(
                DEFAULT_STAGES.map((stage, index) => [String(index), stage.weight]),
                'stage_draw',
              )}::int AS stage_position,
              CASE WHEN random() < 0.85 THEN 1 + floor(random() * ${sizes.companies})::int END AS company_n
       FROM drawn;
       INSERT INTO crm.deals (id, workspace_id, name, amount, currency, pipeline_id, stage_id, company_id, owner_id, expected_close_date,
                              lost_reason, closed_at, stage_entered_at, created_by, created_at, updated_at, deleted_at)
       SELECT d.id, ${ws}, coalesce(company.name, 'Direct') || ' – ' || ${pick(PRODUCTS)}, (100 + floor(random() * 50000)::bigint) * 100,
              CASE WHEN random() < 0.7 THEN 'USD' ELSE 'EUR' END, stage.pipeline_id, stage.id, company.id, ${owner},
              (d.created_at + random() * interval '180 days')::date,
              CASE WHEN stage.kind = 'lost' THEN ${pick(LOST_REASONS)} END,
              CASE WHEN stage.kind <> 'open' THEN d.created_at + random() * (now() - d.created_at) END,
              d.created_at + random() * (now() - d.created_at), ${owners}[1], d.created_at, d.created_at + random() * (now() - d.created_at),
              CASE WHEN random() < 0.01 THEN now() - random() * interval '30 days' END
       FROM seed_deals d JOIN seed_stages stage ON stage.position = d.stage_position
       LEFT JOIN seed_companies company ON company.n = d.company_n`,
    ],
    [
      'deal_contacts',
      // One or two contacts per deal.
      `INSERT INTO crm.deal_contacts (workspace_id, deal_id, contact_id)
       SELECT DISTINCT ${ws}, d.id, c.id
       FROM seed_deals d
       CROSS JOIN LATERAL generate_series(1, 1 + (d.n % 2)) AS k
       JOIN seed_contacts c ON c.n = 1 + ((d.n * 7919 + k * 104729) % ${sizes.contacts})`,
    ],
  ];
}

/** UUIDv7 from a time (RFC 9562): 48 bits of Unix milliseconds, version 7, random rest. */
const UUID7_FUNCTION = `CREATE FUNCTION pg_temp.uuid7(at timestamptz) RETURNS uuid LANGUAGE sql VOLATILE AS $$
  SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) PLACING substring(int8send((extract(epoch FROM at) * 1000)::bigint) FROM 3)
    FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid
$$`;

const SEEDED_TABLES = ['companies', 'contacts', 'pipelines', 'pipeline_stages', 'deals', 'deal_contacts', 'workspace_settings'];

async function seed(client: pg.Client, sizes: SeedSizes): Promise<{ bigWorkspaceId: string; ownerIds: string[]; seconds: Record<string, number> }> {
  const seconds: Record<string, number> = {};
  const timed = async (label: string, work: () => Promise<unknown>) => {
    const started = performance.now();
    await work();
    const took = (performance.now() - started) / 1000;
    seconds[label] = (seconds[label] ?? 0) + took;
    return took;
  };
  // The seed is the only writer of a database of its own: no durability needed until it is done,
  // and foreign keys hold by construction, so their per-row triggers are skipped (replica role).
  await client.query(`SET synchronous_commit = off`);
  await client.query(`SET maintenance_work_mem = '512MB'`);
  // One core: the machine is shared with whatever else runs (tests of other work, on a laptop the rest).
  await client.query(`SET max_parallel_maintenance_workers = 0`);
  await client.query(`SET session_replication_role = replica`);
  await client.query(`SELECT setseed(0.4242)`);
  await client.query(UUID7_FUNCTION);

  // Loading into tables without their secondary indexes, then building each index once, is several
  // times faster than updating ten btree and three GIN indexes row by row. The definitions come from
  // the catalogue, so the rebuilt indexes are exactly the migrations' (constraint indexes stay).
  const { rows: indexes } = await client.query<{ name: string; definition: string }>(
    `SELECT i.relname AS name, pg_get_indexdef(i.oid) AS definition
     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = 'crm' AND t.relname = ANY($1) AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = x.indexrelid)`,
    [SEEDED_TABLES],
  );
  for (const index of indexes) await client.query(`DROP INDEX crm."${index.name}"`);

  const workspaces = [
    { id: randomUUID(), contacts: sizes.contacts, companies: sizes.companies, deals: sizes.deals },
    ...Array.from({ length: sizes.smallWorkspaces }, () => ({
      id: randomUUID(),
      contacts: sizes.smallContacts,
      companies: Math.max(1, Math.round(sizes.smallContacts / 10)),
      deals: Math.max(1, Math.round(sizes.smallContacts / 5)),
    })),
  ];
  const ownersOf = new Map(workspaces.map((workspace) => [workspace.id, Array.from({ length: OWNERS_PER_WORKSPACE }, () => randomUUID())]));
  for (const [index, workspace] of workspaces.entries()) {
    const label = index === 0 ? 'big workspace' : `small workspace ${index}`;
    const parts: string[] = [];
    await client.query('BEGIN');
    for (const [part, sql] of workspaceSeedSql(workspace.id, ownersOf.get(workspace.id)!, workspace)) {
      const took = await timed(`${index === 0 ? 'big' : 'small'} ${part}`, () =>
        client.query(sql).catch((error: unknown) => {
          throw new Error(`seeding ${part} of ${label}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
        }),
      );
      parts.push(`${part} ${fixed(took)} s`);
    }
    await client.query('COMMIT');
    if (index === 0 || index === workspaces.length - 1) print(`  ${label}: ${parts.join(', ')}`);
  }

  const indexParts: string[] = [];
  await timed('indexes', async () => {
    for (const index of indexes) {
      const started = performance.now();
      await client.query(index.definition);
      indexParts.push(`${index.name} ${fixed((performance.now() - started) / 1000)} s`);
    }
  });
  print(`  indexes rebuilt: ${indexParts.join(', ')}`);
  await timed('vacuum analyze', () => client.query(`VACUUM (ANALYZE) ${SEEDED_TABLES.map((table) => `crm.${table}`).join(', ')}`));
  return { bigWorkspaceId: workspaces[0]!.id, ownerIds: ownersOf.get(workspaces[0]!.id)!, seconds };
}

/** Creates (or drops and creates) the database, runs the crm migrations, seeds. Returns what the bench needs. */
export async function ensureSeededCrm(): Promise<SeededCrm> {
  const sizes = seedSizes();
  const databaseUrl = benchDatabaseUrl();
  const databaseName = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  const admin = new pg.Client({ connectionString: adminUrl(databaseUrl) });
  await admin.connect();
  try {
    const exists = (await admin.query(`SELECT FROM pg_database WHERE datname = $1`, [databaseName])).rowCount === 1;
    if (exists) {
      const found = await readMarker(databaseUrl);
      if (found && sameSizes(found.sizes, sizes)) {
        // Migrations added since the seed (new indexes) apply to the seeded rows.
        await migrateService(crmService, migrationEnv(databaseUrl));
        return { databaseUrl, ...found, seededNow: false };
      }
      print(`${databaseName}: ${found ? `seeded with other sizes ${JSON.stringify(found.sizes)}` : 'not seeded to the end'}; dropping it to seed again`);
      await admin.query(`DROP DATABASE "${databaseName}" WITH (FORCE)`);
    }
    await admin.query(`CREATE DATABASE "${databaseName}"`);
  } finally {
    await admin.end();
  }

  print(
    `Seeding ${databaseName}: 1 workspace of ${sizes.contacts} contacts, ${sizes.companies} companies, ${sizes.deals} deals` +
      ` + ${sizes.smallWorkspaces} workspaces of ${sizes.smallContacts} contacts…`,
  );
  const started = performance.now();
  const migrationStarted = performance.now();
  await migrateService(crmService, migrationEnv(databaseUrl));
  const migrationSeconds = (performance.now() - migrationStarted) / 1000;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const seeded = await seed(client, sizes);
    const seedSeconds = { migrations: migrationSeconds, ...seeded.seconds, total: (performance.now() - started) / 1000 };
    await client.query(
      `CREATE TABLE public.bench_seed (sizes jsonb NOT NULL, big_workspace_id uuid NOT NULL, owner_ids uuid[] NOT NULL, seconds jsonb NOT NULL, seeded_at timestamptz NOT NULL DEFAULT now())`,
    );
    await client.query(`INSERT INTO public.bench_seed (sizes, big_workspace_id, owner_ids, seconds) VALUES ($1, $2, $3, $4)`, [
      JSON.stringify(sizes),
      seeded.bigWorkspaceId,
      seeded.ownerIds,
      JSON.stringify(seedSeconds),
    ]);
    print(
      `Seeded in ${fixed(seedSeconds.total)} s: ${Object.entries(seedSeconds)
        .map(([part, took]) => `${part} ${fixed(took)} s`)
        .join(', ')}`,
    );
    return { databaseUrl, sizes, bigWorkspaceId: seeded.bigWorkspaceId, ownerIds: seeded.ownerIds, seedSeconds, seededNow: true };
  } finally {
    await client.end();
  }
}

/** Field by field: jsonb does not keep the order of keys. */
function sameSizes(a: SeedSizes, b: SeedSizes): boolean {
  return (Object.keys(b) as Array<keyof SeedSizes>).every((key) => a[key] === b[key]);
}

async function readMarker(databaseUrl: string): Promise<Omit<SeededCrm, 'databaseUrl' | 'seededNow'> | undefined> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ sizes: SeedSizes; big_workspace_id: string; owner_ids: string[]; seconds: Record<string, number> }>(
      `SELECT sizes, big_workspace_id, owner_ids, seconds FROM public.bench_seed`,
    );
    const row = rows[0];
    return row && { sizes: row.sizes, bigWorkspaceId: row.big_workspace_id, ownerIds: row.owner_ids, seedSeconds: row.seconds };
  } catch {
    return undefined;
  } finally {
    await client.end();
  }
}

/** What migrateService reads; the NATS namespace is unused by migrations but part of the service's configuration. */
export function migrationEnv(databaseUrl: string): Record<string, string> {
  const servers = serverUrls();
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: databaseUrl,
    REDIS_URL: servers.redis,
    NATS_URL: servers.nats,
    NATS_NAMESPACE: `bench_${randomBytes(4).toString('hex')}.`,
    HTTP_PORT: '0',
    GATEWAY_PORT: '0',
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  ensureSeededCrm().then(
    (seeded) => print(seeded.seededNow ? 'done' : `${benchDatabaseUrl()} was already seeded with ${JSON.stringify(seeded.sizes)}`),
    (error: unknown) => {
      process.stderr.write(`seed-crm failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
