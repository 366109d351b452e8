import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../lib/api-error';
import { campaignsApi } from './campaigns-api';
import { Component as SegmentsPage } from './SegmentsPage';

const SEATS = { id: 'id-seats', entity: 'contact', key: 'seats', label: 'Seats', type: 'number', options: [], createdAt: '', updatedAt: '', deletedAt: null };

afterEach(() => {
  vi.restoreAllMocks();
});

/** The page with the caller's permissions, no segments and the workspace's custom fields cached: the API is asked nothing else. */
function renderPage() {
  const queryClient = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, enabled: false } } });
  queryClient.setQueryData(['me'], { permissions: ['segments:write'] });
  queryClient.setQueryData(['segments'], { data: [], nextCursor: null });
  queryClient.setQueryData(['custom-fields', 'contact'], { data: [SEATS], nextCursor: null });
  render(
    <MantineProvider env="test">
      <QueryClientProvider client={queryClient}>
        <MemoryRouter>
          <SegmentsPage />
        </MemoryRouter>
      </QueryClientProvider>
    </MantineProvider>,
  );
}

describe('the segment editor', () => {
  it('sends a custom field’s bounds and shows the API’s issue about them at that field, not above the form', async () => {
    const refusal = new ApiError(422, 'validation_failed', 'The request is not valid.', [
      { field: 'filter.customFields.seats', issue: 'from must not be after to' },
    ]);
    const create = vi.spyOn(campaignsApi, 'createSegment').mockRejectedValue(refusal);
    renderPage();
    await userEvent.click(screen.getByRole('button', { name: 'New segment' }));
    await userEvent.type(screen.getByLabelText(/^Name/), 'Big');
    await userEvent.type(screen.getByLabelText('Seats from'), '10');
    await userEvent.type(screen.getByLabelText('Seats to'), '1');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));

    expect(await screen.findByText('from must not be after to')).toBeTruthy();
    expect(create).toHaveBeenCalledWith(
      expect.objectContaining({ name: 'Big', kind: 'dynamic', filter: expect.objectContaining({ customFields: { seats: { from: 10, to: 1 } } }) }),
    );
    expect(screen.getByLabelText('Seats from').getAttribute('aria-invalid')).toBe('true');
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.queryByText('The request is not valid.')).toBeNull();
    // The whole segment form renders at every key typed: slow on a loaded machine.
  }, 20_000);
});
