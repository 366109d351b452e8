import { Anchor, Alert, Button, Divider, Group, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api } from '../../lib/api';
import { unwrap } from '../../lib/api-error';
import { applyApiError } from '../../lib/form-errors';
import { t } from '../../lib/i18n';
import { startSession } from '../../lib/session';
import { AuthLayout } from './AuthLayout';
import { startOidcSignIn, type OidcProvider } from './oidc';

/** Where to go after signing in: only a path of this app, never another site. */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function Component() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const form = useForm({ initialValues: { email: '', password: '' } });
  const providers = useQuery({ queryKey: ['auth', 'providers'], queryFn: () => unwrap(api.GET('/api/v1/auth/oauth/providers')), staleTime: Infinity });
  const next = safeNext(params.get('next'));

  const submit = form.onSubmit(async (values) => {
    setError(null);
    try {
      startSession(await unwrap(api.POST('/api/v1/auth/login', { body: values })));
      queryClient.clear();
      navigate(next, { replace: true });
    } catch (failure) {
      setError(applyApiError(failure, ['email', 'password'], form.setFieldError));
    }
  });

  return (
    <AuthLayout title={t('auth.signIn')} error={error}>
      {params.get('reason') === 'expired' && <Alert color="yellow">{t('auth.sessionEnded')}</Alert>}
      <form onSubmit={submit} noValidate>
        <TextInput label={t('field.email')} type="email" autoComplete="email" required {...form.getInputProps('email')} mb="sm" />
        <PasswordInput label={t('field.password')} autoComplete="current-password" required {...form.getInputProps('password')} mb="md" />
        <Button type="submit" fullWidth loading={form.submitting}>
          {t('auth.signIn')}
        </Button>
      </form>
      <ProviderButtons providers={providers.data?.data ?? []} onChoose={(provider) => startOidcSignIn(provider, next)} />
      <Group justify="space-between">
        <Anchor component={Link} to="/forgot-password" size="sm">
          {t('auth.forgot')}
        </Anchor>
        <Anchor component={Link} to="/sign-up" size="sm">
          {t('auth.createAccount')}
        </Anchor>
      </Group>
    </AuthLayout>
  );
}

/** A button for each OpenID Connect provider the server is configured with; nothing when there is none. */
export function ProviderButtons({ providers, onChoose }: { providers: OidcProvider[]; onChoose: (provider: OidcProvider) => void }) {
  if (providers.length === 0) return null;
  return (
    <Stack gap="xs">
      <Divider label={t('auth.or')} labelPosition="center" />
      {providers.map((provider) => (
        <Button key={provider.name} variant="default" fullWidth onClick={() => onChoose(provider)}>
          {t('auth.signInWith', { provider: provider.label })}
        </Button>
      ))}
    </Stack>
  );
}
