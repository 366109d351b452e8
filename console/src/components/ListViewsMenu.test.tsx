import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { View } from '../lib/list-views';
import { ListViewsMenu } from './ListViewsMenu';

const ME = '0b6a1c36-5f1e-4d7e-9a59-0d3f1b8a1c01';
const GRACE = '0b6a1c36-5f1e-4d7e-9a59-0d3f1b8a1c02';

function view(id: string, name: string, userId: string, shared: boolean): View {
  return { id, name, entity: 'contacts', columns: [], filters: {}, sort: null, isDefault: false, shared, userId, createdAt: '', updatedAt: '' } as View;
}

describe('ListViewsMenu', () => {
  it('names the colleague who shared a view', async () => {
    // Cached and fresh: the menu asks the API for nothing.
    const queryClient = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, enabled: false } } });
    queryClient.setQueryData(['me'], { id: ME, permissions: [] });
    queryClient.setQueryData(['users'], { data: [{ id: GRACE, name: 'Grace Hopper', email: 'grace@example.com', status: 'active' }], nextCursor: null });
    render(
      <MantineProvider>
        <QueryClientProvider client={queryClient}>
          <ListViewsMenu
            entity="contacts"
            views={[view('v1', 'Mine', ME, false), view('v2', 'Hot leads', GRACE, true)]}
            active={null}
            current={() => ({ columns: [], filters: {}, sort: null })}
            open={vi.fn()}
          />
        </QueryClientProvider>
      </MantineProvider>,
    );
    await userEvent.click(screen.getByRole('button', { name: 'View: Standard view' }));
    expect(await screen.findByRole('menuitem', { name: 'Hot leads · by Grace Hopper' })).toBeTruthy();
  });

  it('offers to open a colleague’s shared view first, a choice of the user’s own', async () => {
    const queryClient = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, enabled: false } } });
    queryClient.setQueryData(['me'], { id: ME, permissions: [] });
    const shared = view('v2', 'Hot leads', GRACE, true);
    render(
      <MantineProvider>
        <QueryClientProvider client={queryClient}>
          <ListViewsMenu entity="contacts" views={[shared]} active={shared} current={() => ({ columns: [], filters: {}, sort: null })} open={vi.fn()} />
        </QueryClientProvider>
      </MantineProvider>,
    );
    await userEvent.click(screen.getByRole('button', { name: 'View: Hot leads' }));
    expect(await screen.findByRole('menuitem', { name: 'Open this view first' })).toBeTruthy();
    expect(screen.queryByRole('menuitem', { name: 'Rename this view…' })).toBeNull();
  });
});
