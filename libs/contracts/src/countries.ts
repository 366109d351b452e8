import { isISO31661Alpha2 } from 'class-validator';
import { fieldDecorator } from './fields.js';

// Countries as people type them in forms and spreadsheets: "DE", "de", "Germany", "Deutschland",
// "Allemagne", "USA", "United Kingdom", "Côte d’Ivoire". The names come from the runtime's ICU data
// (Intl.DisplayNames) in the languages below, so they stay as current as Node's; ALIASES adds the
// common spellings ICU does not give.

const LANGUAGES = ['en', 'de', 'fr', 'es', 'it', 'pt', 'nl'];

const ALIASES: Record<string, string> = {
  usa: 'US',
  'united states of america': 'US',
  america: 'US',
  'u s a': 'US',
  'u s': 'US',
  uk: 'GB',
  'u k': 'GB',
  'great britain': 'GB',
  britain: 'GB',
  england: 'GB',
  scotland: 'GB',
  wales: 'GB',
  'northern ireland': 'GB',
  uae: 'AE',
  emirates: 'AE',
  holland: 'NL',
  'czech republic': 'CZ',
  'south korea': 'KR',
  'republic of korea': 'KR',
  korea: 'KR',
  'north korea': 'KP',
  russia: 'RU',
  'russian federation': 'RU',
  'ivory coast': 'CI',
  vietnam: 'VN',
  'viet nam': 'VN',
  'hong kong sar': 'HK',
  macau: 'MO',
  'vatican city': 'VA',
  turkey: 'TR',
  burma: 'MM',
  swaziland: 'SZ',
  'cape verde': 'CV',
  'east timor': 'TL',
  'democratic republic of the congo': 'CD',
  'dr congo': 'CD',
  'republic of the congo': 'CG',
  'mainland china': 'CN',
  prc: 'CN',
  'people s republic of china': 'CN',
  'republic of china': 'TW',
  macedonia: 'MK',
  bosnia: 'BA',
};

/** "Côte d’Ivoire", "cote-d'ivoire" and "The Gambia" alike → "cote d ivoire", "gambia". */
function countryKey(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .replace(/^the /, '');
}

function buildIndex(): Map<string, string> {
  const index = new Map<string, string>();
  const names = LANGUAGES.map((language) => new Intl.DisplayNames([language], { type: 'region', fallback: 'none' }));
  for (let first = 65; first <= 90; first++) {
    for (let second = 65; second <= 90; second++) {
      const code = String.fromCharCode(first, second);
      if (!isISO31661Alpha2(code)) continue;
      for (const language of names) {
        const name = language.of(code);
        // A later language never takes a name an earlier one gave (English first).
        if (name && !index.has(countryKey(name))) index.set(countryKey(name), code);
      }
    }
  }
  for (const [alias, code] of Object.entries(ALIASES)) index.set(alias, code);
  return index;
}

const COUNTRY_NAMES = buildIndex();

/**
 * The ISO 3166-1 alpha-2 code of a country given by its code (any case) or by a name or common
 * spelling; null when it names none.
 */
export function countryCode(text: string): string | null {
  const trimmed = text.trim();
  if (/^[a-z]{2}$/i.test(trimmed) && isISO31661Alpha2(trimmed.toUpperCase())) return trimmed.toUpperCase();
  return COUNTRY_NAMES.get(countryKey(trimmed)) ?? null;
}

/** A country code or name that countryCode reads (null passes: it clears). */
export function IsCountry(): PropertyDecorator {
  return fieldDecorator(
    'isCountry',
    (property) => `${property} must be an ISO 3166-1 alpha-2 country code (e.g. DE) or a country name`,
    (value) => value === null || value === undefined || (typeof value === 'string' && countryCode(value) !== null),
  );
}
