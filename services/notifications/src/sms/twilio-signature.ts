import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Twilio's request signature: HMAC-SHA1, keyed with the account's auth token, over the full URL
 * the provider posted to followed by every POST parameter as name then value, names sorted
 * (a repeated name contributes each of its values, sorted), base64.
 */
export function twilioSignature(authToken: string, url: string, params: Record<string, string | string[]>): string {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const value = params[name]!;
    for (const each of Array.isArray(value) ? [...value].sort() : [value]) data += name + each;
  }
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** Compared in constant time, so the answer's timing tells nothing about the expected value. */
export function isTwilioSignatureValid(authToken: string, url: string, params: Record<string, string | string[]>, signature: string): boolean {
  const expected = Buffer.from(twilioSignature(authToken, url, params));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
