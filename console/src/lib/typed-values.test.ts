import { describe, expect, it } from 'vitest';
import { formatValue, fromDraft, isSortable, relationPath, toDraft } from './typed-values';

describe('typed values', () => {
  it('turns an amount typed in major units into minor units of its currency, refusing what it cannot be', () => {
    expect(fromDraft('currency', { amount: '12.5', currency: 'eur' })).toEqual({ value: { amount: 1250, currency: 'EUR' } });
    expect(fromDraft('currency', { amount: '1200', currency: 'JPY' })).toEqual({ value: { amount: 1200, currency: 'JPY' } });
    expect(fromDraft('currency', { amount: '12.345', currency: 'EUR' })).toEqual({ problem: 'amount' });
    expect(fromDraft('currency', { amount: '1.5', currency: 'JPY' })).toEqual({ problem: 'amount' });
    expect(fromDraft('currency', { amount: '10', currency: 'euro' })).toEqual({ problem: 'currency' });
    expect(fromDraft('currency', { amount: '', currency: '' })).toEqual({ value: null });
  });

  it('sends a number as a number, and other text as typed for the API to name', () => {
    expect(fromDraft('number', ' -3.25 ')).toEqual({ value: -3.25 });
    expect(fromDraft('number', 'twelve')).toEqual({ value: 'twelve' });
    expect(fromDraft('number', '')).toEqual({ value: null });
  });

  it('clears emptied text, selections and addresses with null, and keeps what an address holds', () => {
    expect(fromDraft('text', '  ')).toEqual({ value: null });
    expect(fromDraft('multi_select', [])).toEqual({ value: null });
    expect(fromDraft('multi_select', ['a', 'b'])).toEqual({ value: ['a', 'b'] });
    const address = toDraft('address', { city: 'Paris', country: 'FR' });
    expect(address).toEqual({ line1: '', line2: '', city: 'Paris', region: '', postalCode: '', country: 'FR' });
    expect(fromDraft('address', { ...(address as object), line1: ' 1 rue de Rivoli ' } as never)).toEqual({
      value: { line1: '1 rue de Rivoli', city: 'Paris', country: 'FR' },
    });
    expect(fromDraft('address', toDraft('address', null))).toEqual({ value: null });
  });

  it('reads stored values back into the editor and onto one line', () => {
    expect(toDraft('currency', { amount: 1250, currency: 'EUR' })).toEqual({ amount: '12.50', currency: 'EUR' });
    expect(toDraft('number', 7)).toBe('7');
    expect(toDraft('boolean', true)).toBe(true);
    expect(formatValue('currency', { amount: 1250, currency: 'EUR' }, 'en-US')).toBe('€12.50');
    expect(formatValue('date', '2026-03-01', 'en-US')).toBe('Mar 1, 2026');
    expect(formatValue('multi_select', ['pool', 'garden'])).toBe('pool, garden');
    expect(formatValue('address', { line1: '1 Main St', city: 'Springfield' })).toBe('1 Main St, Springfield');
    expect(formatValue('boolean', false)).toBe('No');
    expect(formatValue('text', undefined)).toBe('');
  });

  it('knows which fields the server sorts and where a relation opens', () => {
    expect(isSortable('currency')).toBe(true);
    expect(isSortable('multi_select')).toBe(false);
    expect(relationPath('companies', 'c1')).toBe('/companies/c1');
    expect(relationPath('property', 'p1')).toBe('/objects/property/p1');
  });
});
