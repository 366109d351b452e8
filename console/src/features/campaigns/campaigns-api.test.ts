import { describe, expect, it } from 'vitest';
import { fillPlaceholders, placeholderValues, segmentFilter } from './campaigns-api';

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
