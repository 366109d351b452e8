import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../lib/api-error';
import { renderWithTheme } from '../test/render';
import { InlineField } from './InlineField';

describe('InlineField', () => {
  it('shows the API’s issue at the field and keeps the input until it is corrected', async () => {
    const refusal = new ApiError(422, 'validation_failed', 'The request is not valid.', [{ field: 'email', issue: 'email must be an email' }]);
    const onSave = vi.fn().mockRejectedValueOnce(refusal).mockResolvedValueOnce(undefined);
    renderWithTheme(<InlineField field="email" label="Email" value="ada@example.com" onSave={onSave} />);

    await userEvent.click(screen.getByRole('button', { name: /^Edit Email/ }));
    const input = screen.getByLabelText('Email');
    await userEvent.clear(input);
    await userEvent.type(input, 'not-an-email{Enter}');
    expect(await screen.findByText('email must be an email')).toBeTruthy();
    expect(screen.getByLabelText('Email').getAttribute('aria-invalid')).toBe('true');

    await userEvent.clear(screen.getByLabelText('Email'));
    await userEvent.type(screen.getByLabelText('Email'), 'grace@example.com{Enter}');
    await waitFor(() => expect(screen.queryByLabelText('Email', { selector: 'input' })).toBeNull());
    expect(onSave).toHaveBeenLastCalledWith('grace@example.com');
    expect(screen.queryByText('email must be an email')).toBeNull();
  });

  it('says the error’s message when the API named no field', async () => {
    const onSave = vi.fn().mockRejectedValue(new ApiError(409, 'conflict', 'Another contact has this email.'));
    renderWithTheme(<InlineField field="email" label="Email" value={null} onSave={onSave} />);
    await userEvent.click(screen.getByRole('button', { name: /^Edit Email/ }));
    await userEvent.type(screen.getByLabelText('Email'), 'ada@example.com{Enter}');
    expect(await screen.findByText('Another contact has this email.')).toBeTruthy();
  });

  it('puts the old value back on Esc without saving', async () => {
    const onSave = vi.fn();
    renderWithTheme(<InlineField field="firstName" label="First name" value="Ada" onSave={onSave} />);
    await userEvent.click(screen.getByRole('button', { name: /^Edit First name/ }));
    await userEvent.type(screen.getByLabelText('First name'), 'xyz{Escape}');
    expect(screen.getByText('Ada')).toBeTruthy();
    expect(onSave).not.toHaveBeenCalled();
  });

  it('cannot be edited without the permission', () => {
    renderWithTheme(<InlineField field="firstName" label="First name" value="Ada" disabled onSave={vi.fn()} />);
    expect((screen.getByRole('button', { name: /^Edit First name/ }) as HTMLButtonElement).disabled).toBe(true);
  });
});
