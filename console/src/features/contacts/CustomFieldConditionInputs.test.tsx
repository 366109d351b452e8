import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState, type ReactNode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import type { CustomField } from '../../lib/custom-fields';
import type { CustomFieldConditions } from './contacts-api';
import { CustomFieldConditionInputs } from './CustomFieldConditionInputs';

const field = (key: string, label: string, type: CustomField['type'], options: string[] = []): CustomField =>
  ({ id: `id-${key}`, entity: 'contact', key, label, type, options, createdAt: '', updatedAt: '', deletedAt: null }) as CustomField;
const FIELDS = [
  field('notes', 'Notes', 'text'),
  field('seats', 'Seats', 'number'),
  field('renewal', 'Renewal', 'date'),
  field('plan', 'Plan', 'select', ['free', 'pro']),
];

/** The inputs holding their conditions as a filter would, the workspace's fields cached: the API is asked nothing. */
function renderInputs(initial: CustomFieldConditions = {}, errors?: Record<string, ReactNode>) {
  const changes = vi.fn();
  function Harness() {
    const [value, setValue] = useState(initial);
    return (
      <CustomFieldConditionInputs
        value={value}
        onChange={(next) => {
          changes(next);
          setValue(next);
        }}
        errors={errors}
      />
    );
  }
  const queryClient = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, enabled: false } } });
  queryClient.setQueryData(['custom-fields', 'contact'], { data: FIELDS, nextCursor: null });
  render(
    <MantineProvider env="test">
      <QueryClientProvider client={queryClient}>
        <Harness />
      </QueryClientProvider>
    </MantineProvider>,
  );
  return { last: () => changes.mock.calls.at(-1)?.[0] as CustomFieldConditions | undefined };
}

describe('CustomFieldConditionInputs', () => {
  it('offers contains for a text field, or is when picked, and drops the condition when the text is emptied', async () => {
    const { last } = renderInputs();
    await userEvent.type(screen.getByLabelText('Notes contains'), 'gol');
    expect(last()).toEqual({ notes: { contains: 'gol' } });
    await userEvent.click(screen.getByRole('combobox', { name: 'Notes: compare' }));
    await userEvent.click(screen.getByRole('option', { name: 'is' }));
    expect(last()).toEqual({ notes: 'gol' });
    await userEvent.clear(screen.getByLabelText('Notes is'));
    expect(last()).toEqual({});
    expect(screen.getByLabelText('Notes is')).toBeTruthy();
  });

  it('takes a number’s and a day’s from and to, either alone', async () => {
    const { last } = renderInputs();
    await userEvent.type(screen.getByLabelText('Seats from'), '5');
    expect(last()).toEqual({ seats: { from: 5 } });
    await userEvent.type(screen.getByLabelText('Seats to'), '20');
    expect(last()).toEqual({ seats: { from: 5, to: 20 } });
    await userEvent.clear(screen.getByLabelText('Seats from'));
    expect(last()).toEqual({ seats: { to: 20 } });
    await userEvent.type(screen.getByLabelText('Renewal from'), '2027-01-01');
    expect(last()).toEqual({ seats: { to: 20 }, renewal: { from: '2027-01-01' } });
  });

  it('opens a saved condition of each kind in its inputs', () => {
    renderInputs({ notes: { contains: 'key' }, seats: 3, renewal: { to: '2027-06-30' }, plan: 'pro' });
    expect((screen.getByLabelText('Notes contains') as HTMLInputElement).value).toBe('key');
    // A number saved as a value is the range of that one number.
    expect((screen.getByLabelText('Seats from') as HTMLInputElement).value).toBe('3');
    expect((screen.getByLabelText('Seats to') as HTMLInputElement).value).toBe('3');
    expect((screen.getByLabelText('Renewal from') as HTMLInputElement).value).toBe('');
    expect((screen.getByLabelText('Renewal to') as HTMLInputElement).value).toBe('2027-06-30');
    expect((screen.getByRole('combobox', { name: 'Plan' }) as HTMLInputElement).value).toBe('pro');
  });

  it('shows the API’s issue about a field at that field’s inputs', () => {
    renderInputs({ seats: { from: 9, to: 1 } }, { seats: 'from must not be after to' });
    expect(screen.getByText('from must not be after to')).toBeTruthy();
    expect(screen.getByLabelText('Seats from').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByLabelText('Seats to').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByLabelText('Notes contains').getAttribute('aria-invalid')).not.toBe('true');
  });
});
