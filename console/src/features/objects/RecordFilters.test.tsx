import { MantineProvider } from '@mantine/core';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import type { ObjectType } from './objects-api';
import { recordFilter, type FilterInputs } from './record-filters';
import { RecordFilters } from './RecordFilters';

const listing = { key: 'listing', fields: [{ key: 'price', label: 'Price', type: 'currency', options: [] }] } as unknown as ObjectType;

/** The filters as the records page holds them, with the filter JSON they make shown. */
function Filters() {
  const [inputs, setInputs] = useState<FilterInputs>({});
  return (
    <MantineProvider>
      <RecordFilters type={listing} inputs={inputs} onChange={setInputs} />
      <output>{recordFilter(listing.fields, inputs) ?? ''}</output>
    </MantineProvider>
  );
}

describe('RecordFilters', () => {
  // A popover, a select of ~300 currencies opened once: about 4 s in jsdom on 2 busy cores.
  it('asks a currency field’s currency and reads its bounds in that currency’s decimals', async () => {
    render(<Filters />);
    await userEvent.click(screen.getByRole('button', { name: 'Filters' }));
    // Until a currency is picked, the bounds span every currency, read with two decimals.
    const currency = await screen.findByPlaceholderText('Any currency (amounts read with two decimals)');
    expect(currency.id).toBe(screen.getByText('Price currency').getAttribute('for'));
    // Pasted rather than typed key by key: each keystroke renders the popover with its ~300 currencies again.
    await userEvent.click(screen.getByLabelText('Price from'));
    await userEvent.paste('1500.50');
    expect(screen.getByRole('status').textContent).toBe('{"priceFrom":150050}');

    await userEvent.click(currency);
    await userEvent.click(await screen.findByText('JPY'));
    expect(await screen.findByText('Not an amount in JPY')).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe('{"price":{"currency":"JPY"}}');

    await userEvent.clear(screen.getByLabelText('Price from'));
    await userEvent.paste('1500');
    expect(screen.queryByText('Not an amount in JPY')).toBeNull();
    expect(screen.getByRole('status').textContent).toBe('{"price":{"currency":"JPY"},"priceFrom":1500}');
  }, 15_000);
});
