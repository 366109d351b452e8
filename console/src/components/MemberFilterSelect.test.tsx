import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { MemberFilterSelect } from './MemberFilterSelect';

const GRACE = '0b6a1c36-5f1e-4d7e-9a59-0d3f1b8a1c02';

function renderSelect(value: string, onChange = vi.fn()) {
  // Cached and fresh: the select asks the API for nothing.
  const queryClient = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, enabled: false } } });
  queryClient.setQueryData(['users'], { data: [{ id: GRACE, name: 'Grace Hopper', email: 'grace@example.com', status: 'active' }], nextCursor: null });
  render(
    // The test environment: no transitions, so the options are there as soon as the list opens.
    <MantineProvider env="test">
      <QueryClientProvider client={queryClient}>
        <MemberFilterSelect label="Assignee" meLabel="Me" value={value} onChange={onChange} />
      </QueryClientProvider>
    </MantineProvider>,
  );
  return onChange;
}

describe('MemberFilterSelect', () => {
  it('offers Me, then the workspace’s members, under its visible label', async () => {
    const onChange = renderSelect('');
    await userEvent.click(screen.getByRole('combobox', { name: 'Assignee' }));
    expect(screen.getAllByRole('option').map((option) => option.textContent)).toEqual(['Me', 'Grace Hopper']);
    await userEvent.click(screen.getByRole('option', { name: 'Me' }));
    expect(onChange).toHaveBeenCalledWith('me');
  });

  it('shows the member chosen by name, and clearing it means anyone', async () => {
    const onChange = renderSelect(GRACE);
    expect((screen.getByRole('combobox', { name: 'Assignee' }) as HTMLInputElement).value).toBe('Grace Hopper');
    await userEvent.click(screen.getByRole('button', { hidden: true }));
    expect(onChange).toHaveBeenCalledWith('');
  });
});
