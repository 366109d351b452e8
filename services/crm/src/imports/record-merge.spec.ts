import { describe, expect, it } from '@jest/globals';
import { lifecycleMoves, mergeInto, previousValues, type MergeTarget } from './record-merge.js';

function target(values: Record<string, unknown>): MergeTarget {
  return { id: 'c1', isNew: false, original: { ...values }, values: { ...values }, changed: new Set(), conflicts: [] };
}

const merge = { overwrite: false, lifecycleBackward: false };
const anyValue = () => true;

describe('mergeInto', () => {
  it('fills empty fields, queues different values, ignores case where it does not matter', () => {
    const record = target({ firstName: 'Ada', lastName: null, email: 'Ada@Example.com', tags: ['vip'], customFields: { tier: 'gold' } });
    mergeInto(
      record,
      { firstName: 'Augusta', lastName: 'Lovelace', email: 'ada@example.com', tags: ['VIP', 'new'], customFields: { tier: 'silver', size: 4 } },
      7,
      merge,
      anyValue,
    );
    expect(record.values).toMatchObject({
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'Ada@Example.com',
      tags: ['vip', 'new'],
      customFields: { tier: 'gold', size: 4 },
    });
    expect(record.conflicts).toEqual([
      { line: 7, field: 'firstName', existing: 'Ada', incoming: 'Augusta' },
      { line: 7, field: 'customFields.tier', existing: 'gold', incoming: 'silver' },
    ]);
    expect(previousValues(record)).toEqual({ lastName: null, tags: ['vip'], customFields: { tier: 'gold' } });
  });

  it('overwrites in overwrite mode but never takes a unique value another record holds', () => {
    const record = target({ firstName: 'Ada', phone: '+1' });
    mergeInto(record, { firstName: 'Augusta', phone: '+2' }, 3, { ...merge, overwrite: true }, (field) => field !== 'phone');
    expect(record.values).toEqual({ firstName: 'Augusta', phone: '+1' });
    expect(record.conflicts).toEqual([{ line: 3, field: 'phone', existing: '+1', incoming: '+2' }]);
  });
});

describe('lifecycleMoves', () => {
  it('moves forward only, other never replaces, backward when told', () => {
    expect(lifecycleMoves('lead', 'customer', false)).toBe(true);
    expect(lifecycleMoves('customer', 'lead', false)).toBe(false);
    expect(lifecycleMoves('customer', 'lead', true)).toBe(true);
    expect(lifecycleMoves('lead', 'other', true)).toBe(false);
    expect(lifecycleMoves('other', 'subscriber', false)).toBe(true);
    expect(lifecycleMoves(null, 'lead', false)).toBe(true);
  });
});
