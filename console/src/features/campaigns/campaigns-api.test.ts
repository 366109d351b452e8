import { describe, expect, it } from 'vitest';
import { NO_CONTACT_CONDITIONS } from '../contacts/contact-filters';
import { audienceKind, audienceOf, fillPlaceholders, filterValues, placeholderValues, segmentFilter, smsLength, smsText } from './campaigns-api';

describe('campaign preview', () => {
  const values = { ...placeholderValues(null), firstName: 'Ada <3', companyName: 'Engines & Co', customFields: { tier: 'gold' } };

  it('fills placeholders HTML-escaped in the body and as written in the subject', () => {
    expect(fillPlaceholders('<p>Hi {{firstName}} at {{ companyName }}</p>', values)).toBe('<p>Hi Ada &lt;3 at Engines &amp; Co</p>');
    expect(fillPlaceholders('News for {{companyName}}', values, false)).toBe('News for Engines & Co');
  });

  it('reads nested custom fields, leaves unknown ones empty and block helpers as written', () => {
    expect(fillPlaceholders('{{customFields.tier}}|{{customFields.none}}|{{nothing}}', values)).toBe('gold||');
    expect(fillPlaceholders('{{#if firstName}}x{{/if}}', values)).toBe('{{#if firstName}}x{{/if}}');
  });
});

describe('segment filter', () => {
  it('keeps only the conditions given, opted-out contacts excluded on request', () => {
    expect(segmentFilter({ lifecycleStage: [], tags: ['newsletter'], leadSource: [], excludeOptedOut: false, conditions: NO_CONTACT_CONDITIONS })).toEqual({
      tags: ['newsletter'],
    });
    expect(segmentFilter({ lifecycleStage: ['lead'], tags: [], leadSource: ['web'], excludeOptedOut: true, conditions: NO_CONTACT_CONDITIONS })).toEqual({
      lifecycleStage: ['lead'],
      leadSource: ['web'],
      emailOptOut: false,
    });
  });

  it('keeps the owner, company, city, country and date conditions, and reads them back into their inputs', () => {
    const conditions = { ...NO_CONTACT_CONDITIONS, ownerId: ['u1'], companyId: ['c1'], city: ['London'], country: ['gb'], customerSinceFrom: '2026-01-01' };
    const filter = segmentFilter({ lifecycleStage: [], tags: [], leadSource: [], excludeOptedOut: false, conditions });
    expect(filter).toEqual({ ownerId: ['u1'], companyId: ['c1'], city: ['London'], country: ['GB'], customerSinceFrom: '2026-01-01' });
    expect(filterValues(filter).conditions).toEqual({ ...conditions, country: ['GB'] });
  });

  it('keeps an audience’s custom field conditions when it is saved, and reads them back into their inputs', () => {
    const conditions = { ...NO_CONTACT_CONDITIONS, customFields: { plan: 'pro', seats: 3, churned: false } };
    const filter = segmentFilter({ lifecycleStage: ['lead'], tags: [], leadSource: [], excludeOptedOut: false, conditions });
    expect(filter).toEqual({ lifecycleStage: ['lead'], customFields: { plan: 'pro', seats: 3, churned: false } });
    expect(filterValues(filter).conditions).toEqual(conditions);
  });

  it('leaves out the opt-outs of the channel sent on: SMS opt-outs for an SMS campaign', () => {
    const values = { lifecycleStage: [], tags: ['vip'], leadSource: [], excludeOptedOut: true, conditions: NO_CONTACT_CONDITIONS };
    expect(segmentFilter(values, 'sms')).toEqual({ tags: ['vip'], smsOptOut: false });
    expect(segmentFilter(values, 'email')).toEqual({ tags: ['vip'], emailOptOut: false });
  });
});

describe('campaign audience', () => {
  const empty = { lifecycleStage: [], tags: [], leadSource: [], excludeOptedOut: false, conditions: NO_CONTACT_CONDITIONS };
  const inputs = { channel: 'email' as const, audienceKind: 'segment' as const, segmentId: null, filter: empty, contactIds: [] };

  it('sends the kind picked, and nothing while it is not filled in', () => {
    expect(audienceOf(inputs)).toBeNull();
    expect(audienceOf({ ...inputs, segmentId: 's1', contactIds: ['c1'] })).toEqual({ segmentId: 's1' });
    expect(audienceOf({ ...inputs, audienceKind: 'contacts' })).toBeNull();
    expect(audienceOf({ ...inputs, audienceKind: 'contacts', segmentId: 's1', contactIds: ['c1', 'c2'] })).toEqual({ contactIds: ['c1', 'c2'] });
    // An empty filter is everyone: a real audience, counted like any other.
    expect(audienceOf({ ...inputs, audienceKind: 'filter' })).toEqual({ filter: {} });
    expect(audienceOf({ ...inputs, audienceKind: 'filter', filter: { ...empty, tags: ['vip'], excludeOptedOut: true } })).toEqual({
      filter: { tags: ['vip'], emailOptOut: false },
    });
    expect(audienceOf({ ...inputs, channel: 'sms', audienceKind: 'filter', filter: { ...empty, excludeOptedOut: true } })).toEqual({
      filter: { smsOptOut: false },
    });
  });

  it('reads a saved audience back into the picker', () => {
    expect(audienceKind({ filter: { tags: ['vip'] } })).toBe('filter');
    expect(audienceKind({ contactIds: ['c1'] })).toBe('contacts');
    expect(audienceKind({ segmentId: 's1' })).toBe('segment');
    expect(audienceKind(undefined)).toBe('segment');
    expect(filterValues({ lifecycleStage: ['lead'], emailOptOut: false })).toEqual({ ...empty, lifecycleStage: ['lead'], excludeOptedOut: true });
    expect(filterValues({ smsOptOut: false })).toEqual({ ...empty, excludeOptedOut: true });
    expect(filterValues(null)).toEqual(empty);
  });
});

describe('SMS campaigns', () => {
  const values = { ...placeholderValues(null), firstName: 'Ada <3' };

  it('fills placeholders as written and adds the opt-out line the sender adds', () => {
    expect(smsText('Hi {{firstName}}, 20% off today', values)).toBe('Hi Ada <3, 20% off today\nOpt out: #unsubscribe');
  });

  it('adds no second opt-out line when the body places the link', () => {
    expect(smsText('Hi {{firstName}}. Stop: {{ unsubscribeUrl }}', values)).toBe('Hi Ada <3. Stop: #unsubscribe');
  });

  it('counts GSM-7 septets, two for an extension character, in parts of 153 past 160', () => {
    expect(smsLength('')).toEqual({ encoding: 'GSM-7', units: 0, parts: 0 });
    expect(smsLength('a'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, parts: 1 });
    expect(smsLength('a'.repeat(159) + '€')).toEqual({ encoding: 'GSM-7', units: 161, parts: 2 });
    expect(smsLength('a'.repeat(307))).toEqual({ encoding: 'GSM-7', units: 307, parts: 3 });
  });

  it('falls back to UCS-2 for any other character, in parts of 67 past 70', () => {
    expect(smsLength('Grüße 👋')).toEqual({ encoding: 'UCS-2', units: 8, parts: 1 });
    expect(smsLength('ł'.repeat(71))).toEqual({ encoding: 'UCS-2', units: 71, parts: 2 });
  });
});
