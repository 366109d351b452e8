import { describe, expect, it } from 'vitest';
import { audienceKind, audienceOf, fillPlaceholders, filterValues, placeholderValues, segmentFilter } from './campaigns-api';

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
    expect(segmentFilter({ lifecycleStage: [], tags: ['newsletter'], leadSource: [], excludeOptedOut: false })).toEqual({ tags: ['newsletter'] });
    expect(segmentFilter({ lifecycleStage: ['lead'], tags: [], leadSource: ['web'], excludeOptedOut: true })).toEqual({
      lifecycleStage: ['lead'],
      leadSource: ['web'],
      emailOptOut: false,
    });
  });
});

describe('campaign audience', () => {
  const empty = { lifecycleStage: [], tags: [], leadSource: [], excludeOptedOut: false };
  const inputs = { audienceKind: 'segment' as const, segmentId: null, filter: empty, contactIds: [] };

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
  });

  it('reads a saved audience back into the picker', () => {
    expect(audienceKind({ filter: { tags: ['vip'] } })).toBe('filter');
    expect(audienceKind({ contactIds: ['c1'] })).toBe('contacts');
    expect(audienceKind({ segmentId: 's1' })).toBe('segment');
    expect(audienceKind(undefined)).toBe('segment');
    expect(filterValues({ lifecycleStage: ['lead'], emailOptOut: false })).toEqual({ ...empty, lifecycleStage: ['lead'], excludeOptedOut: true });
    expect(filterValues(null)).toEqual(empty);
  });
});
