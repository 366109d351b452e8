import { describe, expect, it } from '@jest/globals';
import { headerKey, isMappingTarget, resolveMapping } from './column-mapping.js';

describe('resolveMapping', () => {
  it('recognises export headers whatever their case and punctuation', () => {
    expect(headerKey('Person - Email')).toBe('personemail');
    const mapping = resolveMapping('contacts', ['FIRST NAME', 'lastname', 'Person - Email', 'Phone Number', 'Account.Name', 'Whatever'], {}, []);
    expect(mapping.targets).toEqual(['firstName', 'lastName', 'email', 'phone', 'companyName', null]);
    expect(mapping.unmapped).toEqual(['Whatever']);
  });

  it('lets the explicit mapping win and skip, and fills custom fields by key or label', () => {
    const definitions = [{ key: 'shoe_size', label: 'Shoe size', type: 'number' as const, options: [] }];
    const mapping = resolveMapping('contacts', ['Mail', 'Email', 'Shoe Size', 'shoe_size'], { mail: 'email', Email: null }, definitions);
    expect(mapping.targets).toEqual(['email', null, 'customFields.shoe_size', null]);
    // The second column for the same custom field is reported rather than silently dropped.
    expect(mapping.unmapped).toEqual(['shoe_size']);
  });

  it('maps numbered, Google, Outlook and Salesforce layouts; every email and phone column fills the contact', () => {
    const mapping = resolveMapping(
      'contacts',
      [
        'Phone 1',
        'Phone 2',
        'Email 1',
        'Email 2',
        'Website',
        'City',
        'Country',
        'Zip',
        'Phone 1 - Value',
        'E-mail 1 - Value',
        'Business Phone',
        'Mobile Phone',
        'E-mail Address',
        'E-mail 2 Address',
        'Mailing Zip/Postal Code',
        'Address 1 - Country',
        'Birthdate',
      ],
      {},
      [],
    );
    expect(mapping.targets).toEqual([
      'phone',
      'phone',
      'email',
      'email',
      'website',
      'address.city',
      'address.country',
      'address.postalCode',
      'phone',
      'email',
      'phone',
      'phone',
      'email',
      'email',
      // A second column of a single-valued field is reported, not used.
      null,
      null,
      'birthday',
    ]);
    expect(mapping.unmapped).toEqual(['Mailing Zip/Postal Code', 'Address 1 - Country']);
  });

  it('checks explicit targets against the entity', () => {
    expect(isMappingTarget('contacts', 'email')).toBe(true);
    expect(isMappingTarget('contacts', 'customFields.tier')).toBe(true);
    expect(isMappingTarget('contacts', null)).toBe(true);
    expect(isMappingTarget('contacts', 'domain')).toBe(false);
    expect(isMappingTarget('companies', 'address.city')).toBe(true);
    expect(isMappingTarget('companies', 'customFields.Bad Key')).toBe(false);
  });
});
