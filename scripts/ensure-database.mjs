// Creates the database named in DATABASE_URL when it does not exist yet, so `make up` works on a fresh server.
import pg from 'pg';

const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/kinship');
const database = decodeURIComponent(url.pathname.slice(1));
url.pathname = '/postgres';
const client = new pg.Client({ connectionString: url.toString() });
await client.connect();
try {
  const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
  if (rowCount === 0) {
    await client.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
    process.stdout.write(`created database ${database}\n`);
  }
} finally {
  await client.end();
}
