import { countryCode } from '@kinship/contracts';
import type { PostalAddress } from '@kinship/contracts/crm';
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
  return readPhone(phone, defaultRegion)?.phone ?? null;
}

/** A phone number read as people write it: E.164 plus the extension written after it, if any. */
export interface PhoneReading {
  phone: string;
  extension: string | null;
}

/**
 * Reads "+1-940-986-3836x4639" (extension kept), national formats in the workspace's region
 * ("229.077.5154", "(496)978-3969") and the international prefixes 00 and 001 ("0044 20 7946 0958",
 * "001-940-986-3836"): 00 is the international call prefix almost everywhere, and no national number starts with it.
 */
export function readPhone(phone: string, defaultRegion: string): PhoneReading | null {
  const text = phone.trim().replace(/^00[\s.-]*(?=[1-9])/, '+');
  const parsed = parsePhoneNumberFromString(text, defaultRegion as CountryCode);
  return parsed?.isPossible() ? { phone: parsed.number, extension: parsed.ext ?? null } : null;
}

/** A web address as stored: trimmed, with https:// when typed without a scheme. */
export function normaliseWebAddress(input: string): string {
  const text = input.trim();
  return /^https?:\/\//i.test(text) ? text : `https://${text}`;
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

/** Trimmed text, or null when nothing is left. */
export function optionalText(value: string | null | undefined): string | null {
  const text = value?.trim();
  return text ? text : null;
}

/**
 * An address as stored: trimmed parts, the country as its ISO 3166-1 alpha-2 code ("Germany" →
 * "DE"), null when every part is empty. `countryKnown` is false when the country names none.
 */
export function normaliseAddress(address: PostalAddress): { address: PostalAddress | null; countryKnown: boolean } {
  const typedCountry = optionalText(address.country);
  const country = typedCountry === null ? null : countryCode(typedCountry);
  const parts: PostalAddress = {
    line1: optionalText(address.line1),
    line2: optionalText(address.line2),
    city: optionalText(address.city),
    region: optionalText(address.region),
    postalCode: optionalText(address.postalCode),
    country,
  };
  return { address: Object.values(parts).some((part) => part !== null) ? parts : null, countryKnown: typedCountry === null || country !== null };
}
