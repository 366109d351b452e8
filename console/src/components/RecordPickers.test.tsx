import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactElement } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { CompanyPicker, ContactPicker, MemberFilterSelect } from './RecordPickers';

const ADA = { id: '0b6a1c36-5f1e-4d7e-9a59-0d3f1b8a1c01', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' };
const GRACE = { id: '0b6a1c36-5f1e-4d7e-9a59-0d3f1b8a1c02', firstName: 'Grace', lastName: 'Hopper', email: null };
const ACME = { id: '0b6a1c36-5f1e-4d7e-9a59-0d3f1b8a1c03', name: 'Acme' };
const GLOBEX = { id: '0b6a1c36-5f1e-4d7e-9a59-0d3f1b8a1c04', name: 'Globex' };
const RITA = { id: '0b6a1c36-5f1e-4d7e-9a59-0d3f1b8a1c05', name: 'Rita Rep', email: 'rita@example.com', status: 'active' };
const MEMBERS = { data: [RITA], nextCursor: null };

/** Renders with the chosen records and the empty search's answer cached and fresh: the API is asked nothing. */
function renderCached(element: ReactElement, cached: Array<[unknown[], unknown]>) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, enabled: false } } });
  for (const [key, data] of cached) queryClient.setQueryData(key, data);
  render(
    // The test environment: no transitions, so the options are there as soon as the list opens.
    <MantineProvider env="test">
      <QueryClientProvider client={queryClient}>{element}</QueryClientProvider>
    </MantineProvider>,
  );
}

describe('ContactPicker', () => {
  it('offers the contacts the search found and gives the one picked', async () => {
    const onChange = vi.fn();
    renderCached(<ContactPicker label="Contact" value="" onChange={onChange} />, [[['contacts', 'pick', ''], { data: [ADA, GRACE], nextCursor: null }]]);
    await userEvent.click(screen.getByRole('combobox', { name: 'Contact' }));
    expect(screen.getAllByRole('option').map((option) => option.textContent)).toEqual(['Ada Lovelace', 'Grace Hopper']);
    await userEvent.click(screen.getByRole('option', { name: 'Grace Hopper' }));
    expect(onChange).toHaveBeenCalledWith(GRACE.id);
  });

  it('names the contact chosen (a saved view’s id) and offers it first', async () => {
    renderCached(<ContactPicker label="Contact" value={GRACE.id} onChange={vi.fn()} />, [
      [['contacts', 'named', [GRACE.id]], [GRACE]],
      // The field's search is the chosen one's name.
      [['contacts', 'pick', 'Grace Hopper'], { data: [ADA, GRACE], nextCursor: null }],
    ]);
    const field = screen.getByRole('combobox', { name: 'Contact' });
    expect((field as HTMLInputElement).value).toBe('Grace Hopper');
    await userEvent.click(field);
    expect(screen.getAllByRole('option').map((option) => option.textContent)).toEqual(['Grace Hopper', 'Ada Lovelace']);
  });
});

describe('CompanyPicker', () => {
  it('names the companies chosen and adds one the search found', async () => {
    const onChange = vi.fn();
    renderCached(<CompanyPicker label="Company" value={[ACME.id]} onChange={onChange} />, [
      [['companies', 'named', [ACME.id]], [ACME]],
      [['companies', 'pick', ''], { data: [ACME, GLOBEX], nextCursor: null }],
    ]);
    expect(screen.getByText('Acme', { selector: '.mantine-Pill-label' })).toBeTruthy();
    await userEvent.click(screen.getByRole('combobox', { name: 'Company' }));
    await userEvent.click(screen.getByRole('option', { name: 'Globex' }));
    expect(onChange).toHaveBeenCalledWith([ACME.id, GLOBEX.id]);
  });
});

describe('MemberFilterSelect', () => {
  it('offers Me, then the workspace’s members, under its visible label', async () => {
    const onChange = vi.fn();
    renderCached(<MemberFilterSelect label="Assignee" meLabel="Me" value="" onChange={onChange} />, [[['users'], MEMBERS]]);
    await userEvent.click(screen.getByRole('combobox', { name: 'Assignee' }));
    expect(screen.getAllByRole('option').map((option) => option.textContent)).toEqual(['Me', 'Rita Rep']);
    await userEvent.click(screen.getByRole('option', { name: 'Me' }));
    expect(onChange).toHaveBeenCalledWith('me');
  });

  it('shows the member chosen by name, and clearing it means anyone', async () => {
    const onChange = vi.fn();
    renderCached(<MemberFilterSelect label="Assignee" meLabel="Me" value={RITA.id} onChange={onChange} />, [[['users'], MEMBERS]]);
    expect((screen.getByRole('combobox', { name: 'Assignee' }) as HTMLInputElement).value).toBe('Rita Rep');
    await userEvent.click(screen.getByRole('button', { hidden: true }));
    expect(onChange).toHaveBeenCalledWith('');
  });
});
