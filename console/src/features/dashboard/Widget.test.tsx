import { MantineProvider } from '@mantine/core';
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Widget } from './Widget';

const widget = {
  key: 'saved:1',
  title: 'Deals by owner',
  kind: 'table',
  asOf: '2026-12-07T03:00:00.000Z',
  lagMs: 0,
  data: {
    columns: [
      { key: 'ownerId', label: 'Owner', type: 'uuid' as const },
      { key: 'count', label: 'Count', type: 'integer' as const },
    ],
    rows: [
      ['0b6a1c36-5f1e-4d7e-9a59-0d3f1b8a1c01', 3],
      ['0b6a1c36-5f1e-4d7e-9a59-0d3f1b8a1c02', 1],
    ],
    truncated: false,
  },
} as Parameters<typeof Widget>[0]['widget'];

describe('Widget', () => {
  it('shows a custom dashboard card’s owners by their names, an id no member has as it is', () => {
    const names = new Map([['0b6a1c36-5f1e-4d7e-9a59-0d3f1b8a1c01', 'Ada Lovelace']]);
    render(
      <MantineProvider>
        <Widget widget={widget} names={names} />
      </MantineProvider>,
    );
    expect(screen.getAllByText('Ada Lovelace').length).toBeGreaterThan(0);
    expect(screen.queryAllByText('0b6a1c36-5f1e-4d7e-9a59-0d3f1b8a1c01')).toHaveLength(0);
    expect(screen.getAllByText('0b6a1c36-5f1e-4d7e-9a59-0d3f1b8a1c02').length).toBeGreaterThan(0);
  });
});
