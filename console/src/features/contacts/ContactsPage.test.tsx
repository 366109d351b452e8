import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../lib/api-error';
import { contactsApi } from './contacts-api';
import { Component as ContactsPage } from './ContactsPage';

const SEATS = { id: 'id-seats', entity: 'contact', key: 'seats', label: 'Seats', type: 'number', options: [], createdAt: '', updatedAt: '', deletedAt: null };

afterEach(() => {
  vi.restoreAllMocks();
});

/** The contacts list opened from a link with these filters, no saved views and the workspace's custom fields cached. */
function renderPage(filters: Record<string, unknown>) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, retry: false } } });
  queryClient.setQueryData(['me'], { permissions: ['contacts:read', 'custom-fields:read'] });
  queryClient.setQueryData(['views', 'contacts'], []);
  queryClient.setQueryData(['custom-fields', 'contact'], { data: [SEATS], nextCursor: null });
  queryClient.setQueryData(['users'], { data: [], nextCursor: null });
  render(
    <MantineProvider env="test">
      <QueryClientProvider client={queryClient}>
        <MemoryRouter initialEntries={[`/contacts?filters=${encodeURIComponent(JSON.stringify(filters))}`]}>
          <ContactsPage />
        </MemoryRouter>
      </QueryClientProvider>
    </MantineProvider>,
  );
}

describe('the contacts list', () => {
  it('shows the API’s issue about a custom field’s bounds at that field’s input, not above the rows', async () => {
    const list = vi
      .spyOn(contactsApi, 'list')
      .mockRejectedValue(
        new ApiError(422, 'validation_failed', 'The request is not valid.', [{ field: 'customFields.seats', issue: 'from must not be after to' }]),
      );
    renderPage({ customFields: { seats: { from: 10, to: 1 } } });

    expect(await screen.findByText('from must not be after to', {}, { timeout: 10_000 })).toBeTruthy();
    expect(list).toHaveBeenCalledWith(expect.objectContaining({ customFields: { seats: { from: 10, to: 1 } } }));
    expect(screen.getByLabelText('Seats from').getAttribute('aria-invalid')).toBe('true');
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.queryByText('The request is not valid.')).toBeNull();
  }, 20_000);

  it('says above the rows, with its parameter, an issue about a custom field that has no input (deleted since the link was made)', async () => {
    vi.spyOn(contactsApi, 'list').mockRejectedValue(
      new ApiError(422, 'validation_failed', 'The request is not valid.', [{ field: 'customFields.tier', issue: 'is not a custom field of contact records' }]),
    );
    renderPage({ customFields: { tier: 'gold' } });

    const alert = await screen.findByRole('alert', {}, { timeout: 10_000 });
    expect(alert.textContent).toContain('The request is not valid.');
    expect(alert.textContent).toContain('customFields.tier: is not a custom field of contact records');
  }, 20_000);
});
