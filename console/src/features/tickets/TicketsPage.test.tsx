import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../lib/api-error';
import { dayStart } from '../../lib/list-filters';
import { ticketsApi } from './tickets-api';
import { Component as TicketsPage } from './TicketsPage';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the tickets list', () => {
  it('shows the API’s issue about a day filter at its input, not above the rows', async () => {
    vi.spyOn(ticketsApi, 'list').mockRejectedValue(
      new ApiError(400, 'invalid_parameter', 'The request is not valid.', [{ field: 'createdAtFrom', issue: 'must not be after createdAtTo' }]),
    );
    const queryClient = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, retry: false } } });
    queryClient.setQueryData(['me'], { permissions: ['tickets:read'] });
    queryClient.setQueryData(['views', 'tickets'], []);
    queryClient.setQueryData(['users'], { data: [], nextCursor: null });
    const filters = { createdAtFrom: dayStart('2026-12-07'), createdAtTo: dayStart('2026-12-01') };
    render(
      <MantineProvider env="test">
        <QueryClientProvider client={queryClient}>
          <MemoryRouter initialEntries={[`/tickets?filters=${encodeURIComponent(JSON.stringify(filters))}`]}>
            <TicketsPage />
          </MemoryRouter>
        </QueryClientProvider>
      </MantineProvider>,
    );

    expect(await screen.findByText('must not be after createdAtTo', {}, { timeout: 10_000 })).toBeTruthy();
    expect(screen.getByLabelText('Created from').getAttribute('aria-invalid')).toBe('true');
    expect(screen.queryByRole('alert')).toBeNull();
  }, 20_000);
});
