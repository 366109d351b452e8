import { describe, expect, it } from 'vitest';
import { dayEnd, dayStart } from '../../lib/list-filters';
import {
  conditionErrorPath,
  conditionErrors,
  conditionKeys,
  contactConditionsOf,
  contactConditionsQuery,
  NO_CONTACT_CONDITIONS,
  withCustomFieldCondition,
} from './contact-filters';

describe('the contacts’ owner, company, place and date conditions', () => {
  it('sends only those set: countries upper-cased, days as the instants they span, customer-since days as dates', () => {
    expect(contactConditionsQuery(NO_CONTACT_CONDITIONS)).toEqual({});
    const conditions = {
      ...NO_CONTACT_CONDITIONS,
      ownerId: ['u1'],
      country: ['de'],
      createdFrom: '2026-12-01',
      updatedTo: '2026-12-07',
      customerSinceTo: '2026-06-30',
    };
    expect(contactConditionsQuery(conditions)).toEqual({
      ownerId: ['u1'],
      country: ['DE'],
      createdAtFrom: dayStart('2026-12-01'),
      updatedAtTo: dayEnd('2026-12-07'),
      customerSinceTo: '2026-06-30',
    });
  });

  it('opens a view saved through the API with an owner back into its input', () => {
    expect(contactConditionsOf({ ownerId: ['u1'], city: ['london'], lifecycleStage: ['lead'], createdAtTo: dayEnd('2026-12-07') })).toEqual({
      ...NO_CONTACT_CONDITIONS,
      ownerId: ['u1'],
      city: ['london'],
      createdTo: '2026-12-07',
    });
    expect(contactConditionsOf(null)).toEqual(NO_CONTACT_CONDITIONS);
  });

  it('keeps custom field values as the API compares them, and opens a view or audience carrying them with them set', () => {
    let customFields = withCustomFieldCondition({}, 'plan', 'pro');
    customFields = withCustomFieldCondition(customFields, 'seats', 3);
    customFields = withCustomFieldCondition(customFields, 'churned', false);
    customFields = withCustomFieldCondition(customFields, 'notes', '');
    expect(contactConditionsQuery({ ...NO_CONTACT_CONDITIONS, customFields })).toEqual({ customFields: { plan: 'pro', seats: 3, churned: false } });
    expect(withCustomFieldCondition(customFields, 'plan', null)).toEqual({ seats: 3, churned: false });

    const stored = { lifecycleStage: ['lead'], customFields: { plan: 'pro', seats: 3, churned: false, nested: { no: 1 }, gone: null } };
    expect(contactConditionsOf(stored)).toEqual({ ...NO_CONTACT_CONDITIONS, customFields: { plan: 'pro', seats: 3, churned: false } });
    expect(contactConditionsOf({ customFields: ['pro'] }).customFields).toEqual({});
  });

  it('keeps contains and bounds as the API takes them, without empty bounds, and opens a stored filter carrying them', () => {
    let customFields = withCustomFieldCondition({}, 'notes', { contains: 'key' });
    customFields = withCustomFieldCondition(customFields, 'seats', { from: 5, to: undefined });
    customFields = withCustomFieldCondition(customFields, 'renewal', { from: '', to: '2027-06-30' });
    customFields = withCustomFieldCondition(customFields, 'region', { contains: '  ' });
    customFields = withCustomFieldCondition(customFields, 'founded', { from: '', to: '' });
    expect(contactConditionsQuery({ ...NO_CONTACT_CONDITIONS, customFields })).toEqual({
      customFields: { notes: { contains: 'key' }, seats: { from: 5 }, renewal: { to: '2027-06-30' } },
    });

    const stored = { customFields: { notes: { contains: 'key' }, seats: { from: 5, to: 20 }, odd: { from: 1, near: 2 }, empty: {}, wrong: { contains: 3 } } };
    expect(contactConditionsOf(stored).customFields).toEqual({ notes: { contains: 'key' }, seats: { from: 5, to: 20 } });
  });

  it('puts the API’s issue about a custom field condition at that field’s input', () => {
    expect(conditionKeys({ seats: { from: 1 } })).toEqual(expect.arrayContaining(['country', 'customFields.seats']));
    expect(conditionErrorPath('customFields.seats')).toBe('conditions.customFields.seats');
    expect(conditionErrorPath('customFields')).toBeUndefined();
    const issue = 'from must not be after to';
    expect(conditionErrors({ 'filter.conditions.customFields.seats': issue, 'filter.conditions.country': 'no', name: 'taken' }, 'filter.')).toEqual({
      country: 'no',
      customFields: { seats: issue },
    });
  });

  it('puts the API’s issue about a condition at its input', () => {
    expect(conditionErrorPath('country')).toBe('conditions.country');
    expect(conditionErrorPath('createdAtFrom')).toBe('conditions.createdFrom');
    expect(conditionErrorPath('tags')).toBeUndefined();
    const issue = 'each value of country must be an upper-case ISO 3166-1 alpha-2 code (e.g. GB)';
    expect(conditionErrors({ 'filter.conditions.country': issue, 'filter.tags': 'no', name: 'taken' }, 'filter.')).toEqual({ country: issue });
  });
});
