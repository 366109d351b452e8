import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../../lib/api';
import { fetchBlob, saveBlob } from '../../lib/files';
import { RecordsBulkActions } from './RecordsBulkActions';

vi.mock('../../lib/files', () => ({ fetchBlob: vi.fn(async () => new Blob(['id\n'])), saveBlob: vi.fn() }));

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
          <RecordsBulkActions object="property" selected={['r1', 'r2']} clear={clear} canExport={false} />
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

  it('exports the selected records of their object by their ids and downloads the file, for a caller who may export', async () => {
    const ok = (data: unknown) => ({ data, error: undefined, response: new Response(null, { status: 200 }) });
    const post = vi.spyOn(api, 'POST').mockResolvedValue(ok({ id: 'e1', status: 'queued' }) as never);
    vi.spyOn(api, 'GET').mockResolvedValue(ok({ id: 'e1', status: 'completed', totalRows: 2, fileName: 'property-20261207-130000.csv', error: null }) as never);
    const view = render(
      <MantineProvider>
        <Notifications />
        <QueryClientProvider client={new QueryClient()}>
          <RecordsBulkActions object="property" selected={['r1', 'r2']} clear={vi.fn()} canExport />
        </QueryClientProvider>
      </MantineProvider>,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Export selected' }));
    expect(await screen.findByText('2 rows exported')).toBeTruthy();
    expect(post).toHaveBeenCalledWith('/api/v1/exports', { body: { entity: 'records', object: 'property', filter: { id: ['r1', 'r2'] }, format: 'csv' } });
    expect(fetchBlob).toHaveBeenCalledWith('/api/v1/exports/e1');
    expect(saveBlob).toHaveBeenCalledWith(expect.any(Blob), 'property-20261207-130000.csv');

    // Without exports:write there is nothing to export with.
    view.rerender(
      <MantineProvider>
        <QueryClientProvider client={new QueryClient()}>
          <RecordsBulkActions object="property" selected={['r1', 'r2']} clear={vi.fn()} canExport={false} />
        </QueryClientProvider>
      </MantineProvider>,
    );
    expect(screen.queryByRole('button', { name: 'Export selected' })).toBeNull();
  });
});
