import { describe, expect, it } from 'vitest';
import { filterInputs, recordFilter, type FilterField } from './record-filters';

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
});
