import { describe, expect, it } from 'vitest';
import { boundValue, filterInputs, recordFilter, type FilterField } from './record-filters';

const fields: FilterField[] = [
  { key: 'name', type: 'text', options: [] },
  { key: 'propertyType', type: 'select', options: ['house', 'flat'] },
  { key: 'features', type: 'multi_select', options: ['garden', 'garage'] },
  { key: 'furnished', type: 'boolean', options: [] },
  { key: 'bedrooms', type: 'number', options: [] },
  { key: 'price', type: 'currency', options: [] },
  { key: 'listedOn', type: 'date', options: [] },
  { key: 'address', type: 'address', options: [] },
];

describe('a custom object list’s filters', () => {
  it('writes the conditions set as the filter JSON the records list takes', () => {
    const filter = recordFilter(fields, {
      nameContains: ' Cottage ',
      propertyType: ['house', 'flat'],
      features: [],
      furnished: 'false',
      bedroomsFrom: '2',
      bedroomsTo: '',
      priceTo: '350000.50',
      listedOnFrom: '2026-01-01',
    });
    expect(JSON.parse(filter!)).toEqual({
      nameContains: 'Cottage',
      propertyType: ['house', 'flat'],
      furnished: false,
      bedroomsFrom: 2,
      priceTo: 35000050,
      listedOnFrom: '2026-01-01',
    });
  });

  it('sends no filter when nothing is set, and leaves out a bound that is not one', () => {
    expect(recordFilter(fields, {})).toBeUndefined();
    expect(recordFilter(fields, { nameContains: '  ', bedroomsFrom: 'two', priceFrom: '1.234', furnished: '' })).toBeUndefined();
  });

  it('opens a saved view’s filter back into the inputs', () => {
    const inputs = filterInputs(
      fields,
      JSON.stringify({
        nameContains: 'rose',
        name: 'Rose Cottage',
        propertyType: 'house',
        furnished: true,
        priceFrom: 5,
        listedOnTo: '2026-12-31',
        address: { city: 'Leeds' },
      }),
    );
    expect(inputs).toEqual({ nameContains: 'rose', propertyType: ['house'], furnished: 'true', priceFrom: '0.05', listedOnTo: '2026-12-31' });
    expect(JSON.parse(recordFilter(fields, inputs)!)).toEqual({
      nameContains: 'rose',
      propertyType: ['house'],
      furnished: true,
      priceFrom: 5,
      listedOnTo: '2026-12-31',
    });
    expect(filterInputs(fields, 'not json')).toEqual({});
  });
  it('reads a currency field’s bounds in the picked currency’s own decimals and keeps to amounts in that currency', () => {
    expect(JSON.parse(recordFilter(fields, { priceCurrency: 'JPY', priceFrom: '1500', priceTo: '2000' })!)).toEqual({
      price: { currency: 'JPY' },
      priceFrom: 1500,
      priceTo: 2000,
    });
    expect(JSON.parse(recordFilter(fields, { priceCurrency: 'KWD', priceFrom: '1.234' })!)).toEqual({ price: { currency: 'KWD' }, priceFrom: 1234 });
    // A yen has no decimals: 1500.50 is not an amount of it, and is left out (its input says so).
    expect(JSON.parse(recordFilter(fields, { priceCurrency: 'JPY', priceFrom: '1500.50' })!)).toEqual({ price: { currency: 'JPY' } });
    expect(boundValue('currency', '1500.50', 'JPY')).toBeNull();
    expect(boundValue('currency', '1500.50', 'EUR')).toBe(150050);
    // Without a currency the bounds span every currency, read with two decimals.
    expect(JSON.parse(recordFilter(fields, { priceCurrency: '', priceFrom: '1500.50' })!)).toEqual({ priceFrom: 150050 });
  });

  it('opens a saved view’s currency and bounds back in that currency’s decimals', () => {
    const inputs = filterInputs(fields, JSON.stringify({ price: { currency: 'JPY' }, priceFrom: 1500, priceTo: 2000 }));
    expect(inputs).toEqual({ priceCurrency: 'JPY', priceFrom: '1500', priceTo: '2000' });
    expect(filterInputs(fields, JSON.stringify({ price: { currency: 'KWD' }, priceTo: 1234 }))).toEqual({ priceCurrency: 'KWD', priceTo: '1.234' });
    // An equality on the whole value is not a currency filter: the inputs cannot hold it.
    expect(filterInputs(fields, JSON.stringify({ price: { currency: 'JPY', amount: 5 } }))).toEqual({});
  });
});
