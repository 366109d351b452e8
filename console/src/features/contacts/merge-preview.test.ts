import { describe, expect, it } from 'vitest';
import type { Contact } from './contacts-api';
import { mergePreview } from './merge-preview';

const contact = (values: Partial<Contact>) =>
  ({
    firstName: null,
    lastName: null,
    email: null,
    phone: null,
    jobTitle: null,
    companyName: null,
    lifecycleStage: 'lead',
    leadSource: null,
    ownerId: null,
    tags: [],
    customFields: {},
    ...values,
  }) as unknown as Contact;

describe('mergePreview', () => {
  it('keeps the survivor’s values, fills its empty ones from the other, and unions tags and custom fields', () => {
    const survivor = contact({ firstName: 'Ada', email: 'ada@example.com', tags: ['vip'], customFields: { tier: 'gold' } });
    const other = contact({
      firstName: 'Augusta',
      phone: '+442071234567',
      email: 'ada@old.example',
      tags: ['vip', 'math'],
      customFields: { tier: 'silver', seats: 3 },
    });
    const merged = mergePreview(survivor, other);
    expect(merged.firstName).toBe('Ada');
    expect(merged.email).toBe('ada@example.com');
    expect(merged.phone).toBe('+442071234567');
    expect(merged.tags).toEqual(['vip', 'math']);
    expect(merged.customFields).toEqual({ tier: 'gold', seats: 3 });
  });
});
