import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { NotificationsConfig } from '../notifications.config.js';
import { newSigningSecret, signatureHeader, WebhookSecrets } from './webhook-secrets.js';

function secretsWithKey(key: string | undefined): WebhookSecrets {
  return new WebhookSecrets(Object.assign(new NotificationsConfig(), { WEBHOOKS_SECRET_KEY: key }));
}

describe('webhook secrets', () => {
  it('makes distinct secrets of 32 random bytes', () => {
    const secret = newSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(newSigningSecret()).not.toBe(secret);
  });

  it('signs "t.body" with HMAC-SHA256 keyed by the secret, as a partner verifies it', () => {
    const body = '{"id":"1","type":"deal.won"}';
    const header = signatureHeader('whsec_test', body, 1700000000);
    const expected = createHmac('sha256', 'whsec_test').update(`1700000000.${body}`).digest('hex');
    expect(header).toBe(`t=1700000000,v1=${expected}`);
  });

  it('seals a secret so that only the same key opens it', () => {
    const secrets = secretsWithKey('a-key-of-at-least-thirty-two-characters!');
    const sealed = secrets.seal('whsec_abc');
    expect(sealed).not.toContain('whsec_abc');
    expect(secrets.seal('whsec_abc')).not.toBe(sealed);
    expect(secrets.open(sealed)).toBe('whsec_abc');
    expect(() => secretsWithKey('another-key-of-at-least-thirty-two-chars').open(sealed)).toThrow();
  });

  it('cannot be made without a key: there is no default one', () => {
    expect(() => secretsWithKey(undefined)).toThrow(/WEBHOOKS_SECRET_KEY/);
  });
});
