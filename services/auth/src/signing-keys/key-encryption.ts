import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Seals a private key with AES-256-GCM under the key-encryption key. The kid is authenticated
 * with it, so a sealed key copied into another row does not open. Layout: iv | tag | ciphertext.
 */
export function sealPrivateKey(keyEncryptionKey: Buffer, kid: string, privateKey: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyEncryptionKey, iv).setAAD(Buffer.from(kid));
  const ciphertext = Buffer.concat([cipher.update(privateKey), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
}

/** The private key sealPrivateKey sealed; throws when the key-encryption key or the kid is not the one it was sealed with. */
export function openPrivateKey(keyEncryptionKey: Buffer, kid: string, sealed: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', keyEncryptionKey, sealed.subarray(0, IV_BYTES))
    .setAAD(Buffer.from(kid))
    .setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
}
