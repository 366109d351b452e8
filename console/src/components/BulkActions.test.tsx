import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../lib/api';
import { fetchBlob, saveBlob } from '../lib/files';
import { EXPORT_SELECTION_MAX, RecordBulkActions, type BulkSend } from './BulkActions';

vi.mock('../lib/files', () => ({ fetchBlob: vi.fn(async () => new Blob(['id\n'])), saveBlob: vi.fn() }));

afterEach(() => {
  vi.restoreAllMocks();
  vi.mocked(saveBlob).mockClear();
});

function renderActions(remove: BulkSend, ids: string[], exportEntity?: 'deals') {
  const clear = vi.fn();
  const queryClient = new QueryClient();
  const invalidate = vi.spyOn(queryClient, 'invalidateQueries');
  render(
    <MantineProvider>
      <Notifications />
      <QueryClientProvider client={queryClient}>
        <RecordBulkActions
          selected={ids}
          clear={clear}
          list="deals"
          owner={{ title: 'Change the owner', set: vi.fn() }}
          remove={remove}
          exportEntity={exportEntity}
        />
      </QueryClientProvider>
    </MantineProvider>,
  );
  return { clear, invalidate };
}

describe('RecordBulkActions', () => {
  it('deletes through bulk requests of 100 records, names the first refusal and keeps the refused rows selected', async () => {
    const remove = vi.fn(async (ids: string[]) => ({
      results: ids.map((id) =>
        id === 'd7'
          ? { id, status: 'forbidden' as const, message: 'Members may change only the records they own.' }
          : { id, status: 'ok' as const, message: null },
      ),
      succeeded: ids.filter((id) => id !== 'd7').length,
      failed: ids.includes('d7') ? 1 : 0,
    }));
    const ids = Array.from({ length: 250 }, (_, index) => `d${index}`);
    const { clear, invalidate } = renderActions(remove, ids);

    await userEvent.click(screen.getByRole('button', { name: 'Delete selected' }));
    expect(await screen.findByText('1 of 250 failed and stay selected: Members may change only the records they own.')).toBeTruthy();
    expect(remove.mock.calls.map(([chunk]) => chunk.length)).toEqual([100, 100, 50]);
    expect(remove.mock.calls.flatMap(([chunk]) => chunk)).toEqual(ids);
    await waitFor(() => expect(clear).toHaveBeenCalledWith(['d7']));
    expect(invalidate).toHaveBeenCalledWith({ queryKey: ['deals'] });
  });

  it('fails every record of a request refused as a whole', async () => {
    const remove = vi.fn(async () => {
      throw new Error('This needs the permission deals:write.');
    });
    const { clear } = renderActions(remove, ['d1', 'd2']);
    await userEvent.click(screen.getByRole('button', { name: 'Delete selected' }));
    expect(await screen.findByText('2 of 2 failed and stay selected: This needs the permission deals:write.')).toBeTruthy();
    await waitFor(() => expect(clear).toHaveBeenCalledWith(['d1', 'd2']));
  });

  it('offers tags only for records that have them', () => {
    renderActions(vi.fn(), ['d1']);
    expect(screen.queryByRole('button', { name: 'Add tags' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Change owner' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Export selected' })).toBeNull();
  });

  it('exports the selected records by their ids and downloads the file', async () => {
    const ok = (data: unknown) => ({ data, error: undefined, response: new Response(null, { status: 200 }) });
    const post = vi.spyOn(api, 'POST').mockResolvedValue(ok({ id: 'e1', status: 'queued' }) as never);
    vi.spyOn(api, 'GET').mockResolvedValue(ok({ id: 'e1', status: 'completed', totalRows: 2, fileName: 'deals-20261207-044000.csv', error: null }) as never);
    renderActions(vi.fn(), ['d1', 'd2'], 'deals');

    await userEvent.click(screen.getByRole('button', { name: 'Export selected' }));
    expect(await screen.findByText('2 rows exported')).toBeTruthy();
    expect(post).toHaveBeenCalledWith('/api/v1/exports', { body: { entity: 'deals', object: undefined, filter: { id: ['d1', 'd2'] }, format: 'csv' } });
    expect(fetchBlob).toHaveBeenCalledWith('/api/v1/exports/e1');
    expect(saveBlob).toHaveBeenCalledWith(expect.any(Blob), 'deals-20261207-044000.csv');
  });

  it('exports a selection larger than a bulk request in one export of all its ids', async () => {
    const ok = (data: unknown) => ({ data, error: undefined, response: new Response(null, { status: 200 }) });
    const post = vi.spyOn(api, 'POST').mockResolvedValue(ok({ id: 'e2', status: 'queued' }) as never);
    vi.spyOn(api, 'GET').mockResolvedValue(ok({ id: 'e2', status: 'completed', totalRows: 250, fileName: 'deals-20261207-044000.csv', error: null }) as never);
    const ids = Array.from({ length: 250 }, (_, index) => `d${index}`);
    renderActions(vi.fn(), ids, 'deals');

    await userEvent.click(screen.getByRole('button', { name: 'Export selected' }));
    expect(await screen.findByText('250 rows exported')).toBeTruthy();
    expect(post).toHaveBeenCalledTimes(1);
    expect(post).toHaveBeenCalledWith('/api/v1/exports', { body: { entity: 'deals', object: undefined, filter: { id: ids }, format: 'csv' } });
  });

  it('starts no export of more records than the API takes, and says why', async () => {
    const post = vi.spyOn(api, 'POST');
    renderActions(
      vi.fn(),
      Array.from({ length: EXPORT_SELECTION_MAX + 1 }, (_, index) => `d${index}`),
      'deals',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Export selected' }));
    expect(await screen.findByText('Export selected takes at most 10,000 records; Export CSV exports the whole filtered list.')).toBeTruthy();
    expect(post).not.toHaveBeenCalled();
  });
});
