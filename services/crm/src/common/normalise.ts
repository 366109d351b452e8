import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/** Emails are kept as typed (trimmed) and compared case-insensitively (the unique index is on lower(email)). */
export function normaliseEmail(email: string): string {
  return email.trim();
}

/**
 * A phone number in E.164, reading numbers without a country code in the workspace's default
 * region; null when it is not a possible number there.
 */
export function normalisePhone(phone: string, defaultRegion: string): string | null {
  const parsed = parsePhoneNumberFromString(phone.trim(), defaultRegion as CountryCode);
  return parsed?.isPossible() ? parsed.number : null;
}

const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/**
 * A company's domain from what people paste: "https://www.Acme.com/about" → "acme.com". Null when
 * what remains is not a domain name.
 */
export function normaliseDomain(input: string): string | null {
  let host = input.trim().toLowerCase();
  if (host.includes('://')) {
    try {
      host = new URL(host).hostname;
    } catch {
      return null;
    }
  }
  host = host.split(/[/?#]/)[0]!.replace(/:\d+$/, '').replace(/\.$/, '');
  if (host.startsWith('www.')) host = host.slice(4);
  host = host.replace(/^[^@]*@/, '');
  try {
    host = new URL(`http://${host}`).hostname;
  } catch {
    return null;
  }
  return DOMAIN.test(host) ? host : null;
}
