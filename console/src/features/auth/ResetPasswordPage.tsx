import { Alert, Anchor, Button, PasswordInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../lib/api';
import { unwrap } from '../../lib/api-error';
import { applyApiError } from '../../lib/form-errors';
import { t } from '../../lib/i18n';
import { AuthLayout } from './AuthLayout';

export function Component() {
  const [params] = useSearchParams();
  const [done, setDone] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const form = useForm({ initialValues: { password: '' } });
  const submit = form.onSubmit(async ({ password }) => {
    setError(null);
    try {
      await unwrap(api.POST('/api/v1/auth/password/reset', { body: { token: params.get('token') ?? '', password } }));
      setDone(true);
    } catch (failure) {
      setError(applyApiError(failure, ['password'], form.setFieldError));
    }
  });
  return (
    <AuthLayout title={t('auth.resetTitle')} error={error}>
      {done ? (
        <Alert color="green" role="status">
          {t('auth.resetDone')}
        </Alert>
      ) : (
        <form onSubmit={submit} noValidate>
          <PasswordInput label={t('field.newPassword')} autoComplete="new-password" required {...form.getInputProps('password')} mb="md" />
          <Button type="submit" fullWidth loading={form.submitting}>
            {t('auth.setPassword')}
          </Button>
        </form>
      )}
      <Anchor component={Link} to="/sign-in" size="sm">
        {t('auth.backToSignIn')}
      </Anchor>
    </AuthLayout>
  );
}
