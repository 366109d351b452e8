import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { renderWithTheme } from '../../test/render';
import { ProviderButtons } from './SignInPage';

const google = { name: 'google', label: 'Google', authorizationUrl: 'https://accounts.example/auth', clientId: 'kinship-web' };

describe('sign-in providers', () => {
  it('offers no provider button when the server has none configured', () => {
    renderWithTheme(<ProviderButtons providers={[]} onChoose={() => {}} />);
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('offers a button per configured provider, which starts its sign-in', async () => {
    const onChoose = vi.fn();
    renderWithTheme(<ProviderButtons providers={[google]} onChoose={onChoose} />);
    await userEvent.click(screen.getByRole('button', { name: 'Sign in with Google' }));
    expect(onChoose).toHaveBeenCalledWith(google);
  });
});
