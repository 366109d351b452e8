import { Button, PasswordInput, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { api } from '../../lib/api';
import { unwrap } from '../../lib/api-error';
import { applyApiError } from '../../lib/form-errors';
import { t } from '../../lib/i18n';
import { startSession } from '../../lib/session';
import { AuthLayout } from './AuthLayout';

export function Component() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const form = useForm({ initialValues: { name: '', password: '' } });
  const submit = form.onSubmit(async (values) => {
    setError(null);
    try {
      startSession(await unwrap(api.POST('/api/v1/invitations/accept', { body: { ...values, token: params.get('token') ?? '' } })));
      queryClient.clear();
      navigate('/', { replace: true });
    } catch (failure) {
      setError(applyApiError(failure, ['name', 'password'], form.setFieldError));
    }
  });
  return (
    <AuthLayout title={t('auth.acceptTitle')} error={error}>
      <form onSubmit={submit} noValidate>
        <TextInput label={t('field.name')} autoComplete="name" required {...form.getInputProps('name')} mb="sm" />
        <PasswordInput label={t('field.password')} autoComplete="new-password" required {...form.getInputProps('password')} mb="md" />
        <Button type="submit" fullWidth loading={form.submitting}>
          {t('auth.join')}
        </Button>
      </form>
    </AuthLayout>
  );
}
