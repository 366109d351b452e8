import { MantineProvider, TextInput } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, useLocation } from 'react-router';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../lib/api-error';
import { RecordList, ROW_HEIGHT, type ListRequest, type RecordColumn } from './RecordList';

interface Person {
  id: string;
  name: string;
}

const emailColumn: RecordColumn<Person> = { id: 'email', header: 'Email', cell: (person) => `${person.id}@example.com` };

const TOTAL = 300;
const VIEWPORT_HEIGHT = 400;

/** A server of TOTAL people, answered in the cursor pages the API sends. */
async function fetchPeople({ cursor, limit }: ListRequest) {
  const from = Number(cursor ?? 0);
  const data = Array.from({ length: Math.min(limit, TOTAL - from) }, (_, offset) => ({ id: `p${from + offset}`, name: `Person ${from + offset}` }));
  return { data, nextCursor: from + limit < TOTAL ? String(from + limit) : null };
}

/** The URL's query as the router has it, for the tests that read what the list keeps there. */
function LocationSearch() {
  return <output aria-label="URL query">{useLocation().search}</output>;
}

function renderList(overrides: { onOpen?: (row: Person) => void; bulkActions?: (selected: string[]) => string; url?: string } = {}) {
  const fetchPage = vi.fn(fetchPeople);
  const cell = vi.fn((person: Person) => person.name);
  const columns: Array<RecordColumn<Person>> = [{ id: 'name', header: 'Name', cell }, emailColumn];
  const { bulkActions } = overrides;
  const view = render(
    <MantineProvider>
      <MemoryRouter initialEntries={[overrides.url ?? '/']}>
        <LocationSearch />
        <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
          <RecordList<Person>
            name="people"
            searchLabel="Search people"
            columns={columns}
            fetchPage={fetchPage}
            onOpen={overrides.onOpen}
            bulkActions={bulkActions && ((selected) => <span>{bulkActions(selected)}</span>)}
          />
        </QueryClientProvider>
      </MemoryRouter>
    </MantineProvider>,
  );
  const scroller = () => view.container.querySelector<HTMLElement>('tr[data-index]')!.closest('table')!.parentElement!;
  const scrollTo = (top: number) => {
    scroller().scrollTop = top;
    fireEvent.scroll(scroller());
  };
  const shownIndexes = () => [...view.container.querySelectorAll<HTMLElement>('tr[data-index]')].map((row) => Number(row.dataset.index));
  return { fetchPage, cell, scrollTo, shownIndexes };
}

