import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { AuthRpc } from '@kinship/contracts';
import { calculateJwkThumbprint } from 'jose';
import type { DataSource, EntityManager } from 'typeorm';
import { AuthConfig } from '../auth.config.js';
import { openPrivateKey, sealPrivateKey } from './key-encryption.js';

/** The one algorithm access tokens are signed with; the gateway accepts no other. */
export const SIGNING_ALGORITHM = 'EdDSA';

/**
 * How long past its retirement a key stays published, beyond the access-token lifetime: covers
 * a token signed by a replica that read the key just before the rotation, and clock skew.
 */
const RETIRED_KEY_MARGIN_SECONDS = 300;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
}

interface CurrentKeyRow {
  kid: string;
  privateKeyEncrypted: Buffer;
  createdAt: Date;
}

const CURRENT_KEY = `SELECT kid, private_key_encrypted AS "privateKeyEncrypted", created_at AS "createdAt"
  FROM auth.signing_keys WHERE retired_at IS NULL`;

/**
 * The Ed25519 keys that sign access tokens, kept in auth.signing_keys with the private key
 * sealed under AUTH_KEY_ENCRYPTION_KEY. One key is current; a rotation retires it, and a retired
 * key stays published (JWKS) until every token it signed has expired, then it is deleted.
 * Each signature reads which key is current, so a rotation reaches every replica at once.
 */
@Injectable()
export class SigningKeys implements OnApplicationBootstrap {
  private readonly keyEncryptionKey: Buffer;
  private readonly retentionSeconds: number;
  private readonly rotateAfterMs: number | null;
  /** Private keys already opened, by kid. */
  private readonly opened = new Map<string, KeyObject>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    config: AuthConfig,
  ) {
    this.keyEncryptionKey = Buffer.from(config.KEY_ENCRYPTION_KEY!, 'base64');
    this.retentionSeconds = config.ACCESS_TOKEN_TTL_SECONDS + RETIRED_KEY_MARGIN_SECONDS;
    this.rotateAfterMs = config.SIGNING_KEY_ROTATION_DAYS > 0 ? config.SIGNING_KEY_ROTATION_DAYS * DAY_MS : null;
  }

  /** The first start makes the first key; a start with a key-encryption key that cannot open the current key fails here. */
  async onApplicationBootstrap(): Promise<void> {
    await this.current();
  }

  /** The key new tokens are signed with: made when there is none, replaced when older than SIGNING_KEY_ROTATION_DAYS. */
  async current(): Promise<SigningKey> {
    let row = await this.currentRow();
    if (row === null) {
      // Replicas starting together may both insert: the unique index keeps one, and both read it back.
      await this.insertNewKey(this.dataSource.manager);
      row = await this.currentRow();
    } else if (this.rotateAfterMs !== null && Date.now() - row.createdAt.getTime() > this.rotateAfterMs) {
      await this.rotate(row.kid);
      row = await this.currentRow();
    }
    return { kid: row!.kid, privateKey: this.open(row!) };
  }

  /**
   * Retires the current key (only if it is still `replacing`, when given: two replicas rotating
   * an old key make one new key, not two), makes a new one current, and deletes keys whose
   * tokens have all expired. Answers the new current kid.
   */
  async rotate(replacing?: string): Promise<string> {
    await this.dataSource.transaction(async (manager) => {
      const retired: Array<{ kid: string }> = await manager.query(
        'UPDATE auth.signing_keys SET retired_at = now() WHERE retired_at IS NULL AND ($1::text IS NULL OR kid = $1) RETURNING kid',
        [replacing ?? null],
      );
      if (replacing !== undefined && retired.length === 0) return;
      await this.insertNewKey(manager);
      await manager.query('DELETE FROM auth.signing_keys WHERE retired_at < now() - make_interval(secs => $1)', [this.retentionSeconds]);
    });
    return (await this.currentRow())!.kid;
  }

  /** The public keys that verify tokens still valid: the current key and those retired within the retention, newest first. */
  async publicKeys(): Promise<AuthRpc.PublicSigningKeySet> {
    const rows: Array<{ publicJwk: AuthRpc.PublicSigningKey }> = await this.dataSource.query(
      `SELECT public_jwk AS "publicJwk" FROM auth.signing_keys
       WHERE retired_at IS NULL OR retired_at > now() - make_interval(secs => $1) ORDER BY created_at DESC`,
      [this.retentionSeconds],
    );
    return { keys: rows.map((row) => row.publicJwk) };
  }

  private async currentRow(): Promise<CurrentKeyRow | null> {
    const rows: CurrentKeyRow[] = await this.dataSource.query(CURRENT_KEY);
    return rows[0] ?? null;
  }

  /** Inserts a new current key unless another is current already (then that one stays, and nothing happens). */
  private async insertNewKey(manager: EntityManager): Promise<void> {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const { kty, crv, x } = publicKey.export({ format: 'jwk' });
    const kid = await calculateJwkThumbprint({ kty, crv, x });
    const publicJwk: AuthRpc.PublicSigningKey = { kty: kty!, crv: crv!, x: x!, kid, alg: SIGNING_ALGORITHM, use: 'sig' };
    const sealed = sealPrivateKey(this.keyEncryptionKey, kid, privateKey.export({ format: 'der', type: 'pkcs8' }));
    await manager.query(`INSERT INTO auth.signing_keys (kid, algorithm, public_jwk, private_key_encrypted) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, [
      kid,
      SIGNING_ALGORITHM,
      publicJwk,
      sealed,
    ]);
  }

  private open(row: CurrentKeyRow): KeyObject {
    let privateKey = this.opened.get(row.kid);
    if (privateKey === undefined) {
      let der: Buffer;
      try {
        der = openPrivateKey(this.keyEncryptionKey, row.kid, row.privateKeyEncrypted);
      } catch {
        throw new Error(
          `AUTH_KEY_ENCRYPTION_KEY does not open the access-token signing key ${row.kid}: it is not the key-encryption key the signing keys were stored with (docs/operations.md, "Access-token signing keys")`,
        );
      }
      privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
      this.opened.set(row.kid, privateKey);
    }
    return privateKey;
  }
}
