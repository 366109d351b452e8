import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../../lib/api';
import { RecordsBulkActions } from './RecordsBulkActions';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('RecordsBulkActions', () => {
  it('deletes the selected records in one bulk request of their object, keeping the ones not found selected', async () => {
    const results = [
      { id: 'r1', status: 'ok', message: null },
      { id: 'r2', status: 'not_found', message: 'Record not found.' },
    ];
    const post = vi
      .spyOn(api, 'POST')
      .mockResolvedValue({ data: { results, succeeded: 1, failed: 1 }, error: undefined, response: new Response(null, { status: 200 }) } as never);
    const clear = vi.fn();
    render(
      <MantineProvider>
        <Notifications />
        <QueryClientProvider client={new QueryClient()}>
          <RecordsBulkActions object="property" selected={['r1', 'r2']} clear={clear} />
        </QueryClientProvider>
      </MantineProvider>,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Delete selected' }));
    expect(await screen.findByText('1 of 2 failed and stay selected: Record not found.')).toBeTruthy();
    expect(post).toHaveBeenCalledTimes(1);
    expect(post).toHaveBeenCalledWith('/api/v1/objects/{object}/records/bulk', {
      params: { path: { object: 'property' } },
      body: { action: 'delete', ids: ['r1', 'r2'] },
    });
    await waitFor(() => expect(clear).toHaveBeenCalledWith(['r2']));
  });
});
