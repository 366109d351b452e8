import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../../lib/api';
import { TicketsBulkActions } from './TicketsBulkActions';

afterEach(() => {
  vi.restoreAllMocks();
});

/** POST /tickets/bulk answering ok for every id but `refused`. */
function bulkEndpoint(refused?: string) {
  return vi.spyOn(api, 'POST').mockImplementation((async (_path: string, { body }: { body: { ids: string[] } }) => {
    const results = body.ids.map((id) =>
      id === refused
        ? { id, status: 'forbidden', message: 'Members may change only the tickets assigned to them or opened by them.' }
        : { id, status: 'ok', message: null },
    );
    const succeeded = results.filter((result) => result.status === 'ok').length;
    return { data: { results, succeeded, failed: results.length - succeeded }, error: undefined, response: new Response(null, { status: 200 }) };
  }) as never);
}

function renderActions(selected: string[]) {
  const clear = vi.fn();
  render(
    <MantineProvider>
      <Notifications />
      <QueryClientProvider client={new QueryClient()}>
        <TicketsBulkActions selected={selected} clear={clear} />
      </QueryClientProvider>
    </MantineProvider>,
  );
  return clear;
}

describe('TicketsBulkActions', () => {
  it('deletes the selected tickets in one bulk request', async () => {
    const post = bulkEndpoint();
    const clear = renderActions(['t1', 't2', 't3']);
    await userEvent.click(screen.getByRole('button', { name: 'Delete selected' }));
    expect(await screen.findByText('Done for 3')).toBeTruthy();
    expect(post).toHaveBeenCalledTimes(1);
    expect(post).toHaveBeenCalledWith('/api/v1/tickets/bulk', { body: { action: 'delete', ids: ['t1', 't2', 't3'] } });
    await waitFor(() => expect(clear).toHaveBeenCalledWith([]));
  });

  it('sets the status chosen in its dialog, keeping the refused tickets selected', async () => {
    const post = bulkEndpoint('t2');
    const clear = renderActions(['t1', 't2']);
    await userEvent.click(screen.getByRole('button', { name: 'Status' }));
    await userEvent.click(await screen.findByRole('combobox', { name: 'Status' }));
    await userEvent.click(await screen.findByRole('option', { name: 'pending', hidden: true }));
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('1 of 2 failed and stay selected: Members may change only the tickets assigned to them or opened by them.')).toBeTruthy();
    expect(post).toHaveBeenCalledWith('/api/v1/tickets/bulk', { body: { action: 'status', ids: ['t1', 't2'], status: 'pending' } });
    await waitFor(() => expect(clear).toHaveBeenCalledWith(['t2']));
  });
});
