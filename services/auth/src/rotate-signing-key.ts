import { loadConfig } from '@kinship/config';
import { postgresOptions } from '@kinship/persistence';
import { DataSource } from 'typeorm';
import { AuthConfig } from './auth.config.js';
import { authService } from './auth.service.js';
import { SigningKeys } from './signing-keys/signing-keys.js';

/**
 * Makes a new access-token signing key current; the previous one stays published until its
 * tokens have expired (docs/operations.md, "Access-token signing keys"). Run with auth's configuration.
 */
const config = loadConfig('auth', AuthConfig);
const dataSource = new DataSource(postgresOptions({ ...authService.database, url: config.DATABASE_URL, poolSize: 1 }));
await dataSource.initialize();
try {
  const kid = await new SigningKeys(dataSource, config).rotate();
  process.stdout.write(`access tokens are now signed with key ${kid}\n`);
} finally {
  await dataSource.destroy();
}
