// What scripts/backup.mjs and scripts/restore.mjs share: which schemas, where each lives, arguments.

/** Every service with a schema, in the order the Helm migration Job migrates them. */
export const BACKUP_SERVICES = ['auth', 'crm', 'billing', 'notifications', 'reporting'];

/** A service's connection as the service itself reads it: <SERVICE>_DATABASE_URL, else DATABASE_URL (empty counts as unset). */
export function databaseUrlOf(service) {
  return process.env[`${service.toUpperCase()}_DATABASE_URL`] || process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/kinship';
}

/** The URL without its password, for the manifest and messages. */
export function redactUrl(url) {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/** The value after `--name` on the command line, if any. */
export function option(name) {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}
