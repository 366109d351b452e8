import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../lib/api-error';
import { renderWithTheme } from '../test/render';
import { Conversation } from './Conversation';

const entries = [
  { id: '1', body: 'Called, no answer', createdAt: '2026-12-05T10:00:00Z' },
  { id: '2', body: 'Escalate to billing', createdAt: '2026-12-05T11:00:00Z', internal: true, author: 'Agent' },
];
const internal = { label: 'Internal note', submitLabel: 'Add internal note', badge: 'Internal' };

describe('Conversation', () => {
  it('adds an entry, clears the input, and does not send an empty one', async () => {
    const onAdd = vi.fn().mockResolvedValue(undefined);
    renderWithTheme(<Conversation title="Notes" entries={entries} canWrite composeLabel="New note" submitLabel="Add note" onAdd={onAdd} />);
    await userEvent.click(screen.getByRole('button', { name: 'Add note' }));
    expect(onAdd).not.toHaveBeenCalled();
    await userEvent.type(screen.getByLabelText('New note'), 'Sent the quote');
    await userEvent.click(screen.getByRole('button', { name: 'Add note' }));
    expect(onAdd).toHaveBeenCalledWith('Sent the quote', false);
    await waitFor(() => expect((screen.getByLabelText('New note') as HTMLTextAreaElement).value).toBe(''));
  });

  it('marks internal entries apart and sends the internal choice (tickets)', async () => {
    const onAdd = vi.fn().mockResolvedValue(undefined);
    const { container } = renderWithTheme(
      <Conversation title="Conversation" entries={entries} canWrite composeLabel="New comment" submitLabel="Reply" internal={internal} onAdd={onAdd} />,
    );
    expect(container.querySelectorAll('[data-comment="internal"]')).toHaveLength(1);
    expect(screen.getByText('Internal')).toBeTruthy();
    await userEvent.click(screen.getByLabelText('Internal note'));
    await userEvent.type(screen.getByLabelText('New comment'), 'Refund approved');
    await userEvent.click(screen.getByRole('button', { name: 'Add internal note' }));
    expect(onAdd).toHaveBeenCalledWith('Refund approved', true);
  });

  it('keeps the text and shows the API’s refusal under the input', async () => {
    const onAdd = vi.fn().mockRejectedValue(new ApiError(422, 'validation_failed', 'body must be shorter than or equal to 10000 characters'));
    renderWithTheme(<Conversation title="Notes" entries={[]} canWrite composeLabel="New note" submitLabel="Add note" onAdd={onAdd} />);
    await userEvent.type(screen.getByLabelText('New note'), 'Too long');
    await userEvent.click(screen.getByRole('button', { name: 'Add note' }));
    expect(await screen.findByText('body must be shorter than or equal to 10000 characters')).toBeTruthy();
    expect((screen.getByLabelText('New note') as HTMLTextAreaElement).value).toBe('Too long');
  });

  it('offers no form without the permission', () => {
    renderWithTheme(<Conversation title="Notes" entries={entries} canWrite={false} composeLabel="New note" submitLabel="Add note" onAdd={vi.fn()} />);
    expect(screen.queryByLabelText('New note')).toBeNull();
    expect(screen.getByText('Called, no answer')).toBeTruthy();
  });
});
