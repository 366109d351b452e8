import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../lib/api-error';
import { renderWithTheme } from '../test/render';
import { TypedValueField, type TypedField } from './TypedValueField';

const price: TypedField = { key: 'price', label: 'Price', type: 'currency', options: [] };
const rooms: TypedField = { key: 'rooms', label: 'Rooms', type: 'number', options: [] };

describe('TypedValueField', () => {
  it('edits an amount in major units and saves minor units', async () => {
    const onSave = vi.fn().mockResolvedValue(undefined);
    renderWithTheme(<TypedValueField field={price} name="values.price" value={{ amount: 1000, currency: 'EUR' }} onSave={onSave} />);
    await userEvent.click(screen.getByRole('button', { name: /^Edit Price/ }));
    const amount = screen.getByLabelText('Price amount');
    await userEvent.clear(amount);
    await userEvent.type(amount, '2500.5{Enter}');
    await waitFor(() => expect(onSave).toHaveBeenCalledWith({ amount: 250050, currency: 'EUR' }));
  });

  it('names a bad amount before sending anything', async () => {
    const onSave = vi.fn();
    renderWithTheme(<TypedValueField field={price} name="values.price" value={null} onSave={onSave} />);
    await userEvent.click(screen.getByRole('button', { name: /^Edit Price/ }));
    await userEvent.type(screen.getByLabelText('Price amount'), '1.234');
    await userEvent.type(screen.getByLabelText('Price currency'), 'eur{Enter}');
    expect(await screen.findByText('Enter an amount with at most the currency’s decimals.')).toBeTruthy();
    expect(onSave).not.toHaveBeenCalled();
  });

  it('shows the API’s issue for the field and keeps the input; Esc puts the value back', async () => {
    const refusal = new ApiError(422, 'validation_failed', 'The request is not valid.', [{ field: 'values.rooms', issue: 'must be a number' }]);
    const onSave = vi.fn().mockRejectedValue(refusal);
    renderWithTheme(
      <MemoryRouter>
        <TypedValueField field={rooms} name="values.rooms" value={3} onSave={onSave} />
      </MemoryRouter>,
    );
    await userEvent.click(screen.getByRole('button', { name: /^Edit Rooms/ }));
    await userEvent.clear(screen.getByLabelText('Rooms'));
    await userEvent.type(screen.getByLabelText('Rooms'), 'many{Enter}');
    expect(await screen.findByText('must be a number')).toBeTruthy();
    expect(onSave).toHaveBeenCalledWith('many');
    await userEvent.type(screen.getByLabelText('Rooms'), '{Escape}');
    expect(screen.getByRole('button', { name: 'Edit Rooms: 3' })).toBeTruthy();
  });

  it('cannot be edited without the permission', () => {
    renderWithTheme(<TypedValueField field={rooms} name="values.rooms" value={3} disabled onSave={vi.fn()} />);
    expect((screen.getByRole('button', { name: /^Edit Rooms/ }) as HTMLButtonElement).disabled).toBe(true);
  });
});
