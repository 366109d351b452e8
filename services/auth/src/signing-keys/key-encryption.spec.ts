import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { openPrivateKey, sealPrivateKey } from './key-encryption.js';

describe('sealed private keys', () => {
  const keyEncryptionKey = randomBytes(32);
  const privateKey = randomBytes(48);

  it('open with the key-encryption key and kid they were sealed with, and do not contain the key', () => {
    const sealed = sealPrivateKey(keyEncryptionKey, 'kid-1', privateKey);
    expect(sealed.includes(privateKey)).toBe(false);
    expect(openPrivateKey(keyEncryptionKey, 'kid-1', sealed)).toEqual(privateKey);
  });

  it('do not open with another key-encryption key, under another kid, or when changed', () => {
    const sealed = sealPrivateKey(keyEncryptionKey, 'kid-1', privateKey);
    const changed = Buffer.from(sealed);
    changed.writeUInt8(changed.at(-1)! ^ 1, changed.length - 1);
    expect(() => openPrivateKey(randomBytes(32), 'kid-1', sealed)).toThrow();
    expect(() => openPrivateKey(keyEncryptionKey, 'kid-2', sealed)).toThrow();
    expect(() => openPrivateKey(keyEncryptionKey, 'kid-1', changed)).toThrow();
  });
});
