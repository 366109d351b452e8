import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { NotificationsConfig } from '../notifications.config.js';

const SEALED_VERSION = 'v1';

/** A new signing secret: `whsec_` and 32 random bytes, base64url. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/**
 * `Kinship-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, keyed by the whole
 * secret string (prefix included) as UTF-8, as docs/webhooks.md tells partners.
 */
export function signatureHeader(secret: string, body: string, unixSeconds: number): string {
  const digest = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${digest}`;
}

/**
 * Signing secrets at rest. They must be read back in clear to sign, so they are encrypted
 * (AES-256-GCM, a fresh IV each) rather than hashed: a copy of the database alone does not let
 * anyone forge deliveries. Stored as `v1.<iv>.<tag>.<ciphertext>`, base64url.
 */
@Injectable()
export class WebhookSecrets {
  private readonly key: Buffer;

  constructor(config: NotificationsConfig) {
    // loadConfig refuses to start without it; a configuration built by hand must carry it too.
    if (!config.WEBHOOKS_SECRET_KEY) throw new Error('WEBHOOKS_SECRET_KEY is not set');
    this.key = createHash('sha256').update(config.WEBHOOKS_SECRET_KEY).digest();
  }

  seal(secret: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return [SEALED_VERSION, iv, cipher.getAuthTag(), ciphertext].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
  }

  /** Throws when the value was sealed with another key (WEBHOOKS_SECRET_KEY changed). */
  open(sealed: string): string {
    const [version, iv, tag, ciphertext] = sealed.split('.');
    if (version !== SEALED_VERSION || !iv || !tag || ciphertext === undefined) throw new Error('not a sealed webhook secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  }
}
