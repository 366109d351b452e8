import { describe, expect, it } from '@jest/globals';
import { countryCode } from './countries.js';

describe('countryCode', () => {
  it('reads codes in any case, English and other names, and common spellings', () => {
    const cases: Array<[string, string]> = [
      ['de', 'DE'],
      ['Germany', 'DE'],
      ['Deutschland', 'DE'],
      ['Allemagne', 'DE'],
      ['united states', 'US'],
      ['USA', 'US'],
      ['U.S.A.', 'US'],
      ['UK', 'GB'],
      ['England', 'GB'],
      ['Côte d’Ivoire', 'CI'],
      ['Ivory Coast', 'CI'],
      ['Bosnia & Herzegovina', 'BA'],
      ['The Netherlands', 'NL'],
      ['South Korea', 'KR'],
      ['  japan ', 'JP'],
    ];
    for (const [text, code] of cases) expect([text, countryCode(text)]).toEqual([text, code]);
  });

  it('names no country for codes outside ISO 3166-1 and unknown names', () => {
    for (const text of ['XX', 'EU', 'Narnia', '', 'U']) expect(countryCode(text)).toBeNull();
  });
});
