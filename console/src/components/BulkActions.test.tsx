import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { RecordBulkActions } from './BulkActions';

function renderActions(remove: (id: string) => Promise<unknown>, ids: string[]) {
  const clear = vi.fn();
  const queryClient = new QueryClient();
  const invalidate = vi.spyOn(queryClient, 'invalidateQueries');
  render(
    <MantineProvider>
      <Notifications />
      <QueryClientProvider client={queryClient}>
        <RecordBulkActions selected={ids} clear={clear} list="deals" ownerTitle="Change the owner" setOwner={vi.fn()} remove={remove} />
      </QueryClientProvider>
    </MantineProvider>,
  );
  return { clear, invalidate };
}

describe('RecordBulkActions', () => {
  it('deletes each selected record, a few at a time, and names the first refusal', async () => {
    let inFlight = 0;
    let mostInFlight = 0;
    const remove = vi.fn(async (id: string) => {
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      if (id === 'd7') throw new Error('Members change only their own deals.');
    });
    const ids = Array.from({ length: 20 }, (_, index) => `d${index}`);
    const { clear, invalidate } = renderActions(remove, ids);

    await userEvent.click(screen.getByRole('button', { name: 'Delete selected' }));
    expect(await screen.findByText('1 failed: Members change only their own deals.')).toBeTruthy();
    expect(remove.mock.calls.map(([id]) => id).sort()).toEqual([...ids].sort());
    expect(mostInFlight).toBeGreaterThan(1);
    expect(mostInFlight).toBeLessThanOrEqual(6);
    await waitFor(() => expect(clear).toHaveBeenCalled());
    expect(invalidate).toHaveBeenCalledWith({ queryKey: ['deals'] });
  });

  it('offers tags only for records that have them', () => {
    renderActions(vi.fn(), ['d1']);
    expect(screen.queryByRole('button', { name: 'Add tags' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Change owner' })).toBeTruthy();
  });
});