describe('RecordList', () => {
  // jsdom lays nothing out: the scroller answers the height a browser would give it (jsdom's own,
  // always 0, lives on Element.prototype and is back once this one is deleted).
  beforeAll(() => Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => VIEWPORT_HEIGHT }));
  afterAll(() => Reflect.deleteProperty(HTMLElement.prototype, 'clientHeight'));

  it('renders only the rows around the view, and asks for the next page before the loaded rows run out', async () => {
    const { fetchPage, scrollTo, shownIndexes } = renderList();
    expect(await screen.findByText('Person 0')).toBeTruthy();
    expect(shownIndexes().length).toBeLessThan(40);
    expect(fetchPage).toHaveBeenCalledTimes(1);

    // Half a page before the end of the first 100 rows, the second page is asked for.
    scrollTo(45 * ROW_HEIGHT);
    await waitFor(() => expect(fetchPage).toHaveBeenCalledTimes(2));
    expect(fetchPage).toHaveBeenLastCalledWith(expect.objectContaining({ cursor: '100' }));
    scrollTo(190 * ROW_HEIGHT);
    expect(await screen.findByText('Person 195')).toBeTruthy();
    expect(Math.min(...shownIndexes())).toBeGreaterThan(150);
  });

  it('does not render a row again while it stays in view', async () => {
    const { cell, scrollTo } = renderList();
    expect(await screen.findByText('Person 0')).toBeTruthy();
    cell.mockClear();
    // One row's height: one row enters the rendered window, the others keep what they showed.
    scrollTo(ROW_HEIGHT);
    await waitFor(() => expect(cell).toHaveBeenCalled());
    expect(cell.mock.calls.map(([person]) => person.name)).toEqual([expect.stringMatching(/^Person \d+$/)]);
  });

  it('opens a row on click and on Enter, and moves between rows with the arrow keys', async () => {
    const onOpen = vi.fn();
    renderList({ onOpen });
    await userEvent.click(await screen.findByText('Person 2'));
    expect(onOpen).toHaveBeenLastCalledWith({ id: 'p2', name: 'Person 2' });

    const first = screen.getByText('Person 0').closest('tr')!;
    first.focus();
    await userEvent.keyboard('{ArrowDown}');
    await waitFor(() => expect(document.activeElement).toBe(screen.getByText('Person 1').closest('tr')));
    await userEvent.keyboard('{Enter}');
    expect(onOpen).toHaveBeenLastCalledWith({ id: 'p1', name: 'Person 1' });
  });

  it('selects rows one by one or every loaded row, and hands the ids to the bulk actions without opening a row', async () => {
    const onOpen = vi.fn();
    renderList({ onOpen, bulkActions: (selected) => `bulk on ${selected.join(',')}` });
    await screen.findByText('Person 0');
    const rowBoxes = screen.getAllByRole('checkbox', { name: 'Select row' });
    await userEvent.click(rowBoxes[1]!);
    await userEvent.click(rowBoxes[3]!);
    expect(screen.getByText('bulk on p1,p3')).toBeTruthy();
    expect(onOpen).not.toHaveBeenCalled();

    await userEvent.click(rowBoxes[1]!);
    expect(screen.getByText('bulk on p3')).toBeTruthy();

    await userEvent.click(screen.getByRole('checkbox', { name: 'Select all rows' }));
    expect(screen.getByText(/^bulk on p0,p1,p2,/).textContent!.split(',')).toHaveLength(100);
    await userEvent.click(screen.getByRole('checkbox', { name: 'Select all rows' }));
    expect(screen.queryByText(/^bulk on/)).toBeNull();
  });

  it('keeps the search in the URL as it is typed, and takes it off when the search is cleared', async () => {
    const { fetchPage } = renderList();
    await screen.findByText('Person 0');
    await userEvent.type(screen.getByLabelText('Search people'), 'ada');
    await waitFor(() => expect(screen.getByLabelText('URL query').textContent).toBe('?q=ada'));
    expect(fetchPage).toHaveBeenLastCalledWith(expect.objectContaining({ q: 'ada' }));
    await userEvent.clear(screen.getByLabelText('Search people'));
    await waitFor(() => expect(screen.getByLabelText('URL query').textContent).toBe(''));
  });

  it('opens a link with ?q= searched from its first request', async () => {
    const { fetchPage } = renderList({ url: '/people?q=lovelace' });
    await waitFor(() => expect(fetchPage).toHaveBeenCalled());
    expect(fetchPage.mock.calls.map(([request]) => request.q)).toEqual(['lovelace']);
    expect((screen.getByLabelText('Search people') as HTMLInputElement).value).toBe('lovelace');
    expect(screen.getByLabelText('URL query').textContent).toBe('?q=lovelace');
  });

  it('hides a column chosen off in the column chooser, header and cells, and remembers it in this browser', async () => {
    localStorage.clear();
    renderList();
    expect(await screen.findByText('p0@example.com')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Columns' }));
    await userEvent.click(await screen.findByRole('checkbox', { name: 'Email' }));
    await waitFor(() => expect(screen.queryByText('p0@example.com')).toBeNull());
    expect(screen.queryByRole('columnheader', { name: 'Email' })).toBeNull();
    expect(screen.getByRole('columnheader', { name: 'Name' })).toBeTruthy();
    // Without a saved view open, the shown columns in their order are kept in this browser.
    expect(JSON.parse(localStorage.getItem('kinship.columnOrder.people')!)).toEqual(['name']);
  });

  it('shows the API’s issues about filter parameters at the inputs that show them, and above the rows those no input shows', async () => {
    const refusal = new ApiError(400, 'invalid_parameter', 'The request is not valid.', [
      { field: 'createdAtFrom', issue: 'must be an ISO 8601 date-time' },
      { field: 'customFields.gone', issue: 'is not a custom field of contact records' },
    ]);
    render(
      <MantineProvider>
        <MemoryRouter>
          <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
            <RecordList<Person>
              name="refused"
              searchLabel="Search people"
              columns={[emailColumn]}
              fetchPage={() => Promise.reject(refusal)}
              toolbar={(issueAt) => <TextInput label="Created from" error={issueAt('createdAtFrom')} />}
            />
          </QueryClientProvider>
        </MemoryRouter>
      </MantineProvider>,
    );
    const alert = await screen.findByRole('alert');
    expect(screen.getByLabelText('Created from').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('must be an ISO 8601 date-time')).toBeTruthy();
    // Said once, at its input: the banner keeps only what no input shows.
    expect(alert.textContent).not.toContain('ISO 8601');
    expect(alert.textContent).toContain('customFields.gone: is not a custom field of contact records');
  });
});
